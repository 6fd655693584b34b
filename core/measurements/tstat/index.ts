// tstat: Tstat-controlled passive measurement. The log capabilities turn a log group on in
// runtime.conf for the specification's scope and report the real rows Tstat writes (or,
// for a scope in the past, the rows it already wrote), read by header names; capture runs
// Tstat itself on an interface; status says what Tstat is doing. Device options:
// tstat.logDir (Tstat's -s directory), tstat.runtimeConf (its -T file), tstat.binary,
// tstat.netConf (-N), tstat.stateDir (where the original runtime.conf waits while edited),
// tstat.pollMs. At start the agent/CLI calls recover() to undo what a killed probe left.
import { Host } from "../../host";
import { Element } from "../../model/registry";
import { ProbeError } from "../../util/errors";
import { CapabilityTemplate, Device, Measurement, ResultTable, RunContext, Variant } from "../types";
import { allTemplates, tstatCapabilities } from "./capabilities";
import { elementsOf, HTTP, TCP_CORE, TCP_E2E, TCP_IDS, TCP_LAYER7, TCP_OPTIONS, TCP_P2P, UDP, HTTP_KIND } from "./columns";
import { logGroupOf } from "./groups";
import { P_ROWS, confPaths } from "./names";
// A namespace import read at call time: the Lua bundle loads Tstat's code only when it runs.
import * as impl from "./impl";

/**
 * At the start of the probe (agent or CLI), before any specification: puts back a
 * runtime.conf that a killed probe left edited. Returns true when it restored one.
 */
export function recover(host: Host, options: { [key: string]: string }, log: (msg: string) => void): Promise<boolean> {
  if (confPaths(options) === undefined) return Promise.resolve(false);
  return impl.recover(host, options, log);
}

function elements(): Element[] {
  const out: Element[] = [
    { name: P_ROWS, prim: "natural", desc: "most rows a Tstat log specification returns (the rest are left out and logged)" },
    { name: HTTP_KIND, prim: "string", desc: "request or response (Tstat log_http_complete)" },
    { name: "tstat.capture.started", prim: "boolean", desc: "tstat-capture started Tstat (false: one was already running)" },
    { name: "tstat.pid", prim: "natural", desc: "process id of Tstat" },
    { name: "tstat.exit.code", prim: "real", desc: "Tstat's exit status (1 after SIGINT, -1 killed by a signal)" },
    { name: "tstat.packets", prim: "natural", desc: "packets Tstat analysed" },
    { name: "tstat.flows.tcp", prim: "natural", desc: "TCP flows Tstat analysed" },
    { name: "tstat.flows.udp", prim: "natural", desc: "UDP flows Tstat analysed" },
    { name: "tstat.outdir.count", prim: "natural", desc: "output directories Tstat created" },
    { name: "tstat.outdir", prim: "string", desc: "Tstat's (last) output directory" },
    { name: "tstat.message", prim: "string", desc: "Tstat's last words when it failed" },
    { name: "tstat.running", prim: "boolean", desc: "a Tstat process runs on the device" },
    { name: "tstat.log.level", prim: "string", desc: "the #NN# level of the current log_tcp_complete header" },
    { name: "tstat.conf.log", prim: "string", desc: "runtime.conf [log] switches, key=value" },
    { name: "tstat.conf.options", prim: "string", desc: "runtime.conf [options] switches, key=value" },
    { name: "tstat.restore.pending", prim: "boolean", desc: "an edited runtime.conf waits to be restored" },
  ];
  for (const cols of [TCP_IDS, TCP_CORE, TCP_E2E, TCP_OPTIONS, TCP_P2P, TCP_LAYER7, UDP, HTTP]) elementsOf(cols, out);
  return out;
}

function isDevice(x: Host | Device): x is Device {
  return (x as Device).options !== undefined && (x as Device).host !== undefined;
}

/** Until every runner passes a Device: a Host alone is a device without options. */
function asDevice(x: Host | Device): Device {
  if (isDevice(x)) return x;
  return { host: x, tools: x.tools, options: {}, probeId: x.info !== undefined ? x.info.probeId : "" };
}

/** The variant, or (while a runner still hands none) the one of our own template with this label. */
function variantOf(ctx: RunContext): Variant {
  if (ctx.variant !== undefined && ctx.variant["group"] !== undefined) return ctx.variant;
  for (const t of allTemplates()) if (t.label === ctx.label && t.variant !== undefined) return t.variant;
  return {};
}

export const tstat: Measurement = {
  name: "tstat",
  elements: elements(),
  capabilities: (x: Host | Device): CapabilityTemplate[] => tstatCapabilities(asDevice(x)),
  // a log scope's end is followed by one last read and the restore of runtime.conf
  graceMs: 20000,
  run: (ctx: RunContext): Promise<ResultTable> => {
    const v = variantOf(ctx);
    const g = logGroupOf(v);
    if (g !== undefined) return impl.runLog(ctx, g);
    if (v["group"] === "capture") return impl.runCapture(ctx);
    if (v["group"] === "status") return impl.runStatus(ctx);
    return Promise.reject(new ProbeError("ECAP", "no Tstat capability for variant group '" + (v["group"] !== undefined ? v["group"] : "") + "'"));
  },
};
