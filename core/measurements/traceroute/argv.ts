// From a validated traceroute specification to the tool's argv: pure, pinned by vectors.
//
// mode "classic": the tool's own probing (UDP with a port that changes per probe, ICMP echo,
//   TCP SYN): per-flow load balancers may send each probe down another path.
// mode "paris": a constant flow identifier (same 5-tuple for every probe), so a per-flow
//   load balancer keeps the whole trace on one path, and the same path on every run:
//   scamper udp-paris / icmp-paris / tcp with fixed ports, or Debian traceroute with a
//   constant destination port (-U UDP, -T TCP) and a fixed source port (--sport).
// mode "lb": scamper tracelb, which varies the flow on purpose to find every path.
import { ProbeError } from "../../util/errors";
import { fmtNum } from "../../util/num";
import { Destination, ToolRef, destinationOf, naturalParam } from "../target";
import { toolArgv0 } from "../../tools/classify";

export const P_PROTOCOL = "traceroute.protocol";
export const P_HOPS = "traceroute.hops.max";
export const P_QUERIES = "traceroute.queries";
export const P_WAIT = "traceroute.wait.s";
/**
 * Paris only: the flow identifier held constant for the whole trace — the source port of
 * every UDP/TCP probe (scamper -s, traceroute --sport); for scamper icmp-paris the value its
 * -s sets in the ICMP header. The mPlane core element, so Paris and classic traceroute
 * differ by schema, not by label.
 */
export const P_SPORT = "source.port";
export const SPORT_MIN = 1024;
export const SPORT_MAX = 65535;

export const HOPS_MAX = 64;
export const QUERIES_MAX = 10;
export const WAIT_MAX_S = 10;
/** Source port (ICMP identifier) of every Paris probe: the same flow on every run. */
export const PARIS_SPORT = 33433;
export const PARIS_UDP_DPORT = 33435;
export const PARIS_TCP_DPORT = 80;

export type TraceMode = "classic" | "paris" | "lb";

export interface TracePlan {
  mode: TraceMode;
  dest: Destination;
  protocol: string;
  /** 0 for tracelb (it has no hop limit: it stops at the destination or a gap). */
  maxHops: number;
  queries: number;
  waitS: number;
  /** Paris: the constant source port (flow identifier). */
  sport: number;
}

function has(tool: ToolRef, flag: string): boolean {
  return tool.flags !== undefined && tool.flags.indexOf(flag) >= 0;
}

/** Protocols `tool` can trace with in `mode` (the capability's constraint), best first. */
export function traceProtocols(tool: ToolRef, mode: TraceMode): string[] {
  const fl = tool.flavour;
  if (fl === "scamper") return ["udp", "icmp", "tcp"];
  if (mode === "lb") return [];
  if (fl === "traceroute") {
    const out: string[] = [];
    if (mode === "classic") {
      out.push("udp");
      if (has(tool, "-I")) out.push("icmp");
      if (has(tool, "-T")) out.push("tcp");
    } else if (has(tool, "--sport")) {
      if (has(tool, "-U")) out.push("udp");
      if (has(tool, "-T")) out.push("tcp");
    }
    return out;
  }
  if (fl === "busybox" && mode === "classic") {
    // busybox traceroute changes the UDP port per probe and the ICMP sequence per probe:
    // it cannot hold a flow constant, so it offers no Paris mode.
    const out = ["udp"];
    if (has(tool, "-I")) out.push("icmp");
    return out;
  }
  return [];
}

export function tracePlan(tool: ToolRef, params: { [name: string]: string }, mode: TraceMode): TracePlan {
  const dest = destinationOf(params);
  if (dest.isName) throw new ProbeError("ESPEC", "traceroute takes an address", "destination.name");
  const protocol = params[P_PROTOCOL];
  if (protocol === undefined) throw new ProbeError("ESPEC", "missing", P_PROTOCOL);
  const allowed = traceProtocols(tool, mode);
  if (allowed.indexOf(protocol) < 0) {
    throw new ProbeError("ESPEC", "'" + protocol + "' is not one of " + allowed.join(","), P_PROTOCOL);
  }
  return {
    mode: mode,
    dest: dest,
    protocol: protocol,
    maxHops: mode === "lb" ? 0 : naturalParam(params, P_HOPS, 1, HOPS_MAX),
    queries: naturalParam(params, P_QUERIES, 1, QUERIES_MAX),
    waitS: naturalParam(params, P_WAIT, 1, WAIT_MAX_S),
    sport: mode === "paris" && params[P_SPORT] !== undefined ? naturalParam(params, P_SPORT, SPORT_MIN, SPORT_MAX) : PARIS_SPORT,
  };
}

