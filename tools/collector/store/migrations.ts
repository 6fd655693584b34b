// Versioned schema migrations, shared by SQLite and PostgreSQL (a step may differ per
// dialect). Each step runs in its own transaction with its row in schema_migrations, so a
// crash mid-migration leaves the database at the previous version. Append only: a step
// once released is never edited; a change is a new step.
import { Db, Dialect } from "./db.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string[] | Record<Dialect, string[]>;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "probes, reports, result rows, specifications, rejections",
    sql: [
      `CREATE TABLE probes (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'unknown',
        status_json TEXT,
        status_ms BIGINT,
        last_seen_ms BIGINT,
        capabilities_json TEXT,
        capabilities_ms BIGINT,
        last_measurement_ms BIGINT,
        queue_depth BIGINT,
        dropped BIGINT,
        reports BIGINT NOT NULL DEFAULT 0,
        last_seq BIGINT,
        min_period_ms BIGINT
      )`,
      `CREATE TABLE reports (
        probe_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        token TEXT NOT NULL,
        label TEXT NOT NULL,
        schema TEXT NOT NULL,
        start_ms BIGINT,
        end_ms BIGINT,
        received_ms BIGINT NOT NULL,
        parameters TEXT NOT NULL,
        columns TEXT NOT NULL,
        nrows BIGINT NOT NULL,
        exception TEXT,
        PRIMARY KEY (probe_id, seq)
      )`,
      `CREATE TABLE result_rows (
        probe_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        idx BIGINT NOT NULL,
        token TEXT NOT NULL,
        label TEXT NOT NULL,
        schema TEXT NOT NULL,
        t_ms BIGINT NOT NULL,
        vals TEXT NOT NULL,
        PRIMARY KEY (probe_id, seq, idx)
      )`,
      `CREATE TABLE specifications (
        token TEXT PRIMARY KEY,
        probe_id TEXT NOT NULL,
        label TEXT NOT NULL,
        when_text TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        state TEXT NOT NULL,
        message TEXT,
        created_ms BIGINT NOT NULL,
        sent_ms BIGINT,
        receipt_ms BIGINT,
        end_ms BIGINT,
        period_ms BIGINT,
        results BIGINT NOT NULL DEFAULT 0,
        last_result_ms BIGINT
      )`,
      `CREATE TABLE rejections (
        probe_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        count BIGINT NOT NULL,
        last_ms BIGINT NOT NULL,
        last_detail TEXT,
        PRIMARY KEY (probe_id, reason)
      )`,
    ],
  },
  {
    version: 2,
    name: "indexes for the result filters and keyset paging",
    sql: [
      "CREATE INDEX result_rows_time ON result_rows (t_ms, probe_id, seq, idx)",
      "CREATE INDEX result_rows_probe_time ON result_rows (probe_id, t_ms, seq, idx)",
      "CREATE INDEX result_rows_label_time ON result_rows (label, t_ms)",
      "CREATE INDEX result_rows_schema_time ON result_rows (schema, t_ms)",
      "CREATE INDEX specifications_probe ON specifications (probe_id, created_ms)",
    ],
  },
  {
    version: 3,
    name: "per-probe credentials for the embedded broker",
    sql: ["CREATE TABLE probe_credentials (probe_id TEXT PRIMARY KEY, hash TEXT NOT NULL, created_ms BIGINT NOT NULL)"],
  },
  {
    version: 4,
    name: "the measured target on each result row (plots per probe and target)",
    sql: ["ALTER TABLE result_rows ADD COLUMN target TEXT"],
  },
];

export async function migrate(db: Db, list: Migration[] = migrations): Promise<number> {
  await db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
  // Two collectors starting on one PostgreSQL at once: the second waits for the first.
  const rows = await db.query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
  let current = Number(rows[0]?.v ?? 0);
  for (const m of list) {
    if (m.version <= current) continue;
    const steps = Array.isArray(m.sql) ? m.sql : m.sql[db.dialect];
    await db.tx(async (q) => {
      if (db.dialect === "postgres") await q.run("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
      const again = await q.query<{ n: number }>("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = ?", [m.version]);
      if (Number(again[0].n) > 0) return;
      for (const s of steps) await q.run(s);
      await q.run("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)", [m.version, m.name, Date.now()]);
    });
    current = m.version;
  }
  return current;
}
