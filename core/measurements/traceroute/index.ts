// traceroute: the path to a destination, one row per (hop, probe), with the tool the device
// has. Capabilities (per address family, each only when a tool can do it):
//   traceroute-ip4/-ip6        classic: Debian traceroute or busybox (scamper if neither)
//   traceroute-paris-ip4/-ip6  constant flow: scamper, else Debian traceroute with --sport
//   tracelb-ip4/-ip6           every load-balanced path: scamper tracelb
// The protocol constraint lists what that tool supports (udp, icmp, tcp). A silent or
// unreachable path is a result (timeouts "*", flags "!H"...; destination.reached False).
import { ToolSet } from "../../host";
import { exec } from "../../host-async";
import { ProbeError, asProbeError } from "../../util/errors";
import { fmtNum, parseNatural } from "../../util/num";
import { CapabilityTemplate, Cell, Device, Measurement, NONE, ResultTable, RunContext, Variant, variantFamily } from "../types";
import { P_DEST4, P_DEST6, ToolRef } from "../target";
import { splitLines } from "../../tools/text";
import {
  HOPS_MAX, PARIS_SPORT, P_HOPS, P_PROTOCOL, P_QUERIES, P_SPORT, P_WAIT, QUERIES_MAX, SPORT_MAX, SPORT_MIN, TraceMode, WAIT_MAX_S, traceArgvOf, traceBudgetMs,
  traceProtocols, tracePlan,
} from "./argv";
import { parseTraces } from "./parse";
import { Trace } from "./types";

const COL_HOP = "traceroute.hop";
const COL_PROBE = "traceroute.probe";
const COL_FLAG = "traceroute.flag";
const COL_REACHED = "destination.reached";

export function traceColumns(family: number): string[] {
  return [COL_HOP, COL_PROBE, family === 4 ? "intermediate.ip4" : "intermediate.ip6", "rtt.us", COL_FLAG, COL_REACHED];
}

function ref(tools: ToolSet, name: string): ToolRef | undefined {
  const t = tools[name];
  if (t === undefined) return undefined;
  const r: ToolRef = { name: name, path: t.path, flavour: t.flavour };
  if (t.version !== undefined) r.version = t.version;
  if (t.flags !== undefined) r.flags = t.flags;
  return r;
}

function supportsFamily(t: ToolRef, family: number): boolean {
  if (t.flavour === "scamper" || family === 4 || t.name === "traceroute6") return true;
  return t.flags === undefined || t.flags.indexOf("-6") >= 0;
}

/** The tool used for `mode` and `family` on this device, or undefined. */
export function traceTool(tools: ToolSet, mode: TraceMode, family: number): ToolRef | undefined {
  const names = mode === "classic" ? ["traceroute", "traceroute6", "scamper"] : mode === "paris" ? ["scamper", "traceroute", "traceroute6"] : ["scamper"];
  for (const n of names) {
    const t = ref(tools, n);
    if (t === undefined) continue;
    if (n === "traceroute6" && family === 4) continue;
    if (!supportsFamily(t, family)) continue;
    if (traceProtocols(t, mode).length > 0) return t;
  }
  return undefined;
}

/** The variant's mode as the argv builder names it ("tracelb" → "lb"). */
function modeOf(v: Variant): TraceMode {
  const m = v["mode"];
  return m === "tracelb" ? "lb" : m === "paris" ? "paris" : "classic";
}

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

/** One row per (hop, probe): hop, probe number (1-based), address, RTT, flag, reached. */
export function traceRows(t: Trace): Cell[][] {
  const rows: Cell[][] = [];
  for (const h of t.hops) {
    let k = 0;
    for (const p of h.probes) {
      k = k + 1;
      const timeout = p.addr === undefined && p.rttUs === undefined;
      const flag = timeout ? "*" : p.flag !== undefined ? p.flag : "";
      rows.push([h.ttl, k, p.addr !== undefined ? p.addr : NONE, p.rttUs !== undefined ? p.rttUs : NONE, flag, t.reached]);
    }
  }
  return rows;
}

function firstLine(text: string): string {
  for (const l of splitLines(text)) if (l.trim().length > 0) return l.trim();
  return "";
}

async function runTrace(ctx: RunContext): Promise<ResultTable> {
  const host = ctx.host;
  const mode = modeOf(ctx.variant);
  const family = variantFamily(ctx.variant);
  const tool = ref(ctx.device.tools, ctx.variant["tool"]);
  if (tool === undefined) throw new ProbeError("ENOTOOL", "no " + ctx.variant["mode"] + " traceroute tool on this device");
  const plan = tracePlan(tool, ctx.params, mode);
  if (plan.dest.family !== family) throw new ProbeError("ESPEC", "address family does not match the capability (IPv" + fmtNum(family) + ")", plan.dest.field);
  const argv = traceArgvOf(tool, plan);
  ctx.log("debug", argv.join(" "));
  const start = host.now();
  const res = await exec(host, argv, { timeoutMs: traceBudgetMs(tool, plan), maxBytes: 1048576 }, ctx.cancel);
  const end = host.now();
  const columns = traceColumns(family);
  let traces: Trace[] = [];
  try {
    traces = parseTraces(tool.flavour, tool.flavour === "scamper" ? res.stdout : res.stdout + "\n" + res.stderr);
  } catch (e) {
    ctx.log("warn", "no trace in the output: " + asProbeError(e).message);
  }
  if (traces.length === 0 || traces[0].hops.length === 0) {
    // The tool could not trace at all (no route, network unreachable): a result, no hops.
    const why = firstLine(res.stderr);
    if (res.code !== 0 && why.length > 0) ctx.log("info", why);
    return { columns: columns, rows: [[NONE, NONE, NONE, NONE, "!N", false]], startMs: start, endMs: end };
  }
  return { columns: columns, rows: traceRows(traces[0]), startMs: start, endMs: end };
}

export const traceroute: Measurement = {
  name: "traceroute",
  elements: [
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
  run: runTrace,
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
