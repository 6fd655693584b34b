// One vector runner, compiled for every runtime. Input: {"cases":[{"id","fn","in"}]}.
// Output: one canonical JSON line per case, {"id","out"} or {"id","error":{code,message}}.
// The Node side compares every runtime's lines with the expected outputs and each other.
import { asProbeError } from "../../core/util/errors";
import { JsonObject, JsonValue, isJsonObject, parseJson, writeJson } from "../../core/util/json";
import { OBJECT_KEYS } from "../../core/model/statement";
import { VectorFn } from "./fns/types";
import { fns as utilFns } from "./fns/util";
import { fns as modelFns } from "./fns/model";
import { fns as pingFns } from "./fns/ping";
import { fns as tracerouteFns } from "./fns/traceroute";
import { fns as manifestFns } from "./fns/manifest";
import { fns as ottFns } from "./fns/ott";
import { fns as agentFns } from "./fns/agent";
import { fns as tstatFns } from "./fns/tstat";
import { fns as reportFns } from "./fns/report";
import { fns as mqttFns } from "./fns/mqtt";
import { fns as toolsFns } from "./fns/tools";

const tables: { [name: string]: VectorFn }[] = [utilFns, modelFns, pingFns, tracerouteFns, manifestFns, ottFns, agentFns, tstatFns, reportFns, mqttFns, toolsFns];

function lookup(name: string): VectorFn | undefined {
  for (const t of tables) {
    const f = t[name];
    if (f !== undefined) return f;
  }
  return undefined;
}

export function runVectors(input: string): string {
  const doc = parseJson(input, { maxBytes: 67108864 });
  if (!isJsonObject(doc) || !Array.isArray(doc["cases"])) return "{\"error\":\"no cases\"}\n";
  const lines: string[] = [];
  for (const c of doc["cases"] as JsonValue[]) {
    const cas = c as JsonObject;
    const id = cas["id"] as string;
    const f = lookup(cas["fn"] as string);
    const line: JsonObject = { id: id };
    if (f === undefined) {
      line["error"] = { code: "ENOFN", message: "no vector function " + (cas["fn"] as string) };
    } else {
      try {
        line["out"] = f(cas["in"]);
      } catch (e) {
        const pe = asProbeError(e);
        line["error"] = { code: pe.code, message: pe.message };
      }
    }
    lines.push(writeJson(line, { objectKeys: OBJECT_KEYS }));
  }
  return lines.join("\n") + "\n";
}
