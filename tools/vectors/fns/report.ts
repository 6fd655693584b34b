// Report codec vectors (tests/vectors/report*.json, made by tools/vectors/gen-report.mjs
// with protobufjs). JSON cannot hold every byte string or double, so:
// - text is a JSON string, or {"hex": UTF-8 bytes} (any bytes, invalid UTF-8 included);
//   output text is a string when its UTF-8 bytes are printable ASCII, else {"hex"};
// - a number is a JSON number, or a string: "nan", "inf", "-inf", "-0", or "m*2^e" (m an
//   odd integer below 2^53), the exact form every runtime reads and writes the same way.
import { JSON_NULL, JsonObject, JsonValue, isJsonObject } from "../../../core/util/json";
import { ProbeError } from "../../../core/util/errors";
import { fmtNum, parseNum } from "../../../core/util/num";
import { fromHex, toHex } from "../../../core/report/bytes";
import { utf8Decode, utf8Encode } from "../../../core/report/utf8";
import { float64Bytes, pow2 } from "../../../core/report/float64";
import { PbReader, int64Varint, uint64Varint } from "../../../core/report/wire";
import { Report, decodeReport, encodeReport } from "../../../core/report/report";
import { Value } from "../../../core/report/value";
import { VectorFn } from "./types";

const P53 = 9007199254740992;

export function textIn(v: JsonValue | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (isJsonObject(v) && typeof v["hex"] === "string") return utf8Decode(fromHex(v["hex"] as string));
  throw new ProbeError("EINPUT", "text must be a string or {hex}");
}

export function bytesOut(bytes: string): JsonValue {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c < 32 || c > 126) return { hex: toHex(bytes) };
  }
  return bytes;
}

export function textOut(text: string): JsonValue {
  return bytesOut(utf8Encode(text));
}

export function numIn(v: JsonValue | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  if (typeof v !== "string") throw new ProbeError("EINPUT", "number must be a number or a string");
  if (v === "nan") return 0 / 0;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (v === "-0") {
    // Computed at run time: Lua folds the constant -0 into 0.
    let z = 0;
    z = -z;
    return z;
  }
  // "m*2^e": exact on every runtime (decimal text would depend on each one's strtod).
  const star = v.indexOf("*2^");
  if (star > 0) {
    const neg = v.substring(0, 1) === "-";
    const m = parseNum(v.substring(neg ? 1 : 0, star));
    const e = parseNum(v.substring(star + 3));
    if (m === undefined || e === undefined) throw new ProbeError("EINPUT", "bad m*2^e: " + v);
    return (neg ? -m : m) * pow2(e);
  }
  const n = parseNum(v);
  if (n === undefined) throw new ProbeError("EINPUT", "not a number: " + v);
  return n;
}

/** Canonical text of a double: exact, the same on every runtime. */
export function numOut(x: number): JsonValue {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return 1 / x < 0 ? "-0" : 0;
  if (x === Math.floor(x) && x <= P53 && x >= -P53) return x;
  // x = m * 2^e with m odd: scale by exact powers of two.
  let m = x < 0 ? -x : x;
  let e = 0;
  let guard = 0;
  while (m !== Math.floor(m) && guard < 1200) {
    m = m * 2;
    e = e - 1;
    guard = guard + 1;
  }
  while (m >= 2 && m / 2 === Math.floor(m / 2) && guard < 2400) {
    m = m / 2;
    e = e + 1;
    guard = guard + 1;
  }
  return (x < 0 ? "-" : "") + fmtNum(m) + "*2^" + fmtNum(e);
}

function valueIn(v: JsonValue): Value {
  const o = v as JsonObject;
  const kind = o["kind"] as string;
  if (kind === "string" || kind === "address" || kind === "url") return { kind: kind, value: textIn(o["value"]) } as Value;
  if (kind === "natural" || kind === "real" || kind === "time") return { kind: kind, value: numIn(o["value"]) } as Value;
  if (kind === "boolean") return { kind: "boolean", value: o["value"] === true };
  if (kind === "absent") return { kind: "absent" };
  // An unknown kind reaches the encoder, which must refuse it.
  return { kind: kind, value: "" } as unknown as Value;
}

function valueOut(v: Value): JsonValue {
  if (v.kind === "absent") return { kind: "absent" };
  if (v.kind === "boolean") return { kind: "boolean", value: v.value };
  if (v.kind === "string" || v.kind === "address" || v.kind === "url") return { kind: v.kind, value: textOut(v.value) };
  return { kind: v.kind, value: numOut(v.value) };
}

