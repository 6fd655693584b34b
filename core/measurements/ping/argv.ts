// From a validated specification to the argv of the device's ping: pure, so the exact
// command line is pinned by conformance vectors on every runtime. Targets are checked here
// again (address of the right family, or an RFC 1123 host name), so nothing that could read
// as an option or as shell syntax ever reaches a tool; the target always comes last.
import { ToolInfo } from "../../host";
import { ProbeError } from "../../util/errors";
import { fmtNum, parseNatural } from "../../util/num";
import { toolArgv0 } from "../../tools/classify";
import { Destination, P_DEST4, P_DEST6, P_NAME, ToolRef, destinationOf, naturalParam } from "../target";

export const P_SIZE = "ping.payload.octets";
export const P_TTL = "ping.ttl";
export const P_TIMEOUT = "ping.timeout.s";

/** Most echo requests one run sends (one hour at 1 s). */
export const MAX_PING_COUNT = 3600;
export const SIZE_MIN = 16;
export const SIZE_MAX = 65000;
export const TIMEOUT_MAX_S = 60;

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
