// tstat-status: what Tstat is doing now, as far as the device shows it: a running process,
// its current output directory and TCP log level (from that log's header), the log and
// option switches in runtime.conf, and whether a restore is pending.
import { Cell, NONE, ResultTable, RunContext } from "../types";
import { confSection } from "./conf";
import { MAX_CONF_BYTES } from "./control";
import { readTextMaybe, statMaybe } from "./fsa";
import { LogTail } from "./tail";
import { listOutDirs } from "./outdir";
import { runningTstat, started } from "./procs";
import { STATUS_RESULTS, confPaths, tstatBinary, tstatLogDir } from "./names";

/** "key=value key=value" of a section's switches, in file order. */
export function switchesText(text: string, section: string): string {
  const parts: string[] = [];
  for (const kv of confSection(text, section)) parts.push(kv.key + "=" + kv.value);
  return parts.join(" ");
}

export async function runStatus(ctx: RunContext): Promise<ResultTable> {
  const host = ctx.host;
  const opts = ctx.device.options;
  const t = host.now();
  const logDir = tstatLogDir(opts);
  const mine = logDir !== undefined ? started.get(logDir) : undefined;
  const others = await runningTstat(host, tstatBinary(ctx));
  const pid = mine !== undefined ? mine : others.length > 0 ? others[0] : undefined;
  let outdir: Cell = NONE;
  let level: Cell = NONE;
  if (logDir !== undefined) {
    const dirs = await listOutDirs(host, logDir);
    if (dirs.length > 0) {
      const cur = dirs[dirs.length - 1];
      outdir = cur;
      const tail = new LogTail(host, logDir + "/" + cur + "/log_tcp_complete", 4096, 65536);
      let tag: string | undefined = undefined;
      await tail.primeHeadersWith((h) => {
        tag = h.tag;
      });
      if (tag !== undefined) level = tag;
    }
  }
  let logs: Cell = NONE;
  let options: Cell = NONE;
  let pending: Cell = NONE;
  const paths = confPaths(opts);
  if (paths !== undefined) {
    const text = await readTextMaybe(host, paths.conf, MAX_CONF_BYTES);
    if (text !== undefined) {
      logs = switchesText(text, "log");
      options = switchesText(text, "options");
    }
    pending = (await statMaybe(host, paths.state)) !== undefined;
  }
  return {
    columns: STATUS_RESULTS,
    rows: [[t, pid !== undefined, pid !== undefined ? pid : NONE, outdir, level, logs, options, pending]],
    startMs: t,
    endMs: host.now(),
  };
}
