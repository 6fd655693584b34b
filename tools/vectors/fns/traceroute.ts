import { JsonObject, JsonValue } from "../../../core/util/json";
import { parseTraceToJson } from "../../../core/measurements/traceroute/parse";
import { TraceMode, tracerouteArgv } from "../../../core/measurements/traceroute/argv";
import { traceroute } from "../../../core/measurements/traceroute/index";
import { ToolRef } from "../../../core/measurements/target";
import { VectorFn } from "./types";
import { templatesToJson, toolsDevice } from "./ping";

function strings(xs: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const x of xs) out.push(x);
  return out;
}

export const fns: { [name: string]: VectorFn } = {
  /** in {flavour, text, dst?} -> trace record, or {"traces":[...]} for scamper. */
  "traceroute.parse": (i) => {
    const o = i as JsonObject;
    const dst = o["dst"];
    return parseTraceToJson(o["flavour"] as string, o["text"] as string, typeof dst === "string" ? dst : undefined);
  },
  /** in {tool: {name, path, flavour, flags?}, params, mode: classic|paris|lb} -> argv. */
  "traceroute.argv": (i) => {
    const o = i as JsonObject;
    const t = o["tool"] as JsonObject;
    const tool: ToolRef = { name: t["name"] as string, path: t["path"] as string, flavour: t["flavour"] as string };
    const flags = t["flags"];
    if (Array.isArray(flags)) {
      const fl: string[] = [];
      for (const f of flags) fl.push(f as string);
      tool.flags = fl;
    }
    const p = o["params"] as JsonObject;
    const params: { [name: string]: string } = {};
    for (const k of Object.keys(p)) params[k] = p[k] as string;
    return strings(tracerouteArgv(tool, params, o["mode"] as TraceMode));
  },
  /** in {tools: {name: ToolInfo}} -> the traceroute capability templates this device offers. */
  "traceroute.capabilities": (i) => templatesToJson(traceroute.capabilities(toolsDevice((i as JsonObject)["tools"]))),
};
