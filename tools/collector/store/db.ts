// The one SQL surface both stores implement. Statements are written once with `?`
// placeholders and the subset of SQL that SQLite (≥ 3.35) and PostgreSQL share
// (INSERT … ON CONFLICT, RETURNING), so the Store above has a single code path.
export type Dialect = "sqlite" | "postgres";
export type SqlValue = string | number | boolean | null | Buffer;
export type Row = Record<string, unknown>;

/** A table for insertMany: column names with the type PostgreSQL needs to unnest them. */
export interface TableSpec {
  name: string;
  columns: [name: string, type: "text" | "bigint"][];
  /** The unique key ON CONFLICT refers to. */
  key: string[];
  /** The caller ignores which rows went in: insertMany may resolve with [] (PostgreSQL then
   * sends no RETURNING rows back to parse). */
  noFlags?: boolean;
}

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement; `changes` is the number of rows it touched. */
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
  /**
   * Inserts many rows with one statement text and `onConflict` (e.g. "ON CONFLICT (k) DO
   * NOTHING"): a reused prepared statement per row on SQLite, a single INSERT … SELECT
   * FROM unnest(arrays) on PostgreSQL. Resolves with whether each row was inserted (or
   * updated), in order.
   */
  insertMany(table: TableSpec, rows: SqlValue[][], onConflict: string): Promise<boolean[]>;
}

export function insertSql(t: TableSpec, source: string, onConflict: string): string {
  return `INSERT INTO ${t.name} (${t.columns.map((c) => c[0]).join(", ")}) ${source} ${onConflict}`;
}

/** The one-row INSERT that SQLite's insertMany runs once per row. */
export function rowInsertSql(t: TableSpec, onConflict: string): string {
  return insertSql(t, "VALUES (" + t.columns.map(() => "?").join(", ") + ")", onConflict);
}

/** Rows as one flat array, `width` values a row: cheap to send to a worker thread. */
export function flatRows(rows: SqlValue[][], width: number): SqlValue[] {
  const flat: SqlValue[] = new Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < width; j++) flat[i * width + j] = rows[i][j];
  return flat;
}

export interface Db extends Queryable {
  readonly dialect: Dialect;
  /** Runs fn inside one transaction: all of it commits, or none of it. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: one prepared statement (text fixed, prepared once per connection),
   * parameters as they are (arrays included). A single statement is its own transaction.
   */
  statement?<T extends Row = Row>(text: string, values: unknown[]): Promise<T[]>;
  /** A statement the migrations run as is (DDL, possibly several separated by `;`). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** `?` → `$1, $2 …` for PostgreSQL (our SQL never holds a literal `?`). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => "$" + ++n);
}

/** "(?, ?, ?), (?, ?, ?)" for a multi-row VALUES clause. */
export function valuesList(rows: number, cols: number): string {
  const one = "(" + new Array(cols).fill("?").join(", ") + ")";
  return new Array(rows).fill(one).join(", ");
}
