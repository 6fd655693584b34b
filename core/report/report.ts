// The portable codec of report.proto: encodeReport / decodeReport, byte-identical to
// protobufjs (tests/vectors/report*.json). Bytes are byte strings (bytes.ts), text is core
// text (utf8.ts says how it becomes UTF-8), numbers follow wire.ts's ranges.
//
// Encoding follows proto3's canonical form: fields in number order; a singular scalar
// equal to its default (0, "", false; but not -0) is left out; a set sub-message, list
// element or oneof member is always written, even when empty or zero.
// Decoding fills every absent scalar and list with its default, leaves `schema` and
// `scope` undefined when absent, skips fields of unknown numbers (a newer probe's
// additions), lets the last of repeated singular fields win (as protobuf does), and
// throws a ProbeError naming the field path at the first malformed or truncated byte.
import { ProbeError, asProbeError } from "../util/errors";
import { fmtInt } from "../util/num";
import { BYTE } from "./bytes";
import { float64Bytes } from "./float64";
import { utf8Decode, utf8Encode } from "./utf8";
import { Value } from "./value";
import {
  PbReader,
  WIRE_BYTES,
  WIRE_FIXED64,
  WIRE_VARINT,
  int64Varint,
  intProblem,
  lenField,
  uint64Varint,
  varint,
  wrongWire,
} from "./wire";

export interface ReportSchema {
  verb: string;
  parameters: string[];
  results: string[];
}

/** Whole milliseconds since the epoch (int64 on the wire). */
export interface ReportScope {
  startMs: number;
  endMs: number;
}

export interface ReportParameter {
  name: string;
  value: string;
}

export interface ReportException {
  message: string;
  /** The parameter or column at fault, "" when none. */
  field: string;
}

export interface Report {
  probeId: string;
  /** Per-probe sequence number, 1 ... 2^53. */
  seq: number;
  token: string;
  label: string;
  schema?: ReportSchema;
  scope?: ReportScope;
  parameters: ReportParameter[];
  columns: string[];
  /** One Value per column, in column order. */
  rows: Value[][];
  exceptions: ReportException[];
}

const TAG_DOUBLE_REAL = BYTE[3 * 8 + WIRE_FIXED64];
const TAG_DOUBLE_TIME = BYTE[5 * 8 + WIRE_FIXED64];
const TAG_NATURAL = BYTE[2 * 8 + WIRE_VARINT];
const TAG_BOOLEAN = BYTE[4 * 8 + WIRE_VARINT];

function textField(field: number, text: string): string {
  return lenField(field, utf8Encode(text));
}

function textIf(parts: string[], field: number, text: string): void {
  if (text.length > 0) parts.push(textField(field, text));
}

function cellPath(row: number, col: number): string {
  return "rows[" + fmtInt(row) + "][" + fmtInt(col) + "]";
}

function encodeValue(v: Value, row: number, col: number): string {
  if (v.kind === "string") return textField(1, v.value);
  if (v.kind === "natural") {
    const p = intProblem(v.value, 0);
    if (p !== undefined) throw new ProbeError(p[0], p[1], cellPath(row, col));
    return TAG_NATURAL + varint(v.value);
  }
  if (v.kind === "real") return TAG_DOUBLE_REAL + float64Bytes(v.value);
  if (v.kind === "boolean") return TAG_BOOLEAN + (v.value ? BYTE[1] : BYTE[0]);
  if (v.kind === "time") return TAG_DOUBLE_TIME + float64Bytes(v.value);
  if (v.kind === "address") return textField(6, v.value);
  if (v.kind === "url") return textField(7, v.value);
  if (v.kind === "absent") return "";
  throw new ProbeError("EINVAL", "unknown value kind", cellPath(row, col));
}

function encodeRow(values: Value[], row: number): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = encodeValue(values[i], row, i);
    parts.push(lenField(1, v));
  }
  return parts.join("");
}

/** The protobuf bytes (a byte string) of a report. */
export function encodeReport(r: Report): string {
  const parts: string[] = [];
  textIf(parts, 1, r.probeId);
  if (r.seq !== 0) parts.push(BYTE[2 * 8 + WIRE_VARINT] + uint64Varint(r.seq, "seq"));
  textIf(parts, 3, r.token);
  textIf(parts, 4, r.label);
  if (r.schema !== undefined) {
    const s: string[] = [];
    textIf(s, 1, r.schema.verb);
    for (const p of r.schema.parameters) s.push(textField(2, p));
    for (const c of r.schema.results) s.push(textField(3, c));
    parts.push(lenField(5, s.join("")));
  }
  if (r.scope !== undefined) {
    const s: string[] = [];
    if (r.scope.startMs !== 0) s.push(BYTE[1 * 8 + WIRE_VARINT] + int64Varint(r.scope.startMs, "scope.startMs"));
    if (r.scope.endMs !== 0) s.push(BYTE[2 * 8 + WIRE_VARINT] + int64Varint(r.scope.endMs, "scope.endMs"));
    parts.push(lenField(6, s.join("")));
  }
  for (const p of r.parameters) {
    const s: string[] = [];
    textIf(s, 1, p.name);
    textIf(s, 2, p.value);
    parts.push(lenField(7, s.join("")));
  }
  for (const c of r.columns) parts.push(textField(8, c));
  for (let i = 0; i < r.rows.length; i++) {
    const row = encodeRow(r.rows[i], i);
    parts.push(lenField(9, row));
  }
  for (const e of r.exceptions) {
    const s: string[] = [];
    textIf(s, 1, e.message);
    textIf(s, 2, e.field);
    parts.push(lenField(10, s.join("")));
  }
  return parts.join("");
}

