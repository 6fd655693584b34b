// A log capability's run: turn its group on in runtime.conf (when the scope reaches into
// the future and a conf is configured), read the rows dated in the scope that are already
// written, tail the rows that appear until the scope ends, then restore runtime.conf —
// also when interrupted (ctx.cancel) or when reading fails.
import { ProbeError } from "../../util/errors";
import { parseNatural } from "../../util/num";
import { fmtNum } from "../../util/num";
import { ResultTable, RunContext } from "../types";
import { acquire, release } from "./control";
import { LogGroup, groupResults } from "./groups";
import { P_ROWS, ROWS_DEFAULT, ROWS_MAX, confPaths, requireLogDir } from "./names";
import { GroupReader, READER_DEFAULTS, ReaderOptions } from "./reader";
import { sleepCancel } from "./wait";

function optNat(opts: { [k: string]: string }, key: string, dflt: number): number {
  const v = opts[key];
  if (v === undefined) return dflt;
  const n = parseNatural(v);
  if (n === undefined) throw new ProbeError("ECONFIG", "device option " + key + " must be a whole number, not '" + v + "'");
  return n;
}

export async function runLog(ctx: RunContext, g: LogGroup): Promise<ResultTable> {
  const host = ctx.host;
  const opts = ctx.device.options;
  const logDir = requireLogDir(opts);
  const maxText = ctx.params[P_ROWS];
  const maxRows = maxText !== undefined ? parseNatural(maxText) : parseNatural(ROWS_DEFAULT);
  if (maxRows === undefined) throw new ProbeError("EPARAM", "not a whole number", P_ROWS);
  const ropts: ReaderOptions = {
    chunkBytes: optNat(opts, "tstat.chunkBytes", READER_DEFAULTS.chunkBytes),
    fallbackMaxBytes: READER_DEFAULTS.fallbackMaxBytes,
    maxRows: maxRows,
  };
  const pollMs = optNat(opts, "tstat.pollMs", 1000);
  const startMs = ctx.run.startMs;
  const endMs = ctx.run.endMs !== undefined ? ctx.run.endMs : startMs;
  if (startMs > host.now()) await sleepCancel(host, startMs - host.now(), ctx.cancel);
  const t0 = host.now();
  const live = endMs > t0 && !ctx.cancel.cancelled;
  const reader = new GroupReader(host, logDir, g, ropts, ctx.cancel);
  const snap = await reader.snapshot();
  const paths = live ? confPaths(opts) : undefined;
  const log = (msg: string): void => ctx.log("info", msg);
  let lease: number | undefined = undefined;
  try {
    if (paths !== undefined) lease = await acquire(host, paths, g.edits, log);
    if (startMs < t0) await reader.scanPast(startMs, endMs, snap, live);
    if (live) {
      await reader.startLive(snap);
      let guard = 0;
      while (host.now() < endMs && !ctx.cancel.cancelled && guard < 10000000) {
        guard = guard + 1;
        const left = endMs - host.now();
        await sleepCancel(host, left < pollMs ? left : pollMs, ctx.cancel);
        await reader.poll(false);
      }
      await reader.poll(true);
    }
  } finally {
    if (paths !== undefined && lease !== undefined) await release(host, paths, lease, log);
  }
  const s = reader.stats;
  ctx.log("info", g.log + ": " + fmtNum(reader.rows.length) + " rows from " + fmtNum(reader.seen.length) + " directories; " +
    fmtNum(s.truncated) + " partly written lines and " + fmtNum(s.malformed) + " malformed lines skipped" +
    (reader.dropped > 0 ? "; " + fmtNum(reader.dropped) + " rows past " + P_ROWS + " left out" : ""));
  return { columns: groupResults(g), rows: reader.rows, startMs: startMs < t0 ? startMs : t0, endMs: live ? host.now() : endMs };
}
