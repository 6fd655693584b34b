// What Tstat's capabilities name and need before anything runs: parameters, result
// columns, paths from the device options. The code that runs (run, capture, status,
// control) is loaded only when a Tstat specification runs.
import { ProbeError } from "../../util/errors";
import { digest128 } from "../../util/hash";

export const P_ROWS = "tstat.rows.max";
export const ROWS_MAX = 1000000;
export const ROWS_DEFAULT = "10000";

export const P_IFACE = "observer.interface";

export const CAPTURE_RESULTS = [
  "start", "end", P_IFACE, "tstat.capture.started", "tstat.pid", "tstat.exit.code", "tstat.packets",
  "tstat.flows.tcp", "tstat.flows.udp", "tstat.outdir.count", "tstat.outdir", "tstat.message",
];

/** Tstat's output directory (device option tstat.logDir): without it nothing is offered. */
export function tstatLogDir(options: { [key: string]: string }): string | undefined {
  const d = options["tstat.logDir"];
  return d !== undefined && d.length > 0 ? d : undefined;
}

/** tstatLogDir for a measurement that cannot run without it. */
export function requireLogDir(options: { [key: string]: string }): string {
  const d = tstatLogDir(options);
  if (d === undefined) throw new ProbeError("ECONFIG", "the device option tstat.logDir is not set");
  return d;
}

export function tstatBinary(ctx: { device: { options: { [k: string]: string }; tools: { [k: string]: { path: string } | undefined } } }): string | undefined {
  const b = ctx.device.options["tstat.binary"];
  if (b !== undefined && b.length > 0) return b;
  const t = ctx.device.tools["tstat"];
  return t !== undefined ? t.path : undefined;
}

export const STATUS_RESULTS = [
  "time", "tstat.running", "tstat.pid", "tstat.outdir", "tstat.log.level", "tstat.conf.log", "tstat.conf.options",
  "tstat.restore.pending",
];

export interface ConfPaths {
  conf: string;
  /** Where the original text waits while an edit is in force. */
  state: string;
}

/** From the device options tstat.runtimeConf and tstat.stateDir (default: next to the conf). */
export function confPaths(options: { [key: string]: string }): ConfPaths | undefined {
  const conf = options["tstat.runtimeConf"];
  if (conf === undefined || conf.length === 0) return undefined;
  const dir = options["tstat.stateDir"];
  const state = dir !== undefined && dir.length > 0
    ? dir + "/tstat-restore-" + digest128(conf).substring(0, 16)
    : conf + ".miniprobe-restore";
  return { conf: conf, state: state };
}
