// SQLite through better-sqlite3: one writer connection and one reader connection, so HTTP
// queries never see a transaction in progress and never wait for the writer. WAL mode; a
// transaction settles only once its commit is fsynced (survives power loss, not only a
// process crash), but the fsync and the WAL checkpoints run off the event loop
// (wal-sync.ts, checkpointer.ts), and so do the writer's statements (sqlite-writer.ts).
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Checkpointer } from "./checkpointer.ts";
import { SqliteWriter } from "./sqlite-writer.ts";
import { WalSync } from "./wal-sync.ts";
import { Db, Queryable, Row, SqlValue, TableSpec, insertSql } from "./db.ts";

type Conn = Database.Database;

/** WAL size past which the writer checkpoints itself. */
const WAL_BOUND = 256 * 1024 * 1024;

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
  async insertMany(t: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]> {
    // One prepared single-row statement run per row: in a transaction this is SQLite's
    // fastest way in (no parsing, no RETURNING rows to build), and `changes` says which
    // rows were new.
    const s = this.prep(insertSql(t, "VALUES (" + t.columns.map(() => "?").join(", ") + ")", onConflict));
    const out: boolean[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = s.run(rows[i].map(bindOne)).changes > 0;
    return out;
  }
}

function bindOne(p: SqlValue): unknown {
  return typeof p === "boolean" ? (p ? 1 : 0) : p;
}

/** The writer's calls, whether its connection is here (:memory:) or in a worker thread. */
interface Writer extends Queryable {
  exec(sql: string): Promise<void>;
  rollback(): Promise<void>;
  pragma(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

class LocalWriter extends Statements implements Writer {
  async exec(sql: string): Promise<void> {
    this.conn.exec(sql);
  }
  async rollback(): Promise<void> {
    if (this.conn.inTransaction) this.conn.exec("ROLLBACK");
  }
  async pragma(sql: string): Promise<unknown> {
    return this.conn.pragma(sql);
  }
  async close(): Promise<void> {
    this.conn.close();
  }
}

export class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;
  private readonly writer: Writer;
  private readonly reader: Statements;
  private chain: Promise<unknown> = Promise.resolve();

  private readonly checkpointer?: Checkpointer;
  private readonly walSync?: WalSync;
  private commits = 0;

  constructor(readonly file: string) {
    const pragmas = [
      "journal_mode = WAL",
      // NORMAL: COMMIT does not fsync; tx() waits for WalSync's fsync instead (wal-sync.ts).
      "synchronous = NORMAL",
      "busy_timeout = 5000",
      // A batch of a few thousand reports touches many index pages: keep them in memory
      // rather than spilling them to the WAL in the middle of the transaction.
      "cache_size = -65536",
    ];
    if (file === ":memory:") {
      const w = new Database(file);
      for (const p of pragmas) w.pragma(p);
      const local = new LocalWriter(w);
      this.writer = local;
      this.reader = local;
      return;
    }
    mkdirSync(dirname(file), { recursive: true });
    // Opened here once, so a file that cannot be opened fails now, and in WAL mode before
    // the reader and the writer thread open it.
    const probe = new Database(file);
    probe.pragma("journal_mode = WAL");
    probe.close();
    this.writer = new SqliteWriter(file, [...pragmas, "wal_autocheckpoint = 0"]);
    this.walSync = new WalSync(file + "-wal");
    this.checkpointer = new Checkpointer(file);
    const r = new Database(file);
    r.pragma("busy_timeout = 5000");
    this.reader = new Statements(r);
  }

  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.reader.query<T>(sql, params);
  }

  /** Writes outside a transaction still queue behind any transaction in progress. */
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    return this.write(() => this.writer.run(sql, params));
  }

  insertMany(t: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]> {
    return this.write(() => this.writer.insertMany(t, rows, onConflict));
  }

  /** A statement in its own (autocommit) transaction, settled once it is on disk. */
  private async write<T>(fn: () => Promise<T>): Promise<T> {
    const out = await this.serial(fn);
    await this.walSync?.durable();
    return out;
  }

  /**
   * The next transaction may start as soon as this one committed; this one's promise
   * settles when its commit is on disk.
   */
  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const out = await this.serial(async () => {
      const w = this.writer;
      await w.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(w);
        await w.exec("COMMIT");
        await this.afterCommit();
        return out;
      } catch (e) {
        await w.rollback();
        throw e;
      }
    });
    await this.walSync?.durable();
    return out;
  }

  /** The worker's checkpoints fell behind (or it died): checkpoint here, as SQLite would have. */
  private async afterCommit(): Promise<void> {
    const cp = this.checkpointer;
    if (cp === undefined || ++this.commits % 16 !== 0) return;
    if (cp.walBytes() > WAL_BOUND) await this.writer.pragma("wal_checkpoint(RESTART)");
  }

  async exec(sql: string): Promise<void> {
    await this.write(() => this.writer.exec(sql));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.walSync?.durable();
    this.walSync?.close();
    await this.checkpointer?.close();
    if (this.reader !== (this.writer as unknown)) this.reader.conn.close();
    await this.writer.close();
  }
}
