// A result report as the collector keeps it, whatever its wire encoding: decoded from
// protobuf (report-codec.ts) or built by a test. Times are ms since the epoch.
export type Cell = string | number | boolean | null;

export interface Report {
  probeId: string;
  seq: number;
  token: string;
  label: string;
  /** The capability schema the report answers (verb, parameter names, result columns). */
  schema: string;
  startMs?: number;
  endMs?: number;
  parameters: Record<string, string>;
  columns: string[];
  /** Column types from the registry, parallel to `columns` ("time" cells are ms). */
  prims?: string[];
  rows: Cell[][];
  exception?: string;
}

/** The time of one row: its own `time` column, else the start (then end) of the report's scope. */
export function rowTime(r: Report, row: Cell[], receivedMs: number): number {
  const i = r.columns.indexOf("time");
  if (i >= 0 && typeof row[i] === "number") return row[i] as number;
  if (r.startMs !== undefined) return r.startMs;
  if (r.endMs !== undefined) return r.endMs;
  return receivedMs;
}

/** A schema id in the collector's own words when a report carries none. */
export function schemaOf(verb: string, parameters: string[], results: string[]): string {
  const p = parameters.slice().sort().join(",");
  return verb + "(" + p + ")->(" + results.join(",") + ")";
}
