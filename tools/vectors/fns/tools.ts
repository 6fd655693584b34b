import { JSON_NULL, JsonObject, JsonValue } from "../../../core/util/json";
import { appletList, classifyTool, probePlan } from "../../../core/tools/classify";
import { VectorFn } from "./types";

function textMap(v: JsonValue | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (v === undefined || v === JSON_NULL || Array.isArray(v)) return out;
  const o = v as JsonObject;
  for (const k of Object.keys(o)) out[k] = o[k] as string;
  return out;
}

function strings(xs: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const x of xs) out.push(x);
  return out;
}

export const fns: { [name: string]: VectorFn } = {
  /** {name, path, texts: {key: output}} -> ToolInfo {path, flavour, version?, flags?} */
  "tools.classify": (i) => {
    const o = i as JsonObject;
    const t = classifyTool(o["name"] as string, o["path"] as string, textMap(o["texts"]));
    const out: JsonObject = { path: t.path, flavour: t.flavour };
    if (t.version !== undefined) out["version"] = t.version;
    if (t.flags !== undefined) out["flags"] = strings(t.flags);
    return out;
  },
  /** {name, texts} -> the next invocations [{key, args}] */
  "tools.probePlan": (i) => {
    const o = i as JsonObject;
    const out: JsonValue[] = [];
    for (const p of probePlan(o["name"] as string, textMap(o["texts"]))) out.push({ key: p.key, args: strings(p.args) });
    return out;
  },
  /** a multi-call binary's list output -> applet names */
  "tools.applets": (i) => strings(appletList(i as string)),
};