function list(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

function textList(v: JsonValue | undefined): string[] {
  const out: string[] = [];
  for (const x of list(v)) out.push(textIn(x));
  return out;
}

export function reportIn(v: JsonValue): Report {
  const o = v as JsonObject;
  const r: Report = {
    probeId: textIn(o["probeId"]),
    seq: numIn(o["seq"]),
    token: textIn(o["token"]),
    label: textIn(o["label"]),
    parameters: [],
    columns: textList(o["columns"]),
    rows: [],
    exceptions: [],
  };
  const schema = o["schema"];
  if (isJsonObject(schema)) {
    r.schema = { verb: textIn(schema["verb"]), parameters: textList(schema["parameters"]), results: textList(schema["results"]) };
  }
  const scope = o["scope"];
  if (isJsonObject(scope)) r.scope = { startMs: numIn(scope["startMs"]), endMs: numIn(scope["endMs"]) };
  for (const p of list(o["parameters"])) {
    const po = p as JsonObject;
    r.parameters.push({ name: textIn(po["name"]), value: textIn(po["value"]) });
  }
  for (const row of list(o["rows"])) {
    const vals: Value[] = [];
    for (const x of list(row)) vals.push(valueIn(x));
    r.rows.push(vals);
  }
  for (const e of list(o["exceptions"])) {
    const eo = e as JsonObject;
    r.exceptions.push({ message: textIn(eo["message"]), field: textIn(eo["field"]) });
  }
  return r;
}

function textListOut(xs: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const x of xs) out.push(textOut(x));
  return out;
}

export function reportOut(r: Report): JsonObject {
  const o: JsonObject = {
    probeId: textOut(r.probeId),
    seq: numOut(r.seq),
    token: textOut(r.token),
    label: textOut(r.label),
    columns: textListOut(r.columns),
  };
  if (r.schema !== undefined) {
    o["schema"] = { verb: textOut(r.schema.verb), params: textListOut(r.schema.parameters), results: textListOut(r.schema.results) };
  }
  if (r.scope !== undefined) o["scope"] = { startMs: numOut(r.scope.startMs), endMs: numOut(r.scope.endMs) };
  const params: JsonValue[] = [];
  for (const p of r.parameters) params.push({ name: textOut(p.name), value: textOut(p.value) });
  // "params", not "parameters": the vector writer prints an empty "parameters" as {}.
  o["params"] = params;
  const rows: JsonValue[] = [];
  for (const row of r.rows) {
    const vals: JsonValue[] = [];
    for (const v of row) vals.push(valueOut(v));
    rows.push(vals);
  }
  o["rows"] = rows;
  const exc: JsonValue[] = [];
  for (const e of r.exceptions) exc.push({ message: textOut(e.message), field: textOut(e.field) });
  o["exceptions"] = exc;
  return o;
}

export const fns: { [name: string]: VectorFn } = {
  /** in: report JSON -> hex of its protobuf bytes. */
  "report.encode": (i) => toHex(encodeReport(reportIn(i))),
  /** in {report, n}: encodes n times (for the benchmark) -> hex of the last encoding. */
  "report.encodeRepeat": (i) => {
    const o = i as JsonObject;
    const r = reportIn(o["report"]);
    const n = o["n"] as number;
    let out = "";
    for (let k = 0; k < n; k++) out = encodeReport(r);
    return toHex(out);
  },
  /** in: hex -> report JSON. */
  "report.decode": (i) => reportOut(decodeReport(fromHex(i as string))),
  /** in: hex -> hex of encode(decode(bytes)): unknown fields dropped, the rest kept byte for byte. */
  "report.reencode": (i) => toHex(encodeReport(decodeReport(fromHex(i as string)))),
  "pb.uint64": (i) => toHex(uint64Varint(numIn(i), "value")),
  "pb.int64": (i) => toHex(int64Varint(numIn(i), "value")),
  "pb.double": (i) => toHex(float64Bytes(numIn(i))),
  /** in {type: uint64|int64|double|bool, hex} -> {value, rest} (rest: bytes left unread). */
  "pb.read": (i) => {
    const o = i as JsonObject;
    const rd = new PbReader(fromHex(o["hex"] as string));
    const t = o["type"] as string;
    let v: JsonValue = JSON_NULL;
    if (t === "uint64") v = numOut(rd.uint("value"));
    else if (t === "int64") v = numOut(rd.int64("value"));
    else if (t === "double") v = numOut(rd.double("value"));
    else if (t === "bool") v = rd.bool("value");
    return { value: v, rest: rd.end - rd.pos };
  },
  /** in: hex of any bytes -> hex after UTF-8 decode then encode (must be the same bytes). */
  "utf8.roundtrip": (i) => toHex(utf8Encode(utf8Decode(fromHex(i as string)))),
  /** in: text (a JSON string) -> hex of its UTF-8 bytes. */
  "utf8.encode": (i) => toHex(utf8Encode(i as string)),
};