// --- decoding

function text(rd: PbReader, wire: number, what: string): string {
  if (wire !== WIRE_BYTES) throw wrongWire(wire, WIRE_BYTES, what);
  return utf8Decode(rd.bytes(what));
}

/** A sub-message's reader; the outer reader moves past it. */
function sub(rd: PbReader, wire: number, what: string): PbReader {
  if (wire !== WIRE_BYTES) throw wrongWire(wire, WIRE_BYTES, what);
  const sp = rd.span(what);
  return new PbReader(rd.s, sp[0], sp[1]);
}

function decodeSchema(rd: PbReader): ReportSchema {
  const s: ReportSchema = { verb: "", parameters: [], results: [] };
  while (!rd.done()) {
    const k = rd.key("schema");
    if (k[0] === 1) s.verb = text(rd, k[1], "schema.verb");
    else if (k[0] === 2) s.parameters.push(text(rd, k[1], "schema.parameters"));
    else if (k[0] === 3) s.results.push(text(rd, k[1], "schema.results"));
    else rd.skip(k[1], "schema");
  }
  return s;
}

function decodeScope(rd: PbReader): ReportScope {
  const s: ReportScope = { startMs: 0, endMs: 0 };
  while (!rd.done()) {
    const k = rd.key("scope");
    if (k[0] === 1) {
      if (k[1] !== WIRE_VARINT) throw wrongWire(k[1], WIRE_VARINT, "scope.startMs");
      s.startMs = rd.int64("scope.startMs");
    } else if (k[0] === 2) {
      if (k[1] !== WIRE_VARINT) throw wrongWire(k[1], WIRE_VARINT, "scope.endMs");
      s.endMs = rd.int64("scope.endMs");
    } else rd.skip(k[1], "scope");
  }
  return s;
}

function decodePair(rd: PbReader, what: string): string[] {
  let a = "";
  let b = "";
  while (!rd.done()) {
    const k = rd.key(what);
    if (k[0] === 1) a = text(rd, k[1], what);
    else if (k[0] === 2) b = text(rd, k[1], what);
    else rd.skip(k[1], what);
  }
  return [a, b];
}

function decodeValue(rd: PbReader, what: string): Value {
  let v: Value = { kind: "absent" };
  while (!rd.done()) {
    const k = rd.key(what);
    const f = k[0];
    if (f === 1) v = { kind: "string", value: text(rd, k[1], what) };
    else if (f === 6) v = { kind: "address", value: text(rd, k[1], what) };
    else if (f === 7) v = { kind: "url", value: text(rd, k[1], what) };
    else if (f === 2 || f === 4) {
      if (k[1] !== WIRE_VARINT) throw wrongWire(k[1], WIRE_VARINT, what);
      v = f === 2 ? { kind: "natural", value: rd.uint(what) } : { kind: "boolean", value: rd.bool(what) };
    } else if (f === 3 || f === 5) {
      if (k[1] !== WIRE_FIXED64) throw wrongWire(k[1], WIRE_FIXED64, what);
      v = { kind: f === 3 ? "real" : "time", value: rd.double(what) };
    } else rd.skip(k[1], what);
  }
  return v;
}

/** A row; errors inside name the cell ("rows[i][j]"), a path built only on failure. */
function decodeRow(rd: PbReader, index: number): Value[] {
  const row: Value[] = [];
  try {
    while (!rd.done()) {
      const k = rd.key("row");
      if (k[0] === 1) {
        const v = decodeValue(sub(rd, k[1], "cell"), "cell");
        row.push(v);
      } else rd.skip(k[1], "row");
    }
  } catch (e) {
    const pe = asProbeError(e);
    const raw = pe.field !== undefined ? pe.message.substring(pe.field.length + 2) : pe.message;
    throw new ProbeError(pe.code, raw, pe.field === "cell" ? cellPath(index, row.length) : "rows[" + fmtInt(index) + "]");
  }
  return row;
}

/** The report in protobuf bytes `bytes` (a byte string). */
export function decodeReport(bytes: string): Report {
  const r: Report = { probeId: "", seq: 0, token: "", label: "", parameters: [], columns: [], rows: [], exceptions: [] };
  const rd = new PbReader(bytes);
  while (!rd.done()) {
    const k = rd.key("report");
    const f = k[0];
    if (f === 1) r.probeId = text(rd, k[1], "probeId");
    else if (f === 2) {
      if (k[1] !== WIRE_VARINT) throw wrongWire(k[1], WIRE_VARINT, "seq");
      r.seq = rd.uint("seq");
    } else if (f === 3) r.token = text(rd, k[1], "token");
    else if (f === 4) r.label = text(rd, k[1], "label");
    else if (f === 5) r.schema = decodeSchema(sub(rd, k[1], "schema"));
    else if (f === 6) r.scope = decodeScope(sub(rd, k[1], "scope"));
    else if (f === 7) {
      const what = "parameters[" + fmtInt(r.parameters.length) + "]";
      const p = decodePair(sub(rd, k[1], what), what);
      r.parameters.push({ name: p[0], value: p[1] });
    } else if (f === 8) r.columns.push(text(rd, k[1], "columns"));
    else if (f === 9) {
      const row = decodeRow(sub(rd, k[1], "rows[" + fmtInt(r.rows.length) + "]"), r.rows.length);
      r.rows.push(row);
    } else if (f === 10) {
      const what = "exceptions[" + fmtInt(r.exceptions.length) + "]";
      const p = decodePair(sub(rd, k[1], what), what);
      r.exceptions.push({ message: p[0], field: p[1] });
    } else rd.skip(k[1], "report");
  }
  return r;
}
