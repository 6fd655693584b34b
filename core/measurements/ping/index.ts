// ping: the device's own ping (iputils, busybox or toybox), as mPlane's reference ping
// component offers it. The capability's scope is "now ... future / P" (P the shortest interval
// the tool allows); a specification's scope "now + 5s / 1s" sends duration / period = 5 echo
// requests one period apart and yields one aggregate row (ping-average-*) or one row per
// reply (ping-detail-*). Targets: an address of the capability's family, or (the -name-
// capabilities) a host name that the tool resolves; the address it used is reported.
// Loss, unreachable and unresolvable targets are results (count 0), not exceptions.
import { fmtNum, parseNatural } from "../../util/num";
import { CapabilityTemplate, Device, Measurement, ResultTable, RunContext, Variant } from "../types";
import { P_DEST4, P_DEST6, P_NAME, ToolRef } from "../target";
import { P_SIZE, P_TIMEOUT, P_TTL, SIZE_MAX, SIZE_MIN, TIMEOUT_MAX_S } from "./argv";
import { AVERAGE_RESULTS, DETAIL_RESULTS } from "./columns";
import { pingTool } from "./tool";
// A namespace import read at call time: the Lua bundle loads the parsers only when a ping runs.
import * as impl from "./run";

export { AVERAGE_RESULTS, DETAIL_RESULTS } from "./columns";
export { pingTool } from "./tool";

/** Version text "1.35.0" at least `major.minor`. */
function versionAtLeast(v: string | undefined, major: number, minor: number): boolean {
  if (v === undefined) return false;
  const parts = v.split(".");
  const a = parseNatural(parts[0]);
  const b = parts.length > 1 ? parseNatural(parts[1]) : 0;
  if (a === undefined || b === undefined) return false;
  return a > major || (a === major && b >= minor);
}

/** Shortest interval the tool accepts: 0.2 s (iputils' floor for ordinary users, toybox,
 * busybox 1.35 which reads fractions), 1 s for older busybox (whole seconds only). */
export function minPeriod(tool: ToolRef): string {
  if (tool.flavour === "busybox" && !versionAtLeast(tool.version, 1, 35)) return "1s";
  return "0.2s";
}

/** What ping itself would use: 56-byte payload, TTL 64, 2 s wait for each reply. */
const DEFAULTS: { [name: string]: string } = {};
DEFAULTS[P_SIZE] = "56";
DEFAULTS[P_TTL] = "64";
DEFAULTS[P_TIMEOUT] = "2";

function variant(tool: ToolRef, family: number, output: string, target: string): Variant {
  return { family: family === 4 ? "4" : "6", output: output, target: target, tool: tool.name };
}

function templates(tool: ToolRef, family: number): CapabilityTemplate[] {
  const fam = family === 4 ? "ip4" : "ip6";
  const when = "now ... future / " + minPeriod(tool);
  const common = (dest: string): { [name: string]: string } => {
    const p: { [name: string]: string } = {};
    p[dest] = "*";
    p[P_SIZE] = fmtNum(SIZE_MIN) + " ... " + fmtNum(SIZE_MAX);
    p[P_TTL] = "1 ... 255";
    p[P_TIMEOUT] = "1 ... " + fmtNum(TIMEOUT_MAX_S);
    return p;
  };
  const dest = family === 4 ? P_DEST4 : P_DEST6;
  const avgName = AVERAGE_RESULTS.slice();
  avgName.push(dest);
  const detName = DETAIL_RESULTS.slice();
  detName.push(dest);
  // Aggregate and detail differ by their result columns (detail has time, per-reply delay,
  // sequence and TTL; aggregate has min/mean/max/count...), so their schemas differ.
  return [
    { label: "ping-average-" + fam, variant: variant(tool, family, "aggregate", "address"), when: when, parameters: common(dest), results: AVERAGE_RESULTS.slice(), defaults: DEFAULTS },
    { label: "ping-detail-" + fam, variant: variant(tool, family, "detail", "address"), when: when, parameters: common(dest), results: DETAIL_RESULTS.slice(), defaults: DEFAULTS },
    { label: "ping-average-name-" + fam, variant: variant(tool, family, "aggregate", "name"), when: when, parameters: common(P_NAME), results: avgName, defaults: DEFAULTS },
    { label: "ping-detail-name-" + fam, variant: variant(tool, family, "detail", "name"), when: when, parameters: common(P_NAME), results: detName, defaults: DEFAULTS },
  ];
}

export const ping: Measurement = {
  name: "ping",
  elements: () => [
    { name: "delay.twoway.icmp.us.50pct", prim: "natural", desc: "median round-trip time of the echo replies, microseconds" },
    { name: "delay.twoway.icmp.us.stddev", prim: "natural", desc: "population standard deviation of the round-trip times (iputils mdev), microseconds" },
    { name: "destination.name", prim: "string", desc: "target host name (RFC 1123), resolved by the tool; the address used is reported" },
    { name: "ping.payload.octets", prim: "natural", desc: "ICMP echo payload size (ping -s)" },
    { name: "ping.ttl", prim: "natural", desc: "IP TTL / hop limit of the echo requests (ping -t)" },
    { name: "ping.timeout.s", prim: "natural", desc: "how long to wait for a reply after the last request (ping -W)" },
    { name: "ping.sequence", prim: "natural", desc: "ICMP sequence number as the tool printed it (busybox counts from 0, iputils from 1)" },
    { name: "ping.reply.ttl", prim: "natural", desc: "IP TTL / hop limit of the echo reply" },
  ],
  capabilities: (device: Device): CapabilityTemplate[] => {
    const out: CapabilityTemplate[] = [];
    for (const family of [4, 6]) {
      const tool = pingTool(device.tools, family);
      if (tool !== undefined) for (const t of templates(tool, family)) out.push(t);
    }
    return out;
  },
  run: (ctx: RunContext): Promise<ResultTable> => impl.runPing(ctx),
  graceMs: 5000,
  maxDurationMs: (params: { [name: string]: string }, spanMs: number): number => {
    const t = params[P_TIMEOUT] !== undefined ? parseNatural(params[P_TIMEOUT]) : undefined;
    return spanMs + (t !== undefined ? t * 1000 : TIMEOUT_MAX_S * 1000) + 3000;
  },
};
