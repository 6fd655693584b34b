// Everything the collector keeps, over either database: one code path, the SQL both
// SQLite and PostgreSQL understand. Writes that belong together run in one transaction.
import { Cell, Report, rowTime } from "../report.ts";
import { Db, Queryable, SqlValue, TableSpec } from "./db.ts";
import { migrate } from "./migrations.ts";

export interface InsertOutcome {
  /** Reports stored by this call (first delivery). */
  inserted: Report[];
  /** Reports already stored (redelivery): acknowledged, not stored again. */
  duplicates: number;
}

export interface ProbeStatus {
  status: "online" | "offline";
  json: string | null;
  queueDepth?: number;
  dropped?: number;
  lastMeasurementMs?: number;
}

export interface ProbeRow {
  id: string;
  status: string;
  status_json: string | null;
  status_ms: number | null;
  last_seen_ms: number | null;
  capabilities_json: string | null;
  capabilities_ms: number | null;
  last_measurement_ms: number | null;
  queue_depth: number | null;
  dropped: number | null;
  reports: number;
  last_seq: number | null;
  rejected: number;
  min_period_ms: number | null;
}

export interface SpecRow {
  token: string;
  probe_id: string;
  label: string;
  when_text: string;
  spec_json: string;
  state: string;
  message: string | null;
  created_ms: number;
  sent_ms: number | null;
  receipt_ms: number | null;
  end_ms: number | null;
  period_ms: number | null;
  results: number;
  last_result_ms: number | null;
}

export interface ResultRow {
  probe_id: string;
  seq: number;
  idx: number;
  token: string;
  label: string;
  schema: string;
  t_ms: number;
  vals: string;
  target: string | null;
}

export interface ResultQuery {
  probe?: string;
  label?: string;
  schema?: string;
  token?: string;
  sinceMs?: number;
  untilMs?: number;
  limit: number;
  order: "asc" | "desc";
  /** Keyset cursor: the key of the last row of the previous page. */
  after?: [number, string, number, number];
}

const REPORTS: TableSpec = {
  name: "reports",
  columns: [["probe_id", "text"], ["seq", "bigint"], ["token", "text"], ["label", "text"], ["schema", "text"], ["start_ms", "bigint"], ["end_ms", "bigint"],
    ["received_ms", "bigint"], ["parameters", "text"], ["columns", "text"], ["nrows", "bigint"], ["exception", "text"]],
  key: ["probe_id", "seq"],
};
const RESULT_ROWS: TableSpec = {
  name: "result_rows",
  columns: [["probe_id", "text"], ["seq", "bigint"], ["idx", "bigint"], ["token", "text"], ["label", "text"], ["schema", "text"], ["t_ms", "bigint"], ["vals", "text"], ["target", "text"]],
  key: ["probe_id", "seq", "idx"],
  noFlags: true,
};
const PROBE_BUMP_SET = `reports = probes.reports + excluded.reports,
  last_seq = CASE WHEN probes.last_seq IS NULL OR excluded.last_seq > probes.last_seq THEN excluded.last_seq ELSE probes.last_seq END,
  last_measurement_ms = CASE WHEN probes.last_measurement_ms IS NULL OR excluded.last_measurement_ms > probes.last_measurement_ms
    THEN excluded.last_measurement_ms ELSE probes.last_measurement_ms END,
  last_seen_ms = excluded.last_seen_ms`;
const PROBE_BUMP: TableSpec = {
  name: "probes",
  columns: [["id", "text"], ["reports", "bigint"], ["last_seq", "bigint"], ["last_measurement_ms", "bigint"], ["last_seen_ms", "bigint"]],
  key: ["id"],
};

/**
 * A row's cells as the JSON object {column: cell} without building the object: the keys'
 * JSON is made once per column list (columnsInfo), each cell stringified alone.
 * Same text as JSON.stringify of the object, which the fallback (repeated column names,
 * where the object keeps one key) still uses.
 */
