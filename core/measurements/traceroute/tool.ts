// Which of the device's tools traces a path in a mode and family.
import { ToolSet } from "../../host";
import { Variant } from "../types";
import { ToolRef } from "../target";
import { TraceMode, traceProtocols } from "./argv";

/** The device's tool `name` as a measurement names it. */
export function toolRef(tools: ToolSet, name: string): ToolRef | undefined {
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
    const t = toolRef(tools, n);
    if (t === undefined) continue;
    if (n === "traceroute6" && family === 4) continue;
    if (!supportsFamily(t, family)) continue;
    if (traceProtocols(t, mode).length > 0) return t;
  }
  return undefined;
}

/** The variant's mode as the argv builder names it ("tracelb" → "lb"). */
export function modeOf(v: Variant): TraceMode {
  const m = v["mode"];
  return m === "tracelb" ? "lb" : m === "paris" ? "paris" : "classic";
}
