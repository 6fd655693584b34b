// traceroute: the path to a destination, one row per (hop, probe), with the tool the device
// has. Capabilities (per address family, each only when a tool can do it):
//   traceroute-ip4/-ip6        classic: Debian traceroute or busybox (scamper if neither)
//   traceroute-paris-ip4/-ip6  constant flow: scamper, else Debian traceroute with --sport
//   tracelb-ip4/-ip6           every load-balanced path: scamper tracelb
// The protocol constraint lists what that tool supports (udp, icmp, tcp). A silent or
// unreachable path is a result (timeouts "*", flags "!H"...; destination.reached False).
import { fmtNum, parseNatural } from "../../util/num";
import { CapabilityTemplate, Device, Measurement, ResultTable, RunContext, Variant } from "../types";
import { P_DEST4, P_DEST6, ToolRef } from "../target";
import {
  HOPS_MAX, PARIS_SPORT, P_HOPS, P_PROTOCOL, P_QUERIES, P_SPORT, P_WAIT, QUERIES_MAX, SPORT_MAX, SPORT_MIN, TraceMode, WAIT_MAX_S, traceProtocols,
} from "./argv";
import { traceColumns } from "./columns";
import { traceTool } from "./tool";
// A namespace import read at call time: the Lua bundle loads the parsers only when a trace runs.
import * as impl from "./run";

export { traceColumns } from "./columns";
export { traceTool } from "./tool";

function template(tool: ToolRef, mode: TraceMode, family: number): CapabilityTemplate {
  const fam = family === 4 ? "ip4" : "ip6";
  const label = (mode === "lb" ? "tracelb-" : mode === "paris" ? "traceroute-paris-" : "traceroute-") + fam;
  const p: { [name: string]: string } = {};
  p[family === 4 ? P_DEST4 : P_DEST6] = "*";
  p[P_PROTOCOL] = traceProtocols(tool, mode).join(",");
  if (mode !== "lb") p[P_HOPS] = "1 ... " + fmtNum(HOPS_MAX);
  p[P_QUERIES] = "1 ... " + fmtNum(QUERIES_MAX);
  p[P_WAIT] = "1 ... " + fmtNum(WAIT_MAX_S);
  if (mode === "paris") p[P_SPORT] = fmtNum(SPORT_MIN) + " ... " + fmtNum(SPORT_MAX);
  // Defaults as traceroute's own, but a 3 s wait: a router's probe should not hang 5 s a hop.
  const protocols = traceProtocols(tool, mode);
  const d: { [name: string]: string } = {};
  d[P_PROTOCOL] = protocols.indexOf("udp") >= 0 ? "udp" : protocols[0];
  if (mode !== "lb") d[P_HOPS] = "30";
  d[P_QUERIES] = "3";
  d[P_WAIT] = "3";
  if (mode === "paris") d[P_SPORT] = fmtNum(PARIS_SPORT);
  const variant: Variant = { family: family === 4 ? "4" : "6", mode: mode === "lb" ? "tracelb" : mode, tool: tool.name };
  return { label: label, variant: variant, when: "now ... future", parameters: p, results: traceColumns(family), defaults: d };
}

export const traceroute: Measurement = {
  name: "traceroute",
  elements: () => [
    { name: "traceroute.protocol", prim: "string", desc: "probe protocol: udp, icmp or tcp (the capability lists what its tool supports)" },
    { name: "traceroute.hops.max", prim: "natural", desc: "largest TTL / hop limit probed" },
    { name: "traceroute.queries", prim: "natural", desc: "probes per hop (scamper tracelb: attempts per probe)" },
    { name: "traceroute.wait.s", prim: "natural", desc: "longest wait for one probe's answer, seconds" },
    { name: "traceroute.hop", prim: "natural", desc: "TTL / hop limit of the probe" },
    { name: "traceroute.probe", prim: "natural", desc: "probe number within its hop, from 1" },
    { name: "traceroute.flag", prim: "string", desc: "'*' no answer, '' plain answer, or the tool's annotation: !H !N !P !X !S !F..." },
    { name: "destination.reached", prim: "boolean", desc: "the destination itself answered the trace" },
  ],
  capabilities: (device: Device): CapabilityTemplate[] => {
    const out: CapabilityTemplate[] = [];
    const modes: TraceMode[] = ["classic", "paris", "lb"];
    for (const mode of modes) {
      for (const family of [4, 6]) {
        const tool = traceTool(device.tools, mode, family);
        if (tool !== undefined) out.push(template(tool, mode, family));
      }
    }
    return out;
  },
  run: (ctx: RunContext): Promise<ResultTable> => impl.runTrace(ctx),
  graceMs: 5000,
  maxDurationMs: (params: { [name: string]: string }, spanMs: number): number => {
    const h = params[P_HOPS] !== undefined ? parseNatural(params[P_HOPS]) : undefined;
    const q = params[P_QUERIES] !== undefined ? parseNatural(params[P_QUERIES]) : undefined;
    const w = params[P_WAIT] !== undefined ? parseNatural(params[P_WAIT]) : undefined;
    if (h === undefined || q === undefined || w === undefined) return spanMs + 305000;
    const ms = h * q * w * 1000 + 5000;
    return ms > 600000 ? 600000 : ms;
  },
};
