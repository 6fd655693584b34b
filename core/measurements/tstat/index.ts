// tstat: Tstat-controlled passive measurement. The log capabilities turn a log group on in
// runtime.conf for the specification's scope and report the real rows Tstat writes (or,
// for a scope in the past, the rows it already wrote), read by header names; capture runs
// Tstat itself on an interface; status says what Tstat is doing. Device options:
// tstat.logDir (Tstat's -s directory), tstat.runtimeConf (its -T file), tstat.binary,
// tstat.netConf (-N), tstat.stateDir (where the original runtime.conf waits while edited),
// tstat.pollMs. At start the agent/CLI calls recover() to undo what a killed probe left.
import { Host } from "../../host";
import { ProbeError } from "../../util/errors";
import { CapabilityTemplate, Device, Measurement, ResultTable, RunContext, Variant } from "../types";
import { confPaths, tstatLogDir } from "./names";
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
  for (const t of impl.allTemplates()) if (t.label === ctx.label && t.variant !== undefined) return t.variant;
  return {};
}

export const tstat: Measurement = {
  name: "tstat",
  elements: () => impl.tstatElements(),
  // Without Tstat's output directory nothing is offered, and Tstat's code is never loaded.
  capabilities: (x: Host | Device): CapabilityTemplate[] => {
    const dev = asDevice(x);
    return tstatLogDir(dev.options) === undefined ? [] : impl.tstatCapabilities(dev);
  },
  // a log scope's end is followed by one last read and the restore of runtime.conf
  graceMs: 20000,
  run: (ctx: RunContext): Promise<ResultTable> => {
    const v = variantOf(ctx);
    const g = impl.logGroupOf(v);
    if (g !== undefined) return impl.runLog(ctx, g);
    if (v["group"] === "capture") return impl.runCapture(ctx);
    if (v["group"] === "status") return impl.runStatus(ctx);
    return Promise.reject(new ProbeError("ECAP", "no Tstat capability for variant group '" + (v["group"] !== undefined ? v["group"] : "") + "'"));
  },
};
