// The SQLite writer connection in a worker thread. better-sqlite3 runs every statement
// synchronously: on the event loop, a batch of a few thousand reports (their B-tree
// inserts into six indexes) stops MQTT for tens of milliseconds. In a worker it runs on
// the other core while the event loop goes on reading, decoding and acknowledging. The
// protocol is one message per call (a whole insertMany is one), answered in order; the
// caller (SqliteDb) keeps transactions serial.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { Queryable, Row, SqlValue, TableSpec, flatRows, rowInsertSql } from "./db.ts";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const { statements } = require(workerData.statements);
const db = new Database(workerData.file);
for (const p of workerData.pragmas) db.pragma(p);
const st = statements(db);
const ops = {
  exec: (m) => void db.exec(m.sql),
  pragma: (m) => db.pragma(m.sql),
  rollback: () => void (db.inTransaction && db.exec("ROLLBACK")),
  query: (m) => st.query(m.sql, m.params),
  run: (m) => st.run(m.sql, m.params),
  rows: (m) => st.runRows(m.sql, m.flat, m.width),
  close: () => {
    db.close();
    setImmediate(() => parentPort.close());
  },
};
parentPort.on("message", (m) => {
  try {
    parentPort.postMessage({ id: m.id, value: ops[m.op](m) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

interface Reply {
  id: number;
  value?: unknown;
  error?: { message: string; code?: string };
}

export class SqliteWriter implements Queryable {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private dead: Error | undefined;

  constructor(file: string, pragmas: string[]) {
    const req = createRequire(import.meta.url);
    const workerData = { file, pragmas, module: req.resolve("better-sqlite3"), statements: req.resolve("./sqlite-statements.cjs") };
    this.worker = new Worker(WORKER, { eval: true, workerData });
    this.worker.on("message", (r: Reply) => {
      const w = this.waiting.get(r.id);
      if (w === undefined) return;
      this.waiting.delete(r.id);
      if (r.error) w.reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
      else w.resolve(r.value);
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", () => fail(new Error("the SQLite writer thread exited")));
  }

  private call<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  exec(sql: string): Promise<void> {
    return this.call({ op: "exec", sql });
  }

  pragma(sql: string): Promise<unknown> {
    return this.call({ op: "pragma", sql });
  }

  /** ROLLBACK if a transaction is open. */
  rollback(): Promise<void> {
    return this.call({ op: "rollback" });
  }

  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.call({ op: "query", sql, params });
  }

  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    return this.call({ op: "run", sql, params });
  }

  async insertMany(t: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]> {
    const width = t.columns.length;
    const changed = await this.call<Uint8Array>({ op: "rows", sql: rowInsertSql(t, onConflict), flat: flatRows(rows, width), width });
    return Array.from(changed, (c) => c === 1);
  }

  async close(): Promise<void> {
    if (this.dead) return;
    const gone = new Promise<void>((r) => this.worker.once("exit", () => r()));
    await this.call({ op: "close" }).catch(() => undefined);
    const t = setTimeout(() => void this.worker.terminate(), 10000);
    await gone;
    clearTimeout(t);
  }
}
