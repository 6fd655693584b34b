import { JSON_NULL, JsonObject, JsonValue } from "../../../core/util/json";
import { ProbeError } from "../../../core/util/errors";
import { parsePingToJson } from "../../../core/measurements/ping/parse";
import { rttStats } from "../../../core/measurements/ping/stats";
import { rttStatsToJson } from "../../../core/measurements/ping/json";
import { decimalToInt, msTextToUs } from "../../../core/tools/text";
import { VectorFn } from "./types";
import { Host, ToolInfo, ToolSet } from "../../../core/host";
import { CapabilityTemplate, Device } from "../../../core/measurements/types";
import { pingArgv } from "../../../core/measurements/ping/argv";
import { ToolRef } from "../../../core/measurements/target";
import { ping } from "../../../core/measurements/ping/index";
import { helpFlags, identify } from "../../../core/tools/classify";

export const fns: { [name: string]: VectorFn } = {
  /** in {flavour, text, bareMeans?} -> the flavour's record (see parsePingToJson). */
  "ping.parse": (i) => {
    const o = i as JsonObject;
    const bare = o["bareMeans"];
    const opts = bare === "unreachable" ? { bareMeans: "unreachable" as const } : undefined;
    return parsePingToJson(o["flavour"] as string, o["text"] as string, opts);
  },
  /** in {samplesUs: number[], sent?} -> RttStats. */
  "ping.stats": (i) => {
    const o = i as JsonObject;
    const xs: number[] = [];
    const arr = o["samplesUs"];
    if (!Array.isArray(arr)) throw new ProbeError("EINPUT", "samplesUs must be an array");
    for (const v of arr) xs.push(v as number);
    const sent = o["sent"];
    return rttStatsToJson(rttStats(xs, typeof sent === "number" ? sent : undefined));
  },
  /** in "10.432" -> 10432 (null when not a decimal). */
  "ping.msToUs": (i) => {
    const v = msTextToUs(i as string);
    return v === undefined ? JSON_NULL : v;
  },
  /** in {text, places} -> integer or null. */
  "ping.decimalToInt": (i) => {
    const o = i as JsonObject;
    const v = decimalToInt(o["text"] as string, o["places"] as number);
    return v === undefined ? JSON_NULL : (v as JsonValue);
  },
};

function toolRef(v: JsonValue): ToolRef {
  const o = v as JsonObject;
  const t: ToolRef = { name: o["name"] as string, path: o["path"] as string, flavour: o["flavour"] as string };
  const flags = o["flags"];
  if (Array.isArray(flags)) {
    const fl: string[] = [];
    for (const f of flags) fl.push(f as string);
    t.flags = fl;
  }
  if (typeof o["version"] === "string") t.version = o["version"] as string;
  return t;
}

function stringMap(v: JsonValue): { [name: string]: string } {
  const o = v as JsonObject;
  const out: { [name: string]: string } = {};
  for (const k of Object.keys(o)) out[k] = o[k] as string;
  return out;
}

function strings(xs: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const x of xs) out.push(x);
  return out;
}

/** Capability templates as JSON (parameters as an object; key order is not compared). */
export function templatesToJson(ts: CapabilityTemplate[]): JsonValue {
  const out: JsonValue[] = [];
  for (const t of ts) {
    const p: JsonObject = {};
    for (const k of Object.keys(t.parameters)) p[k] = t.parameters[k];
    const v: JsonObject = {};
    const variant = t.variant !== undefined ? t.variant : {};
    for (const k of Object.keys(variant)) v[k] = variant[k];
    out.push({ label: t.label, variant: v, when: t.when, parameters: p, results: strings(t.results) });
  }
  return out;
}

/** A device that has only tools (all capabilities() of ping and traceroute read). */
export function toolsDevice(v: JsonValue): Device {
  const o = v as JsonObject;
  const tools: ToolSet = {};
  for (const k of Object.keys(o)) {
    const t = toolRef(o[k]);
    const info: ToolInfo = { path: t.path, flavour: t.flavour };
    if (t.flags !== undefined) info.flags = t.flags;
    if (t.version !== undefined) info.version = t.version;
    tools[k] = info;
  }
  return { host: {} as unknown as Host, tools: tools, options: {}, probeId: "vectors" };
}

fns["ping.argv"] = (i) => {
  const o = i as JsonObject;
  const w = o["when"] as JsonObject;
  const fam = o["family"];
  return strings(pingArgv(toolRef(o["tool"]), stringMap(o["params"]), { durationMs: w["durationMs"] as number, periodMs: w["periodMs"] as number }, typeof fam === "number" ? fam : undefined));
};
/** in {tools: {name: ToolInfo}} -> the ping capability templates this device offers. */
fns["ping.capabilities"] = (i) => templatesToJson(ping.capabilities(toolsDevice((i as JsonObject)["tools"])));
/** in help text -> option names it lists. */
fns["tools.helpFlags"] = (i) => strings(helpFlags(i as string));
/** in {name, text} -> {flavour, version?} or null. */
fns["tools.identify"] = (i) => {
  const o = i as JsonObject;
  const r = identify(o["name"] as string, o["text"] as string);
  if (r === undefined) return JSON_NULL;
  const out: JsonObject = { flavour: r.flavour };
  if (r.version !== undefined) out["version"] = r.version;
  return out;
};
