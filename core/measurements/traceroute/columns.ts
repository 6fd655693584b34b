// Result columns of the traceroute capabilities: one row per (hop, probe).
const COL_HOP = "traceroute.hop";
const COL_PROBE = "traceroute.probe";
const COL_FLAG = "traceroute.flag";
const COL_REACHED = "destination.reached";

export function traceColumns(family: number): string[] {
  return [COL_HOP, COL_PROBE, family === 4 ? "intermediate.ip4" : "intermediate.ip6", "rtt.us", COL_FLAG, COL_REACHED];
}
