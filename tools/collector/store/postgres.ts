// PostgreSQL through pg: a small pool; BIGINT and NUMERIC come back as JS numbers
// (our integers stay below 2^53: sequence numbers, milliseconds, counters).
import pg from "pg";
import { Db, Queryable, Row, SqlValue, TableSpec, insertSql, numbered } from "./db.ts";

const INT8 = 20;
const NUMERIC = 1700;

const types = {
  getTypeParser(oid: number, format?: string): unknown {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
};

/** A JSON escape other than \" and \\ (which mean the same in an array literal): a
 * backslash that an even run of backslashes precedes, followed by anything else. */
const OTHER_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\[^"\\]/;

/**
 * A column of text (or null) as PostgreSQL's array literal, written by JSON.stringify (native,
 * one pass) instead of pg's per-element regex escaping, which costs ~5 % of the collector's
 * CPU on JSON cells full of quotes: `["a","b\"c",null]` is `{"a","b\"c",null}` whenever
 * the JSON holds no escape but \" and \\ (no control characters, no lone surrogates).
 * Anything else goes to pg as the array it is.
 */
export function textArrayParam(values: unknown[]): unknown {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "string" && v !== null) return values;
  }
  const json = JSON.stringify(values);
  if (OTHER_ESCAPE.test(json)) return values;
  return "{" + json.slice(1, -1) + "}";
}

/** Statement texts (insertMany's, and the batch statement), named so each connection prepares them once. */
const prepared = new Map<string, string>();

/** The name a statement text is prepared under (one per text, for every connection). */
function preparedName(text: string): string {
  let name = prepared.get(text);
  if (name === undefined) prepared.set(text, (name = "mp_insert_" + prepared.size));
  return name;
}

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
  async insertMany(t: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]> {
    if (rows.length === 0) return [];
    // One statement whatever the number of rows: each column travels as one array
    // parameter, so the text never changes and the server plans it once per connection.
    const source = "SELECT * FROM unnest(" + t.columns.map((c, i) => `$${i + 1}::${c[1]}[]`).join(", ") + ")";
    const text = insertSql(t, source, onConflict) + (t.noFlags === true ? "" : " RETURNING " + t.key.join(", "));
    const cols = t.columns.map((c, i) => {
      const col = rows.map((r) => r[i]);
      return c[1] === "text" ? textArrayParam(col) : col;
    });
    const keyAt = t.key.map((k) => t.columns.findIndex((c) => c[0] === k));
    const name = preparedName(text);
    const r = await this.c.query({ name, text, values: cols });
    if (t.noFlags === true) return [];
    const back = new Set((r.rows as Row[]).map((x) => t.key.map((k) => String(x[k])).join("\u0000")));
    return rows.map((row) => back.has(keyAt.map((i) => String(row[i])).join("\u0000")));
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

  insertMany(t: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]> {
    return this.direct.insertMany(t, rows, onConflict);
  }

  async statement<T extends Row = Row>(text: string, values: unknown[]): Promise<T[]> {
    const name = preparedName(text);
    const r = await this.pool.query({ name, text, values: values.map((v) => (Array.isArray(v) ? textArrayParam(v) : v)) });
    return r.rows as T[];
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
