// SQLite through better-sqlite3: one writer connection and one reader connection, so HTTP
// queries never see a transaction in progress and never wait for the writer. WAL mode; a
// transaction settles only once its commit is fsynced (survives power loss, not only a
// process crash), but the fsync and the WAL checkpoints run off the event loop
// (wal-sync.ts, checkpointer.ts), and so do the writer's statements (sqlite-writer.ts).
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Checkpointer } from "./checkpointer.ts";
import { SqliteWriter } from "./sqlite-writer.ts";
import { WalSync } from "./wal-sync.ts";
import { Db, Queryable, Row, SqlValue, TableSpec, flatRows, rowInsertSql } from "./db.ts";

type Conn = Database.Database;

/** WAL size past which the writer checkpoints itself. */
const WAL_BOUND = 256 * 1024 * 1024;

interface SyncStatements {
  query(sql: string, params?: SqlValue[]): Row[];
  run(sql: string, params?: SqlValue[]): { changes: number };
  runRows(sql: string, flat: SqlValue[], width: number): Uint8Array;
}
const { statements } = createRequire(import.meta.url)("./sqlite-statements.cjs") as { statements: (c: Conn) => SyncStatements };

/** A connection on the event loop, with the same statement code as the writer thread's. */
class Statements implements Queryable {
  private readonly st: SyncStatements;
  constructor(readonly conn: Conn) {
    this.st = statements(conn);
  }
  async query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.st.query(sql, params) as T[];
  }
  async run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    return this.st.run(sql, params);
  }
  async insertMany(t: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]> {
    const width = t.columns.length;
    return Array.from(this.st.runRows(rowInsertSql(t, onConflict), flatRows(rows, width), width), (c) => c === 1);
  }
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
