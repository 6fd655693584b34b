// SQLite through better-sqlite3: one writer connection (WAL, synchronous=FULL so a commit
// survives power loss, not only a process crash) and one reader connection, so HTTP
// queries never see a transaction in progress and never wait for the writer.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Db, Queryable, Row, SqlValue } from "./db.ts";

type Conn = Database.Database;

function bind(params: SqlValue[] | undefined): unknown[] {
  if (params === undefined) return [];
  return params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
}

class Statements implements Queryable {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly conn: Conn) {}
  private prep(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (s === undefined) {
      s = this.conn.prepare(sql);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, s);
    }
    return s;
  }
  async query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    const s = this.prep(sql);
    if (!s.reader) {
      s.run(...bind(params));
      return [];
    }
    return s.all(...bind(params)) as T[];
  }
  async run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    const s = this.prep(sql);
    if (s.reader) return { changes: s.all(...bind(params)).length };
    return { changes: s.run(...bind(params)).changes };
  }
}

export class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;
  private readonly writer: Statements;
  private readonly reader: Statements;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const w = new Database(file);
    w.pragma("journal_mode = WAL");
    w.pragma("synchronous = FULL");
    w.pragma("busy_timeout = 5000");
    this.writer = new Statements(w);
    const r = file === ":memory:" ? w : new Database(file, { readonly: false });
    r.pragma("busy_timeout = 5000");
    this.reader = new Statements(r);
  }

  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.reader.query<T>(sql, params);
  }

  /** Writes outside a transaction still queue behind any transaction in progress. */
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    return this.serial(() => this.writer.run(sql, params));
  }

  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const c = this.writer.conn;
      c.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(this.writer);
        c.exec("COMMIT");
        return out;
      } catch (e) {
        if (c.inTransaction) c.exec("ROLLBACK");
        throw e;
      }
    });
  }

  async exec(sql: string): Promise<void> {
    await this.serial(async () => this.writer.conn.exec(sql));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.chain;
    if (this.reader.conn !== this.writer.conn) this.reader.conn.close();
    this.writer.conn.close();
  }
}
