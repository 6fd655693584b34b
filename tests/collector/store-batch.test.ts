// Store.insertReports runs as separate statements in a transaction on SQLite and as one
// statement (data-modifying CTEs) on PostgreSQL: the same batches must leave the same
// reports, result rows, probe counters and specification states in both.
import test from "ava";
import pg from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, PgServer } from "../../tools/testkit/postgres.ts";
import { Store } from "../../tools/collector/store/store.ts";
import { SqliteDb } from "../../tools/collector/store/sqlite.ts";
import { PostgresDb } from "../../tools/collector/store/postgres.ts";
import { Report } from "../../tools/collector/report.ts";

let server: PgServer | undefined;
test.before(async () => {
  server = await startPostgres({ fsync: false });
});
test.after.always(() => server?.stop());

const T0 = 1_700_000_000_000;

function report(probeId: string, seq: number, token: string, extra: Partial<Report> = {}): Report {
  return {
    probeId, seq, token, label: "ping-average-ip4", schema: "measure(destination.ip4)->(time,delay)",
    startMs: T0 + seq * 1000, endMs: T0 + seq * 1000 + 500, parameters: { "destination.ip4": "127.0.0.1" },
    columns: ["time", "delay", "note"], rows: [[T0 + seq * 1000 + 1, 200 + seq, 'say "hi"\\'], [null, 1.5, null]], ...extra,
  };
}

async function run(store: Store): Promise<unknown> {
  await store.migrate();
  const spec = (token: string, period: number | null) => store.addSpec({ token, probe_id: "pa", label: "ping-average-ip4", when_text: "now", spec_json: "{}", state: "sent", created_ms: T0, end_ms: null, period_ms: period });
  await spec("once", null);
  await spec("fails", null);
  await spec("periodic", 60000);
  const outcomes: unknown[] = [];
  const batch = async (rs: Report[], now: number) => {
    const o = await store.insertReports(rs, now);
    outcomes.push({ inserted: o.inserted.map((r) => r.probeId + "/" + r.seq), duplicates: o.duplicates });
  };
  await batch([report("pa", 1, "once"), report("pb", 1, "periodic"), report("pa", 2, "periodic", { rows: [] })], T0 + 10_000);
  await batch([
    report("pa", 1, "once"), // stored already
    report("pa", 3, "fails", { exception: "first" }),
    report("pa", 4, "fails", { exception: "" }),
    report("pa", 5, "fails", { exception: "last" }),
    report("pb", 2, "periodic", { startMs: undefined, endMs: undefined }),
    report("pb", 2, "periodic"), // twice in one batch
    report("pc", 7, "unknown-token", { columns: ["a", "a"], rows: [[1, 2]] }),
    // Text that PostgreSQL's array literal must carry exactly (see textArrayParam).
    report("pc", 8, "unknown-token", { parameters: { "destination.name": "NULL" }, rows: [[1, 2, "line\nbreak\t\\n é ☃ \"{}\" NULL"], [2, 3, "\ud800 lone"]] }),
  ], T0 + 20_000);
  const q = (sql: string) => store.db.query(sql);
  return {
    outcomes,
    reports: await q("SELECT probe_id, seq, token, label, schema, start_ms, end_ms, received_ms, parameters, columns, nrows, exception FROM reports ORDER BY probe_id, seq"),
    rows: await q("SELECT probe_id, seq, idx, token, label, schema, t_ms, vals, target FROM result_rows ORDER BY probe_id, seq, idx"),
    probes: await q("SELECT id, reports, last_seq, last_measurement_ms, last_seen_ms FROM probes ORDER BY id"),
    specs: await q("SELECT token, state, message, results, last_result_ms FROM specifications ORDER BY token"),
  };
}

test("insertReports: one CTE statement on PostgreSQL stores what the per-table statements store on SQLite", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-store-batch-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lite = new Store(new SqliteDb(join(dir, "c.db")));
  const fromSqlite = await run(lite);
  await lite.close();
  const admin = new pg.Client({ connectionString: server!.url });
  await admin.connect();
  await admin.query("CREATE DATABASE store_batch_" + process.pid);
  await admin.end();
  const db = new PostgresDb(server!.url.replace(/\/postgres$/, "/store_batch_" + process.pid));
  t.truthy(db.statement, "the PostgreSQL store takes the one-statement path");
  const fromPostgres = await run(new Store(db));
  await db.close();
  t.deepEqual(fromPostgres, fromSqlite);
  const s = fromSqlite as { specs: { token: string; state: string; message: string | null; results: number }[]; rows: unknown[] };
  t.deepEqual(s.specs.map((x) => [x.token, x.state, x.message, x.results]), [["fails", "failed", "last", 3], ["once", "done", null, 1], ["periodic", "running", null, 3]]);
  t.is(s.rows.length, 2 * 7 + 1);
});
