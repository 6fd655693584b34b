// From a validated specification to the argv of the device's ping: pure, so the exact
// command line is pinned by conformance vectors on every runtime. Targets are checked here
// again (address of the right family, or an RFC 1123 host name), so nothing that could read
// as an option or as shell syntax ever reaches a tool; the target always comes last.
import { ToolInfo } from "../../host";
import { ProbeError } from "../../util/errors";
import { formatIp4, formatIp6, isHostName, parseIp4, parseIp6 } from "../../util/addr";
import { fmtNum, parseNatural } from "../../util/num";
import { toolArgv0 } from "../tools-probe";

export const P_DEST4 = "destination.ip4";
export const P_DEST6 = "destination.ip6";
export const P_NAME = "destination.name";
export const P_SIZE = "ping.payload.octets";
export const P_TTL = "ping.ttl";
export const P_TIMEOUT = "ping.timeout.s";

/** Most echo requests one run sends (one hour at 1 s). */
export const MAX_PING_COUNT = 3600;
export const SIZE_MIN = 16;
export const SIZE_MAX = 65000;
export const TIMEOUT_MAX_S = 60;

/** A tool as the measurement uses it: the host's ToolInfo plus the name it was found under. */
export interface ToolRef extends ToolInfo {
  /** "ping", "ping6", "traceroute", "traceroute6", "scamper". */
  name: string;
}

export interface Destination {
  /** The parameter the target came from (named in every error about it). */
  field: string;
  /** Canonical address text, or the host name as given. */
  target: string;
  family: number;
  isName: boolean;
}

/**
 * The target of a specification: `destination.ip4`, `destination.ip6`, or `destination.name`
 * (then `family` says which address family to resolve to). Throws ESPEC naming the field.
 */
export function destinationOf(params: { [name: string]: string }, family?: number): Destination {
  const v4 = params[P_DEST4];
  if (v4 !== undefined) {
    const o = parseIp4(v4);
    if (o === undefined) throw new ProbeError("ESPEC", "'" + v4 + "' is not an IPv4 address", P_DEST4);
    return { field: P_DEST4, target: formatIp4(o), family: 4, isName: false };
  }
  const v6 = params[P_DEST6];
  if (v6 !== undefined) {
    const g = parseIp6(v6);
    if (g === undefined) throw new ProbeError("ESPEC", "'" + v6 + "' is not an IPv6 address", P_DEST6);
    return { field: P_DEST6, target: formatIp6(g), family: 6, isName: false };
  }
  const name = params[P_NAME];
  if (name !== undefined) {
    if (!isHostName(name)) throw new ProbeError("ESPEC", "'" + name + "' is not a host name (RFC 1123 letters, digits, hyphens)", P_NAME);
    if (family !== 4 && family !== 6) throw new ProbeError("ESPEC", "a host name needs an address family (4 or 6)", P_NAME);
    return { field: P_NAME, target: name, family: family, isName: true };
  }
  throw new ProbeError("ESPEC", "missing: give destination.ip4, destination.ip6 or destination.name", P_DEST4);
}

/** A natural parameter inside [lo, hi], or ESPEC naming it. */
export function naturalParam(params: { [name: string]: string }, name: string, lo: number, hi: number): number {
  const text = params[name];
  if (text === undefined) throw new ProbeError("ESPEC", "missing", name);
  const v = parseNatural(text);
  if (v === undefined) throw new ProbeError("ESPEC", "'" + text + "' is not a natural number", name);
  if (v < lo || v > hi) throw new ProbeError("ESPEC", "'" + text + "' is outside " + fmtNum(lo) + " ... " + fmtNum(hi), name);
  return v;
}

export interface PingWhen {
  /** Length of the scope (the "+ 5s"). */
  durationMs: number;
  /** The scope's period: the interval between echo requests. */
  periodMs: number;
}

export interface PingPlan {
  dest: Destination;
  /** Echo requests to send: duration / period (mPlane's ping), at least 1. */
  count: number;
  intervalMs: number;
  sizeBytes: number;
  ttl: number;
  timeoutS: number;
}

export function pingPlan(params: { [name: string]: string }, when: PingWhen, family?: number): PingPlan {
  const dest = destinationOf(params, family);
  if (!(when.periodMs > 0)) throw new ProbeError("ESPEC", "ping needs a period (the interval between echo requests)", "when");
  let count = Math.floor(when.durationMs / when.periodMs + 0.000001);
  if (count < 1) count = 1;
  if (count > MAX_PING_COUNT) {
    throw new ProbeError("ESPEC", "more than " + fmtNum(MAX_PING_COUNT) + " echo requests (duration / period)", "when");
  }
  return {
    dest: dest,
    count: count,
    intervalMs: when.periodMs,
    sizeBytes: naturalParam(params, P_SIZE, SIZE_MIN, SIZE_MAX),
    ttl: naturalParam(params, P_TTL, 1, 255),
    timeoutS: naturalParam(params, P_TIMEOUT, 1, TIMEOUT_MAX_S),
  };
}

function has(tool: ToolInfo, flag: string): boolean {
  return tool.flags !== undefined && tool.flags.indexOf(flag) >= 0;
}

function push(out: string[], flag: string, value: string): void {
  out.push(flag);
  out.push(value);
}

/** argv for one ping run of `plan` with `tool` (busybox, iputils or toybox). */
export function pingArgvOf(tool: ToolRef, plan: PingPlan): string[] {
  const fl = tool.flavour;
  if (fl !== "iputils" && fl !== "busybox" && fl !== "toybox") {
    throw new ProbeError("EFLAVOUR", "no ping command line for flavour '" + fl + "'");
  }
  const out = toolArgv0(tool, tool.name);
  const isPing6 = tool.name === "ping6";
  if (plan.dest.family === 6 && !isPing6) out.push("-6");
  else if (plan.dest.family === 4 && has(tool, "-4")) out.push("-4");
  if (fl === "iputils") {
    out.push("-n");
    if (has(tool, "-D")) out.push("-D");
  }
  push(out, "-c", fmtNum(plan.count));
  push(out, "-i", fmtNum(plan.intervalMs / 1000));
  push(out, "-s", fmtNum(plan.sizeBytes));
  push(out, "-t", fmtNum(plan.ttl));
  push(out, "-W", fmtNum(plan.timeoutS));
  out.push(plan.dest.target);
  return out;
}

/** The whole way from parameters to argv: validation, plan, command line. */
export function pingArgv(tool: ToolRef, params: { [name: string]: string }, when: PingWhen, family?: number): string[] {
  return pingArgvOf(tool, pingPlan(params, when, family));
}

/** Longest a run of `plan` may take: the sends, the last reply's wait, and process start. */
export function pingBudgetMs(plan: PingPlan): number {
  return (plan.count - 1) * plan.intervalMs + plan.timeoutS * 1000 + 3000;
}
