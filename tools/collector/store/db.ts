// The one SQL surface both stores implement. Statements are written once with `?`
// placeholders and the subset of SQL that SQLite (≥ 3.35) and PostgreSQL share
// (INSERT … ON CONFLICT, RETURNING), so the Store above has a single code path.
export type Dialect = "sqlite" | "postgres";
export type SqlValue = string | number | boolean | null | Buffer;
export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement; `changes` is the number of rows it touched. */
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
}

export interface Db extends Queryable {
  readonly dialect: Dialect;
  /** Runs fn inside one transaction: all of it commits, or none of it. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
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
