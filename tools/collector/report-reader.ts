// A direct reader for result reports: wire bytes → Report in one pass, with numbers as
// numbers (no Long objects), strings sliced straight from the buffer and no intermediate
// message objects. protobufjs' decode + toObject cost ~10 µs a report, as much as storing
// it. Field numbers and types are not written here: they are looked up in the Type that
// protobufjs loaded from core/report/report.proto, and if that schema ever stops matching
// what this reader understands, fromType returns undefined and the codec keeps using
// protobufjs (report-codec.ts).
import type protobuf from "protobufjs";
import { Cell, Report, schemaOf } from "./report.ts";

type ValueKind = "string" | "natural" | "real" | "boolean" | "time" | "address" | "url";
const WIRE_OF: Record<string, number> = { string: 2, uint64: 0, int64: 0, double: 1, bool: 0 };

interface Layout {
  probeId: number; seq: number; token: number; label: number; schema: number; scope: number;
  parameters: number; columns: number; rows: number; exceptions: number;
  schemaVerb: number; schemaParameters: number; schemaResults: number;
  startMs: number; endMs: number; paramName: number; paramValue: number; rowValues: number;
  excMessage: number; excField: number;
  /** Value's oneof: field number → kind and protobuf type. */
  value: Map<number, { kind: ValueKind; type: string }>;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const INTERN_MAX_LEN = 64;
const INTERN_MAX = 8192;
/** Recent short ASCII strings by hash (a collision only costs a new string). */
const interned = new Map<number, string>();

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end: number) {}
  varint(): number {
    // Up to 2^53 exactly; the rest of a 10-byte varint (negative int64) as a signed value.
    const b = this.buf;
    let lo = 0;
    let shift = 0;
    let byte: number;
    do {
      if (this.pos >= this.end) throw new Error("truncated varint");
      byte = b[this.pos++];
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo = (lo >>> 0) + (byte & 0x0f) * 0x10000000;
        let hi = (byte & 0x70) >> 4;
        let hs = 3;
        while (byte & 0x80) {
          if (this.pos >= this.end) throw new Error("truncated varint");
          byte = b[this.pos++];
          hi |= (byte & 0x7f) << hs;
          hs += 7;
          if (hs > 35) {
            // 10th byte: only the sign bit is left.
            break;
          }
        }
        return hi & 0x80000000 ? (hi | 0) * 0x100000000 + lo : (hi >>> 0) * 0x100000000 + lo;
      }
      shift += 7;
    } while (byte & 0x80);
    return lo >>> 0;
  }
  double(): number {
    if (this.pos + 8 > this.end) throw new Error("truncated double");
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  bytesEnd(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new Error("truncated field");
    return end;
  }
  string(): string {
    const end = this.bytesEnd();
    const b = this.buf;
    const start = this.pos;
    this.pos = end;
    // Short ASCII strings repeat in every report (column and parameter names, probe id,
    // token, label): hand back the string made last time instead of a new one.
    let h = 0x811c9dc5;
    let ascii = true;
    for (let i = start; i < end; i++) {
      const x = b[i];
      if (x >= 0x80) {
        ascii = false;
        break;
      }
      h = Math.imul(h ^ x, 0x01000193);
    }
    // Invalid UTF-8 is an error, as in protobufjs, not a replacement character.
    if (!ascii) return UTF8.decode(b.subarray(start, end));
    const len = end - start;
    if (len > INTERN_MAX_LEN) return b.toString("latin1", start, end);
    const key = (h ^ len) >>> 0;
    const hit = interned.get(key);
    if (hit !== undefined && hit.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (hit.charCodeAt(i) !== b[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit;
    }
    const str = b.toString("latin1", start, end);
    if (interned.size >= INTERN_MAX) interned.clear();
    interned.set(key, str);
    return str;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.bytesEnd();
    else if (wire === 5) this.pos += 4;
    else throw new Error("unsupported wire type " + wire);
    if (this.pos > this.end) throw new Error("truncated field");
  }
}

function field(t: protobuf.Type, name: string, type: string, repeated = false): number {
  const f = t.fields[name];
  if (f === undefined || f.type !== type || f.repeated !== repeated || f.map) throw new Error(`${t.name}.${name} is not ${repeated ? "repeated " : ""}${type}`);
  return f.id;
}

/** The last schema submessage read, by its bytes: a probe sends the same one in every report. */
interface SchemaCache {
  bytes: Buffer;
  verb: string;
  params: string[];
  results: string[];
  schema: string;
}

/** A submessage of two string fields (a parameter, an exception): their values, "" when absent. */
function twoStrings(c: Cursor, a: number, b: number): [string, string] {
  const end = c.bytesEnd();
  let x = "", y = "";
  while (c.pos < end) {
    const t = c.varint();
    if (t >>> 3 === a && (t & 7) === 2) x = c.string();
    else if (t >>> 3 === b && (t & 7) === 2) y = c.string();
    else c.skip(t & 7);
  }
  c.pos = end;
  return [x, y];
}

export class ReportReader {
  private schemaCache?: SchemaCache;
  private constructor(private readonly l: Layout) {}

  /** A reader for this Report type, or undefined when the schema is not the one it knows. */
  static fromType(report: protobuf.Type): ReportReader | undefined {
    try {
      const sub = (name: string, type: string) => {
        field(report, name, type, ["parameters", "rows", "exceptions"].includes(name));
        return report.fields[name].resolve().resolvedType as protobuf.Type;
      };
      const schema = sub("schema", "Schema");
      const scope = sub("scope", "Scope");
      const param = sub("parameters", "Parameter");
      const row = sub("rows", "Row");
      const exc = sub("exceptions", "Exception");
      const value = row.fields.values.resolve().resolvedType as protobuf.Type;
      const l: Layout = {
        probeId: field(report, "probeId", "string"), seq: field(report, "seq", "uint64"), token: field(report, "token", "string"),
        label: field(report, "label", "string"), schema: report.fields.schema.id, scope: report.fields.scope.id,
        parameters: report.fields.parameters.id, columns: field(report, "columns", "string", true), rows: report.fields.rows.id,
        exceptions: report.fields.exceptions.id,
        schemaVerb: field(schema, "verb", "string"), schemaParameters: field(schema, "parameters", "string", true), schemaResults: field(schema, "results", "string", true),
        startMs: field(scope, "startMs", "int64"), endMs: field(scope, "endMs", "int64"),
        paramName: field(param, "name", "string"), paramValue: field(param, "value", "string"),
        rowValues: field(row, "values", "Value", true),
        excMessage: field(exc, "message", "string"), excField: field(exc, "field", "string"),
        value: new Map(),
      };
      const kinds: Record<ValueKind, string> = { string: "string", natural: "uint64", real: "double", boolean: "bool", time: "double", address: "string", url: "string" };
      if (Object.keys(value.fields).length !== Object.keys(kinds).length) throw new Error("Value has other fields");
      for (const [k, type] of Object.entries(kinds)) l.value.set(field(value, k, type), { kind: k as ValueKind, type });
      return new ReportReader(l);
    } catch {
      return undefined;
    }
  }

  /** Same result as ReportCodec's protobufjs path, errors included. */
  decode(payload: Uint8Array): Report {
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const l = this.l;
    const c = new Cursor(buf, buf.length);
    let probeId = "", token = "", label = "", seq = 0;
    let verb: string | undefined;
    let sParams: string[] | undefined;
    let sResults: string[] | undefined;
    let startMs: number | undefined;
    let endMs: number | undefined;
    let scoped = false;
    let schemaFields = 0;
    let schemaHit: SchemaCache | undefined;
    let schemaStart = 0;
    let schemaEnd = 0;
    const parameters: Record<string, string> = {};
    const columns: string[] = [];
    const rows: Cell[][] = [];
    /** Each column's kind: that of its first non-empty value. */
    const kinds: string[] = [];
    const exceptions: string[] = [];
    while (c.pos < c.end) {
      const tag = c.varint();
      const id = tag >>> 3;
      const wire = tag & 7;
      if (id === l.probeId && wire === 2) probeId = c.string();
      else if (id === l.seq && wire === 0) seq = c.varint();
      else if (id === l.token && wire === 2) token = c.string();
      else if (id === l.label && wire === 2) label = c.string();
      else if (id === l.columns && wire === 2) columns.push(c.string());
      else if (id === l.rows && wire === 2) rows.push(this.row(c, c.bytesEnd(), kinds));
      else if (id === l.parameters && wire === 2) {
        const [name, value] = twoStrings(c, l.paramName, l.paramValue);
        parameters[name] = value;
      } else if (id === l.schema && wire === 2) {
        const end = c.bytesEnd();
        schemaFields++;
        const sc = this.schemaCache;
        if (schemaFields === 1 && sc !== undefined && sc.bytes.length === end - c.pos && buf.compare(sc.bytes, 0, sc.bytes.length, c.pos, end) === 0) {
          // Same bytes as last time: same strings, and no schemaOf() to build again.
          schemaHit = sc;
          verb = sc.verb;
          sParams = sc.params.slice();
          sResults = sc.results.slice();
          c.pos = end;
          continue;
        }
        schemaStart = c.pos;
        schemaEnd = end;
        verb = verb ?? "";
        sParams = sParams ?? [];
        sResults = sResults ?? [];
        while (c.pos < end) {
          const t = c.varint();
          if (t >>> 3 === l.schemaVerb && (t & 7) === 2) verb = c.string();
          else if (t >>> 3 === l.schemaParameters && (t & 7) === 2) sParams.push(c.string());
          else if (t >>> 3 === l.schemaResults && (t & 7) === 2) sResults.push(c.string());
          else c.skip(t & 7);
        }
        c.pos = end;
      } else if (id === l.scope && wire === 2) {
        const end = c.bytesEnd();
        scoped = true;
        while (c.pos < end) {
          const t = c.varint();
          if (t >>> 3 === l.startMs && (t & 7) === 0) startMs = c.varint();
          else if (t >>> 3 === l.endMs && (t & 7) === 0) endMs = c.varint();
          else c.skip(t & 7);
        }
        c.pos = end;
      } else if (id === l.exceptions && wire === 2) {
        const [message, fieldName] = twoStrings(c, l.excMessage, l.excField);
        exceptions.push((fieldName ? fieldName + ": " : "") + message);
      } else c.skip(wire);
    }
    if (c.pos !== c.end) throw new Error("truncated report");
    if (probeId === "") throw new Error("report without probe_id");
    if (!(seq >= 1)) throw new Error("report without a sequence number (seq starts at 1)");
    if (token === "") throw new Error("report without a specification token");
    for (const row of rows) if (row.length !== columns.length) throw new Error(`a row has ${row.length} values for ${columns.length} columns`);
    const prims: string[] = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) prims[i] = kinds[i] ?? "";
    let schema: string;
    if (verb === undefined) schema = schemaOf("measure", Object.keys(parameters), columns);
    else if (schemaHit !== undefined && schemaFields === 1) schema = schemaHit.schema;
    else {
      schema = schemaOf(verb, sParams!, sResults!);
      if (schemaFields === 1) {
        this.schemaCache = { bytes: Buffer.from(buf.subarray(schemaStart, schemaEnd)), verb, params: sParams!.slice(), results: sResults!.slice(), schema };
      }
    }
    const out: Report = {
      probeId, seq, token, label,
      schema,
      parameters, columns, prims, rows,
    };
    if (scoped) {
      out.startMs = startMs ?? 0;
      out.endMs = endMs ?? 0;
    }
    if (exceptions.length > 0) out.exception = exceptions.join("; ");
    return out;
  }

  private row(c: Cursor, end: number, kinds: string[]): Cell[] {
    const l = this.l;
    const cells: Cell[] = [];
    while (c.pos < end) {
      const t = c.varint();
      if (t >>> 3 !== l.rowValues || (t & 7) !== 2) {
        c.skip(t & 7);
        continue;
      }
      const vend = c.bytesEnd();
      let kind: ValueKind | undefined;
      let cell: Cell = null;
      while (c.pos < vend) {
        const vt = c.varint();
        const v = l.value.get(vt >>> 3);
        const wire = vt & 7;
        if (v === undefined || WIRE_OF[v.type] !== wire) {
          c.skip(wire);
          continue;
        }
        kind = v.kind;
        if (v.type === "string") cell = c.string();
        else if (v.type === "double") cell = c.double();
        else if (v.type === "bool") cell = c.varint() !== 0;
        else cell = c.varint();
      }
      c.pos = vend;
      const i = cells.length;
      if (kind !== undefined && (kinds[i] === undefined || kinds[i] === "")) kinds[i] = kind;
      cells.push(kind === undefined ? null : cell);
    }
    c.pos = end;
    return cells;
  }
}