function scamperCommand(p: TracePlan): string {
  const w: string[] = [];
  if (p.mode === "lb") {
    w.push("tracelb");
    w.push("-P");
    w.push(p.protocol === "icmp" ? "icmp-echo" : p.protocol === "tcp" ? "tcp-sport" : "udp-dport");
    w.push("-q");
    w.push(fmtNum(p.queries));
    w.push("-w");
    w.push(fmtNum(p.waitS));
    return w.join(" ");
  }
  w.push("trace");
  w.push("-P");
  if (p.mode === "paris") w.push(p.protocol === "tcp" ? "tcp" : p.protocol + "-paris");
  else w.push(p.protocol);
  w.push("-q");
  w.push(fmtNum(p.queries));
  w.push("-Q");
  w.push("-m");
  w.push(fmtNum(p.maxHops));
  w.push("-w");
  w.push(fmtNum(p.waitS));
  if (p.mode === "paris") {
    w.push("-s");
    w.push(fmtNum(p.sport));
    w.push("-d");
    w.push(fmtNum(p.protocol === "tcp" ? PARIS_TCP_DPORT : PARIS_UDP_DPORT));
  }
  return w.join(" ");
}

/** argv for one trace of `plan` with `tool`; the target is always the last word. */
export function traceArgvOf(tool: ToolRef, p: TracePlan): string[] {
  const fl = tool.flavour;
  if (fl === "scamper") return [tool.path, "-O", "json", "-c", scamperCommand(p), "-i", p.dest.target];
  if (p.mode === "lb") throw new ProbeError("EFLAVOUR", "tracelb needs scamper");
  const out = toolArgv0(tool, tool.name);
  out.push("-n");
  const six = tool.name === "traceroute6";
  if (!six && p.dest.family === 6) out.push("-6");
  else if (!six && has(tool, "-4")) out.push("-4");
  if (fl === "traceroute") {
    if (p.mode === "paris") {
      out.push(p.protocol === "tcp" ? "-T" : "-U");
      out.push("--sport=" + fmtNum(p.sport));
    } else if (p.protocol === "icmp") out.push("-I");
    else if (p.protocol === "tcp") out.push("-T");
  } else if (fl === "busybox") {
    if (p.mode === "paris") throw new ProbeError("EFLAVOUR", "busybox traceroute cannot keep a flow constant");
    if (p.protocol === "icmp") out.push("-I");
  } else {
    throw new ProbeError("EFLAVOUR", "no traceroute command line for flavour '" + fl + "'");
  }
  out.push("-m");
  out.push(fmtNum(p.maxHops));
  out.push("-q");
  out.push(fmtNum(p.queries));
  out.push("-w");
  out.push(fmtNum(p.waitS));
  out.push(p.dest.target);
  return out;
}

export function tracerouteArgv(tool: ToolRef, params: { [name: string]: string }, mode: TraceMode): string[] {
  return traceArgvOf(tool, tracePlan(tool, params, mode));
}

/**
 * Longest a trace may take: every probe waiting its full time, one after the other when the
 * tool probes sequentially (scamper, --sport, busybox), plus process start. Capped at 10 min.
 */
export function traceBudgetMs(tool: ToolRef, p: TracePlan): number {
  let ms: number;
  if (p.mode === "lb") ms = 300000;
  else {
    const probes = p.maxHops * p.queries;
    const parallel = tool.flavour === "traceroute" && p.mode === "classic" ? 16 : 1;
    ms = Math.ceil(probes / parallel) * p.waitS * 1000;
  }
  ms = ms + 5000;
  return ms > 600000 ? 600000 : ms;
}