interface ColumnsInfo {
  columns: string[];
  /** The column list's JSON (reports.columns). */
  json: string;
  /** rowJson's key fragments, or null when the list needs the object fallback. */
  keys: string[] | null;
}
const columnsCache = new Map<string, ColumnsInfo>();
let lastColumns: ColumnsInfo | undefined;
/** What is made once per column list: most reports in a batch repeat the previous one's
 * list (compared string by string, before any join), a probe sends the same few. */
function columnsInfo(columns: string[]): ColumnsInfo {
  const last = lastColumns;
  if (last !== undefined && last.columns.length === columns.length) {
    let same = true;
    for (let i = 0; i < columns.length; i++) {
      if (last.columns[i] !== columns[i]) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  const k = columns.join("\u0000");
  let info = columnsCache.get(k);
  if (info === undefined) {
    const plain = columns.length > 0 && new Set(columns).size === columns.length && !columns.includes("__proto__");
    info = { columns: columns.slice(), json: JSON.stringify(columns), keys: plain ? columns.map((c, i) => (i === 0 ? "{" : ",") + JSON.stringify(c) + ":") : null };
    if (columnsCache.size > 256) columnsCache.clear();
    columnsCache.set(k, info);
  }
  lastColumns = info;
  return info;
}
function rowJson(keys: string[] | null, columns: string[], row: Cell[]): string {
  if (keys === null) {
    const vals: Record<string, Cell> = {};
    for (let c = 0; c < columns.length; c++) vals[columns[c]] = row[c] ?? null;
    return JSON.stringify(vals);
  }
  let s = "";
  for (let c = 0; c < keys.length; c++) s += keys[c] + JSON.stringify(row[c] ?? null);
  return s + "}";
}

/**
 * PostgreSQL: a whole batch in one statement, one round trip and its own transaction,
 * instead of BEGIN, four statements and COMMIT: the reports (RETURNING the ones that were
 * new), the result rows of those, the probes' counters and the specifications' — the same
 * effects as the statements insertReports runs on SQLite.
 */
const PG_BATCH = (() => {
  const names = (t: TableSpec) => t.columns.map((c) => c[0]).join(", ");
  const arrays = (t: TableSpec, from: number) => t.columns.map((c, i) => `$${from + i}::${c[1]}[]`).join(", ");
  const now = `$${REPORTS.columns.length + RESULT_ROWS.columns.length + 1}::bigint`;
  return `WITH x AS (SELECT * FROM unnest(${arrays(REPORTS, 1)}) WITH ORDINALITY AS x(${names(REPORTS)}, ord)),
  r AS (INSERT INTO reports (${names(REPORTS)}) SELECT ${names(REPORTS)} FROM x ON CONFLICT (probe_id, seq) DO NOTHING RETURNING probe_id, seq),
  ins AS (SELECT x.* FROM x JOIN r USING (probe_id, seq)),
  rr AS (INSERT INTO result_rows (${names(RESULT_ROWS)})
    SELECT y.* FROM unnest(${arrays(RESULT_ROWS, REPORTS.columns.length + 1)}) AS y(${names(RESULT_ROWS)}) JOIN r USING (probe_id, seq)
    ON CONFLICT (probe_id, seq, idx) DO NOTHING),
  p AS (INSERT INTO probes (id, reports, last_seq, last_measurement_ms, last_seen_ms)
    SELECT probe_id, count(*), max(seq), max(COALESCE(end_ms, start_ms, ${now})), ${now} FROM ins GROUP BY probe_id ORDER BY probe_id
    ON CONFLICT (id) DO UPDATE SET ${PROBE_BUMP_SET}),
  s AS (UPDATE specifications SET results = results + a.n, last_result_ms = ${now},
      message = CASE WHEN a.failed IS NULL THEN message ELSE a.failed END,
      state = CASE WHEN state IN ('pending', 'sent', 'accepted', 'running')
        THEN (CASE WHEN a.failed IS NOT NULL AND period_ms IS NULL THEN 'failed' WHEN period_ms IS NULL THEN 'done' ELSE 'running' END)
        ELSE state END
    FROM (SELECT token, count(*) AS n, (array_agg(exception ORDER BY ord DESC) FILTER (WHERE exception <> ''))[1] AS failed FROM ins GROUP BY token) a
    WHERE specifications.token = a.token)
  SELECT probe_id, seq FROM r`;
})();

/** What a measurement was aimed at, for plotting per target. */
export function targetOf(parameters: Record<string, string>): string | null {
  for (const k of ["destination.ip4", "destination.ip6", "destination.name", "content.url", "url"]) if (parameters[k] !== undefined) return parameters[k];
  return null;
}

/** Live specifications: the probe may still send results for them. */
export const ACTIVE_STATES = ["pending", "sent", "accepted", "running"];

export class Store {
  constructor(readonly db: Db) {}

  migrate(): Promise<number> {
    return migrate(this.db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /**
   * Stores reports idempotently by (probe id, sequence): a report already stored is
   * counted as a duplicate and left alone. One transaction for the whole batch.
   */
  insertReports(reports: Report[], now = Date.now()): Promise<InsertOutcome> {
    const unique = new Map<string, Report>();
    for (const r of reports) unique.set(r.probeId + "\u0000" + r.seq, r);
    const batch = unique.size === reports.length ? reports : [...unique.values()];
    const dupInBatch = reports.length - batch.length;
    const rows: SqlValue[][] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      rows[i] = [r.probeId, r.seq, r.token, r.label, r.schema, r.startMs ?? null, r.endMs ?? null, now,
        JSON.stringify(r.parameters), columnsInfo(r.columns).json, r.rows.length, r.exception ?? null];
    }
    if (this.db.statement !== undefined) return this.insertAtOnce(this.db.statement.bind(this.db), batch, rows, dupInBatch, now);
    return this.db.tx(async (q) => {
      const fresh = await q.insertMany(REPORTS, rows, "ON CONFLICT (probe_id, seq) DO NOTHING");
      const inserted: Report[] = [];
      for (let i = 0; i < batch.length; i++) if (fresh[i]) inserted.push(batch[i]);
      await this.insertRows(q, inserted, now);
      await this.bumpProbes(q, inserted, now);
      await this.bumpSpecs(q, inserted, now);
      return { inserted, duplicates: batch.length - inserted.length + dupInBatch };
    });
  }

  private async insertAtOnce(statement: NonNullable<Db["statement"]>, batch: Report[], rows: SqlValue[][], dupInBatch: number, now: number): Promise<InsertOutcome> {
    // Result rows of every report: which ones are new is only known inside the statement,
    // which keeps those (a redelivery is rare).
    const rr = this.resultRows(batch, now);
    const values: unknown[] = [];
    for (let c = 0; c < REPORTS.columns.length; c++) values.push(rows.map((row) => row[c]));
    for (let c = 0; c < RESULT_ROWS.columns.length; c++) values.push(rr.map((row) => row[c]));
    values.push(now);
    const back = await statement<{ probe_id: string; seq: number }>(PG_BATCH, values);
    const fresh = new Set<string>();
    for (const b of back) fresh.add(b.probe_id + "\u0000" + b.seq);
    const inserted: Report[] = [];
    for (const r of batch) if (fresh.has(r.probeId + "\u0000" + r.seq)) inserted.push(r);
    return { inserted, duplicates: batch.length - inserted.length + dupInBatch };
  }

  private async insertRows(q: Queryable, reports: Report[], now: number): Promise<void> {
    const rows = this.resultRows(reports, now);
    if (rows.length > 0) await q.insertMany(RESULT_ROWS, rows, "ON CONFLICT (probe_id, seq, idx) DO NOTHING");
  }

  private resultRows(reports: Report[], now: number): SqlValue[][] {
    const rows: SqlValue[][] = [];
    for (const r of reports) {
      const target = targetOf(r.parameters);
      const cols = r.columns;
      const timeAt = cols.indexOf("time");
      const keys = r.rows.length > 0 ? columnsInfo(cols).keys : null;
      for (let i = 0; i < r.rows.length; i++) {
        const row = r.rows[i];
        const t = timeAt >= 0 && typeof row[timeAt] === "number" ? (row[timeAt] as number) : rowTime(r, row, now);
        rows.push([r.probeId, r.seq, i, r.token, r.label, r.schema, Math.round(t), rowJson(keys, cols, row), target]);
      }
    }
    return rows;
  }

  private async bumpProbes(q: Queryable, reports: Report[], now: number): Promise<void> {
    const per = new Map<string, { n: number; seq: number; last: number }>();
    for (const r of reports) {
      const t = r.endMs ?? r.startMs ?? now;
      const p = per.get(r.probeId);
      if (p === undefined) per.set(r.probeId, { n: 1, seq: r.seq, last: t });
      else {
        p.n++;
        if (r.seq > p.seq) p.seq = r.seq;
        if (t > p.last) p.last = t;
      }
    }
    if (per.size === 0) return;
    // Sorted: two collectors on one PostgreSQL lock the probes' rows in the same order.
    const rows = [...per].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([id, p]): SqlValue[] => [id, p.n, p.seq, p.last, now]);
    await q.insertMany(PROBE_BUMP, rows, "ON CONFLICT (id) DO UPDATE SET " + PROBE_BUMP_SET);
  }

  private async bumpSpecs(q: Queryable, reports: Report[], now: number): Promise<void> {
    const per = new Map<string, { n: number; failed?: string }>();
    for (const r of reports) {
      const s = per.get(r.token) ?? { n: 0 };
      s.n++;
      if (r.exception !== undefined && r.exception !== "") s.failed = r.exception;
      per.set(r.token, s);
    }
    for (const [token, s] of per) {
      await q.run(
        `UPDATE specifications SET results = results + ?, last_result_ms = ?,
           message = CASE WHEN CAST(? AS TEXT) IS NULL THEN message ELSE CAST(? AS TEXT) END,
           state = CASE WHEN state IN ('pending', 'sent', 'accepted', 'running')
             THEN (CASE WHEN CAST(? AS TEXT) IS NOT NULL AND period_ms IS NULL THEN 'failed' WHEN period_ms IS NULL THEN 'done' ELSE 'running' END)
             ELSE state END
         WHERE token = ?`,
        [s.n, now, s.failed ?? null, s.failed ?? null, s.failed ?? null, token],
      );
    }
  }

  async setStatus(probeId: string, st: ProbeStatus, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO probes (id, status, status_json, status_ms, last_seen_ms, queue_depth, dropped, last_measurement_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_json = COALESCE(excluded.status_json, probes.status_json),
         status_ms = excluded.status_ms, last_seen_ms = excluded.last_seen_ms,
         queue_depth = COALESCE(excluded.queue_depth, probes.queue_depth), dropped = COALESCE(excluded.dropped, probes.dropped),
         last_measurement_ms = CASE WHEN probes.last_measurement_ms IS NULL OR excluded.last_measurement_ms > probes.last_measurement_ms
           THEN excluded.last_measurement_ms ELSE probes.last_measurement_ms END`,
      [probeId, st.status, st.json, now, now, st.queueDepth ?? null, st.dropped ?? null, st.lastMeasurementMs ?? null],
    );
  }

  async setCapabilities(probeId: string, json: string, minPeriodMs: number | null, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO probes (id, capabilities_json, capabilities_ms, last_seen_ms, min_period_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET capabilities_json = excluded.capabilities_json, capabilities_ms = excluded.capabilities_ms,
         last_seen_ms = excluded.last_seen_ms, min_period_ms = excluded.min_period_ms`,
      [probeId, json, now, now, minPeriodMs],
    );
  }

  async reject(probeId: string, reason: string, detail: string, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO rejections (probe_id, reason, count, last_ms, last_detail) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (probe_id, reason) DO UPDATE SET count = rejections.count + 1, last_ms = excluded.last_ms, last_detail = excluded.last_detail`,
      [probeId, reason, now, detail.slice(0, 500)],
    );
  }

  async rejections(probeId?: string): Promise<{ probe_id: string; reason: string; count: number; last_ms: number; last_detail: string | null }[]> {
    if (probeId !== undefined) return this.db.query("SELECT * FROM rejections WHERE probe_id = ? ORDER BY reason", [probeId]);
    return this.db.query("SELECT * FROM rejections ORDER BY probe_id, reason");
  }

  async probes(): Promise<ProbeRow[]> {
    return this.db.query<ProbeRow & Record<string, unknown>>(
      `SELECT p.*, COALESCE((SELECT SUM(r.count) FROM rejections r WHERE r.probe_id = p.id), 0) AS rejected FROM probes p ORDER BY p.id`,
    );
  }

  async probe(id: string): Promise<ProbeRow | undefined> {
    const rows = await this.db.query<ProbeRow & Record<string, unknown>>(
      `SELECT p.*, COALESCE((SELECT SUM(r.count) FROM rejections r WHERE r.probe_id = p.id), 0) AS rejected FROM probes p WHERE p.id = ?`,
      [id],
    );
    return rows[0];
  }

  async addSpec(s: Omit<SpecRow, "results" | "last_result_ms" | "receipt_ms" | "sent_ms" | "message">): Promise<boolean> {
    const r = await this.db.run(
      `INSERT INTO specifications (token, probe_id, label, when_text, spec_json, state, created_ms, end_ms, period_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING`,
      [s.token, s.probe_id, s.label, s.when_text, s.spec_json, s.state, s.created_ms, s.end_ms, s.period_ms],
    );
    return r.changes > 0;
  }

  async markSent(token: string, now = Date.now()): Promise<void> {
    await this.db.run("UPDATE specifications SET sent_ms = ?, state = CASE WHEN state = 'pending' THEN 'sent' ELSE state END WHERE token = ?", [now, token]);
  }

  /** A receipt or exception from the probe; `state` is 'accepted' or 'refused'. */
  async specAnswer(probeId: string, token: string, state: "accepted" | "refused" | "interrupted", message: string | null, raw: string, now = Date.now()): Promise<void> {
    const known = await this.db.run(
      `UPDATE specifications SET receipt_ms = ?, message = COALESCE(CAST(? AS TEXT), message),
         state = CASE WHEN CAST(? AS TEXT) = 'interrupted' THEN 'interrupted'
                      WHEN state IN ('pending', 'sent') THEN CAST(? AS TEXT)
                      WHEN CAST(? AS TEXT) = 'refused' AND state IN ('accepted', 'running') THEN 'failed'
                      ELSE state END
       WHERE token = ? AND probe_id = ?`,
      [now, message, state, state, state, token, probeId],
    );
    if (known.changes === 0) {
      // Sent by someone else (mosquitto_pub, another collector): keep what the probe said.
      await this.db.run(
        `INSERT INTO specifications (token, probe_id, label, when_text, spec_json, state, message, created_ms, receipt_ms)
         VALUES (?, ?, '', '', ?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING`,
        [token, probeId, raw, state, message, now, now],
      );
    }
  }

  async setSpecState(token: string, state: string, message: string | null): Promise<number> {
    const r = await this.db.run("UPDATE specifications SET state = ?, message = COALESCE(?, message) WHERE token = ?", [state, message, token]);
    return r.changes;
  }

  async spec(token: string): Promise<SpecRow | undefined> {
    return (await this.db.query<SpecRow & Record<string, unknown>>("SELECT * FROM specifications WHERE token = ?", [token]))[0];
  }

  async specs(f: { probe?: string; state?: string; limit: number }): Promise<SpecRow[]> {
    const where: string[] = [];
    const p: SqlValue[] = [];
    if (f.probe !== undefined) {
      where.push("probe_id = ?");
      p.push(f.probe);
    }
    if (f.state !== undefined) {
      where.push("state = ?");
      p.push(f.state);
    }
    p.push(f.limit);
    return this.db.query<SpecRow & Record<string, unknown>>(
      "SELECT * FROM specifications" + (where.length ? " WHERE " + where.join(" AND ") : "") + " ORDER BY created_ms DESC LIMIT ?",
      p,
    );
  }

  /** Specifications a probe has not answered yet: resent when it comes back. */
  async unanswered(probeId: string): Promise<SpecRow[]> {
    return this.db.query<SpecRow & Record<string, unknown>>(
      "SELECT * FROM specifications WHERE probe_id = ? AND state IN ('pending', 'sent') ORDER BY created_ms",
      [probeId],
    );
  }

  async results(f: ResultQuery): Promise<ResultRow[]> {
    const where: string[] = [];
    const p: SqlValue[] = [];
    const eq = (col: string, v: string | undefined) => {
      if (v === undefined) return;
      where.push(col + " = ?");
      p.push(v);
    };
    eq("probe_id", f.probe);
    eq("label", f.label);
    eq("schema", f.schema);
    eq("token", f.token);
    if (f.sinceMs !== undefined) {
      where.push("t_ms >= ?");
      p.push(f.sinceMs);
    }
    if (f.untilMs !== undefined) {
      where.push("t_ms < ?");
      p.push(f.untilMs);
    }
    const cmp = f.order === "asc" ? ">" : "<";
    if (f.after !== undefined) {
      const [t, probe, seq, idx] = f.after;
      if (f.probe !== undefined) {
        where.push(`(t_ms, seq, idx) ${cmp} (?, ?, ?)`);
        p.push(t, seq, idx);
      } else {
        where.push(`(t_ms, probe_id, seq, idx) ${cmp} (?, ?, ?, ?)`);
        p.push(t, probe, seq, idx);
      }
    }
    const dir = f.order === "asc" ? "ASC" : "DESC";
    p.push(f.limit);
    return this.db.query<ResultRow & Record<string, unknown>>(
      "SELECT probe_id, seq, idx, token, label, schema, t_ms, vals, target FROM result_rows" + (where.length ? " WHERE " + where.join(" AND ") : "") +
        ` ORDER BY t_ms ${dir}, probe_id ${dir}, seq ${dir}, idx ${dir} LIMIT ?`,
      p,
    );
  }

  /** The stored reports behind result rows (for mPlane export: parameters, scope, columns). */
  async reportsOf(keys: { probe_id: string; seq: number }[]): Promise<Map<string, { parameters: string; columns: string; start_ms: number | null; end_ms: number | null; exception: string | null }>> {
    const out = new Map<string, { parameters: string; columns: string; start_ms: number | null; end_ms: number | null; exception: string | null }>();
    const uniq = new Map<string, { probe_id: string; seq: number }>();
    for (const k of keys) uniq.set(k.probe_id + "\u0000" + k.seq, k);
    const list = [...uniq.values()];
    for (let i = 0; i < list.length; i += 200) {
      const part = list.slice(i, i + 200);
      const cond = part.map(() => "(probe_id = ? AND seq = ?)").join(" OR ");
      const p: SqlValue[] = [];
      for (const k of part) p.push(k.probe_id, k.seq);
      const rows = await this.db.query<{ probe_id: string; seq: number; parameters: string; columns: string; start_ms: number | null; end_ms: number | null; exception: string | null }>(
        "SELECT probe_id, seq, parameters, columns, start_ms, end_ms, exception FROM reports WHERE " + cond,
        p,
      );
      for (const r of rows) out.set(r.probe_id + "\u0000" + Number(r.seq), r);
    }
    return out;
  }

  async counts(): Promise<{ reports: number; rows: number }> {
    const a = await this.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM reports");
    const b = await this.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM result_rows");
    return { reports: Number(a[0].n), rows: Number(b[0].n) };
  }
}
