// Result reports on the wire: protobuf, decoded with protobufjs from the one source of
// truth, core/report/report.proto (loaded at run time, never copied). The encoder is for
// the simulated probe and the bench; real probes use core/report's portable codec.
import protobuf from "protobufjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Cell, Report, schemaOf } from "./report.ts";
import { ReportReader } from "./report-reader.ts";

export const PROTO_PATH = process.env.MINIPROBE_REPORT_PROTO ?? join(dirname(fileURLToPath(import.meta.url)), "../../core/report/report.proto");

type Kind = "string" | "natural" | "real" | "boolean" | "time" | "address" | "url";

export interface WireValue { string?: string; natural?: number; real?: number; boolean?: boolean; time?: number; address?: string; url?: string; kind?: Kind }
export interface WireReport {
  probeId: string;
  seq: number;
  token: string;
  label: string;
  schema?: { verb: string; parameters: string[]; results: string[] } | null;
  scope?: { startMs: number; endMs: number } | null;
  parameters: { name: string; value: string }[];
  columns: string[];
  rows: { values: WireValue[] }[];
  exceptions: { message: string; field: string }[];
}

const TO_OBJECT = { longs: Number, defaults: true, oneofs: true, arrays: true } as const;

export class ReportCodec {
  /** The one-pass reader decode() uses, when the loaded schema is the one it knows. */
  private readonly reader: ReportReader | undefined;

  private constructor(private readonly type: protobuf.Type) {
    this.reader = ReportReader.fromType(type);
  }

  static async load(path = PROTO_PATH): Promise<ReportCodec> {
    const root = await protobuf.load(path);
    return new ReportCodec(root.lookupType("miniprobe.Report"));
  }

  static loadSync(path = PROTO_PATH): ReportCodec {
    return new ReportCodec(protobuf.loadSync(path).lookupType("miniprobe.Report"));
  }

  /** The report exactly as protobufjs reads it (typed values, schema, scope, exceptions). */
  decodeWire(payload: Uint8Array): WireReport {
    return this.type.toObject(this.type.decode(payload), TO_OBJECT) as unknown as WireReport;
  }

  decode(payload: Uint8Array): Report {
    return this.reader !== undefined ? this.reader.decode(payload) : this.decodeSlow(payload);
  }

  /** decode() through protobufjs' objects: the reference the direct reader is tested against. */
  decodeSlow(payload: Uint8Array): Report {
    const w = this.decodeWire(payload);
    if (w.probeId === "") throw new Error("report without probe_id");
    if (!(w.seq >= 1)) throw new Error("report without a sequence number (seq starts at 1)");
    if (w.token === "") throw new Error("report without a specification token");
    const rows: Cell[][] = [];
    const prims: string[] = new Array(w.columns.length).fill("");
    for (const r of w.rows) {
      if (r.values.length !== w.columns.length) throw new Error(`a row has ${r.values.length} values for ${w.columns.length} columns`);
      rows.push(r.values.map((v, i) => {
        const k = v.kind;
        if (k === undefined) return null;
        if (prims[i] === "") prims[i] = k;
        return v[k] as Cell;
      }));
    }
    const parameters: Record<string, string> = {};
    for (const p of w.parameters) parameters[p.name] = p.value;
    const s = w.schema;
    const out: Report = {
      probeId: w.probeId, seq: w.seq, token: w.token, label: w.label,
      schema: s ? schemaOf(s.verb, s.parameters, s.results) : schemaOf("measure", Object.keys(parameters), w.columns),
      parameters, columns: w.columns, prims, rows,
    };
    if (w.scope) {
      out.startMs = w.scope.startMs;
      out.endMs = w.scope.endMs;
    }
    if (w.exceptions.length > 0) out.exception = w.exceptions.map((e) => (e.field ? e.field + ": " : "") + e.message).join("; ");
    return out;
  }

  /** Bytes for a report; `prims` (or the JS type of each cell) picks the Value kind. */
  encode(r: Report & { verb?: string; schemaParts?: { parameters: string[]; results: string[] } }): Uint8Array {
    const value = (c: Cell, prim: string | undefined): WireValue => {
      if (c === null) return {};
      if (prim && prim !== "") return { [prim]: c } as WireValue;
      if (typeof c === "boolean") return { boolean: c };
      if (typeof c === "number") return Number.isInteger(c) && c >= 0 ? { natural: c } : { real: c };
      return { string: c };
    };
    const obj = {
      probeId: r.probeId, seq: r.seq, token: r.token, label: r.label,
      schema: { verb: r.verb ?? "measure", parameters: r.schemaParts?.parameters ?? Object.keys(r.parameters), results: r.schemaParts?.results ?? r.columns },
      scope: r.startMs !== undefined || r.endMs !== undefined ? { startMs: r.startMs ?? 0, endMs: r.endMs ?? 0 } : undefined,
      parameters: Object.entries(r.parameters).map(([name, v]) => ({ name, value: v })),
      columns: r.columns,
      rows: r.rows.map((row) => ({ values: row.map((c, i) => value(c, r.prims?.[i])) })),
      exceptions: r.exception ? [{ message: r.exception, field: "" }] : [],
    };
    return this.type.encode(this.type.fromObject(obj)).finish();
  }
}
