// scamper's JSON-lines output (`-O json`), shared by the ping and traceroute readers:
// typed field access and the list of objects, with invalid lines skipped.
import { JsonObject, JsonValue, isJsonObject, parseJson } from "../util/json";
import { MAX_JSON_LINE_BYTES, splitLines, startsWith } from "./text";

export function num(o: JsonObject, k: string): number | undefined {
  const v = o[k];
  return typeof v === "number" ? v : undefined;
}

export function str(o: JsonObject, k: string): string | undefined {
  const v = o[k];
  return typeof v === "string" ? v : undefined;
}

/** {"sec":s,"usec":u} as integer microseconds since the epoch. */
export function timevalUs(v: JsonValue | undefined): number | undefined {
  if (v === undefined || !isJsonObject(v)) return undefined;
  const s = num(v, "sec");
  const u = num(v, "usec");
  if (s === undefined || u === undefined || s < 0 || u < 0) return undefined;
  return Math.floor(s) * 1000000 + Math.floor(u);
}

/** The JSON objects of scamper's JSON-lines output (invalid lines skipped). */
export function scamperObjects(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const raw of splitLines(text, MAX_JSON_LINE_BYTES)) {
    const line = raw.trim();
    if (!startsWith(line, "{")) continue;
    let v: JsonValue | undefined;
    try {
      v = parseJson(line, { maxBytes: MAX_JSON_LINE_BYTES, maxDepth: 16 });
    } catch (e) {
      v = undefined;
    }
    if (v !== undefined && isJsonObject(v)) out.push(v);
  }
  return out;
}
