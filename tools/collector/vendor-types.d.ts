// The slice of better-sqlite3 and pg the collector uses (neither ships its own types and
// @types/* are not installed).
declare module "better-sqlite3" {
  namespace Database {
    interface RunResult { changes: number; lastInsertRowid: number | bigint }
    interface Statement {
      readonly reader: boolean;
      run(...params: unknown[]): RunResult;
      all(...params: unknown[]): unknown[];
      get(...params: unknown[]): unknown;
    }
    interface Database {
      prepare(sql: string): Statement;
      exec(sql: string): this;
      pragma(sql: string, opts?: { simple?: boolean }): unknown;
      close(): void;
      readonly inTransaction: boolean;
    }
  }
  const Database: { new (file: string, opts?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }): Database.Database };
  export default Database;
}

declare module "pg" {
  namespace pg {
    interface QueryResult { rows: Record<string, unknown>[]; rowCount: number | null }
    interface QueryConfig { text: string; values?: unknown[]; name?: string }
    interface PoolClient {
      query(q: QueryConfig | string): Promise<QueryResult>;
      release(err?: Error | boolean): void;
    }
    interface CustomTypesConfig { getTypeParser: (oid: number, format?: string) => unknown }
    interface PoolConfig { connectionString?: string; max?: number; types?: CustomTypesConfig; idleTimeoutMillis?: number }
    class Pool {
      constructor(cfg?: PoolConfig);
      query(q: QueryConfig | string): Promise<QueryResult>;
      connect(): Promise<PoolClient>;
      end(): Promise<void>;
      on(ev: "error", fn: (e: Error) => void): this;
    }
    class Client {
      constructor(cfg?: { connectionString?: string });
      connect(): Promise<void>;
      query(q: QueryConfig | string): Promise<QueryResult>;
      end(): Promise<void>;
    }
    const types: { getTypeParser(oid: number, format?: string): unknown };
  }
  export default pg;
}
