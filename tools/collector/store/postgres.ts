// PostgreSQL through pg: a small pool; BIGINT and NUMERIC come back as JS numbers
// (our integers stay below 2^53: sequence numbers, milliseconds, counters).
import pg from "pg";
import { Db, Queryable, Row, SqlValue, numbered } from "./db.ts";

const INT8 = 20;
const NUMERIC = 1700;

const types = {
  getTypeParser(oid: number, format?: string): unknown {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
};

class Client implements Queryable {
  constructor(private readonly c: pg.Pool | pg.PoolClient) {}
  async query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    const r = await this.c.query({ text: numbered(sql), values: params ?? [] });
    return r.rows as T[];
  }
  async run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    const r = await this.c.query({ text: numbered(sql), values: params ?? [] });
    return { changes: r.rowCount ?? 0 };
  }
}

export class PostgresDb implements Db {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly direct: Client;

  constructor(readonly url: string, poolSize = 8) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, types: types as pg.CustomTypesConfig });
    // A dropped connection in the pool must not take the process down.
    this.pool.on("error", () => undefined);
    this.direct = new Client(this.pool);
  }

  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.direct.query<T>(sql, params);
  }

  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }> {
    return this.direct.run(sql, params);
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      const out = await fn(new Client(c));
      await c.query("COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
