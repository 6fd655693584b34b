// /api/results in three shapes: JSON rows, CSV (one line per result row, one column per
// result column seen on the page), and mPlane JSON result messages (one per report).
import { Statement, writeMessage } from "../../../core/model/statement.ts";
import { Registry } from "../../../core/model/registry.ts";
import { formatTime } from "../../../core/util/time.ts";
import { fmtNum } from "../../../core/util/num.ts";
import { ResultRow, Store } from "../store/store.ts";
import { Cell } from "../report.ts";

export interface ApiRow {
  probe: string;
  seq: number;
  row: number;
  token: string;
  label: string;
  schema: string;
  target: string | null;
  time: number;
  values: Record<string, Cell>;
}

export function apiRows(rows: ResultRow[]): ApiRow[] {
  return rows.map((r) => ({
    probe: r.probe_id, seq: Number(r.seq), row: Number(r.idx), token: r.token, label: r.label, schema: r.schema, target: r.target ?? null,
    time: Number(r.t_ms), values: JSON.parse(r.vals) as Record<string, Cell>,
  }));
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "number" ? String(v) : String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function toCsv(rows: ApiRow[]): string {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const c of Object.keys(r.values)) if (!seen.has(c)) {
    seen.add(c);
    cols.push(c);
  }
  const head = ["probe", "seq", "row", "token", "label", "time", ...cols];
  const lines = [head.map(csvField).join(",")];
  for (const r of rows) {
    lines.push([r.probe, r.seq, r.row, r.token, r.label, new Date(r.time).toISOString(), ...cols.map((c) => r.values[c])].map(csvField).join(","));
  }
  return lines.join("\n") + "\n";
}

function mplaneText(v: Cell, prim: string | undefined): string {
  if (v === null) return "*";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return v;
  if (prim === "time") return formatTime(v);
  if (prim === "natural") return fmtNum(Math.round(v));
  return fmtNum(v);
}

/** One mPlane result message per report on the page, rows in order. */
export async function toMplane(rows: ApiRow[], store: Store, registry: Registry): Promise<string> {
  const reports = await store.reportsOf(rows.map((r) => ({ probe_id: r.probe, seq: r.seq })));
  const groups = new Map<string, ApiRow[]>();
  for (const r of rows) {
    const k = r.probe + "\u0000" + r.seq;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const parts: string[] = [];
  for (const [k, g] of groups) {
    const rep = reports.get(k);
    const columns = rep ? (JSON.parse(rep.columns) as string[]) : Object.keys(g[0].values);
    g.sort((a, b) => a.row - b.row);
    const st: Statement = {
      kind: "result", verb: "measure", version: 1, registry: "https://miniprobe.invalid/registry/1", label: g[0].label, token: g[0].token,
      parameters: rep ? (JSON.parse(rep.parameters) as Record<string, string>) : {},
      metadata: { "miniprobe.probe.id": g[0].probe, "miniprobe.report.seq": String(g[0].seq) },
      results: columns,
      resultvalues: g.map((r) => columns.map((c) => mplaneText(r.values[c] ?? null, registry.prim(c)))),
    };
    if (rep && rep.start_ms !== null) st.when = formatTime(Number(rep.start_ms)) + (rep.end_ms !== null ? " ... " + formatTime(Number(rep.end_ms)) : "");
    parts.push(writeMessage(st));
  }
  return '{"envelope":"message","version":1,"contents":[' + parts.join(",") + "]}";
}

