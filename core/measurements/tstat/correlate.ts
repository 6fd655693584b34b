// Correlation: the log_tcp_complete rows of one measurement's own flows (server address
// and port, inside its time window), so an active measurement (an OTT session) can attach
// the passive view of the very connections it made: RTT, retransmissions, windows.
import { Cancel } from "../../cancel";
import { Device } from "../types";
import { canonicalAddress } from "../../util/addr";
import { parseNatural } from "../../util/num";
import { ProbeError } from "../../util/errors";
import { TCP_CORE, TCP_E2E, TCP_IDS, TCP_OPTIONS, resultNames } from "./columns";
import { LogGroup } from "./groups";
import { requireLogDir } from "./names";
import { field, LogHeader } from "./header";
import { rowTime } from "./rows";
import { GroupReader, READER_DEFAULTS } from "./reader";
import { TailStats } from "./tail";
import { sleepCancel } from "./wait";
import { Cell } from "../types";

export interface CorrelateQuery {
  /** The server's address (any textual form) and port the measurement connected to. */
  serverIp: string;
  serverPort: number;
  /** The measurement's span, ms since the epoch; flows that overlap it are kept. */
  startMs: number;
  endMs: number;
  /** Keep polling the logs this long for flows Tstat has not written yet (it buffers ~4 KB). Default 0. */
  waitMs?: number;
  /** Stop waiting once this many flows were found (default 1). */
  minRows?: number;
  pollMs?: number;
  maxRows?: number;
}

export interface Correlation {
  columns: string[];
  rows: Cell[][];
  stats: TailStats;
}

/** Everything Tstat may log about a flow, whichever groups are on (absent ones are "*"). */
const GROUP: LogGroup = {
  log: "log_tcp_complete",
  cols: TCP_IDS.concat(TCP_CORE).concat(TCP_E2E).concat(TCP_OPTIONS),
  withKind: false,
  timeField: "first",
  timeScale: 1,
  edits: [],
};

export const CORRELATE_COLUMNS = resultNames(GROUP.cols);

/** Is this row a flow to ip:port that overlaps [startMs, endMs]? */
export function flowMatches(fields: string[], h: LogHeader, ip: string, port: number, startMs: number, endMs: number): boolean {
  const sp = field(fields, h, "s_port");
  if (sp === undefined || parseNatural(sp) !== port) return false;
  const si = field(fields, h, "s_ip");
  if (si === undefined || canonicalAddress(si) !== ip) return false;
  const first = rowTime(fields, h, "first", 1);
  const last = rowTime(fields, h, "last", 1);
  if (first === undefined) return false;
  return first <= endMs && (last !== undefined ? last : first) >= startMs;
}

/**
 * The tcp_complete rows of the flows to q.serverIp:q.serverPort overlapping [startMs, endMs]
 * (1 s of slack each side for clock granularity), read from the device's tstat.logDir.
 */
export async function correlateFlows(dev: Device, q: CorrelateQuery, cancel?: Cancel): Promise<Correlation> {
  const logDir = requireLogDir(dev.options);
  const ip = canonicalAddress(q.serverIp);
  if (ip === undefined) throw new ProbeError("EPARAM", "not an address: '" + q.serverIp + "'", "serverIp");
  const lo = q.startMs - 1000;
  const hi = q.endMs + 1000;
  const until = dev.host.mono() + (q.waitMs !== undefined ? q.waitMs : 0);
  const want = q.minRows !== undefined ? q.minRows : 1;
  const opts = { chunkBytes: READER_DEFAULTS.chunkBytes, fallbackMaxBytes: READER_DEFAULTS.fallbackMaxBytes, maxRows: q.maxRows !== undefined ? q.maxRows : 1000 };
  let r: GroupReader;
  let rounds = 0;
  for (;;) {
    r = new GroupReader(dev.host, logDir, GROUP, opts, cancel, (f, h) => flowMatches(f, h, ip, q.serverPort, lo, hi));
    const snap = await r.snapshot();
    // the window test is on the flow span (flowMatches), so every directory after the start is read
    await r.scanPast(lo - 86400000, 8640000000000000, snap, false);
    rounds = rounds + 1;
    const left = until - dev.host.mono();
    if (r.rows.length >= want || left <= 0 || rounds > 10000 || (cancel !== undefined && cancel.cancelled)) break;
    const step = q.pollMs !== undefined ? q.pollMs : 1000;
    await sleepCancel(dev.host, step < left ? step : left, cancel);
  }
  return { columns: CORRELATE_COLUMNS, rows: r.rows, stats: r.stats };
}
