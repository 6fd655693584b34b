// The ingest suite against PostgreSQL: one throwaway server (Debian's, in a temp dir, as
// the postgres user), a fresh database per test.
import test from "ava";
import pg from "pg";
import { startPostgres, PgServer } from "../../tools/testkit/postgres.ts";
import { ingestSuite } from "./support/ingest-suite.ts";

let server: PgServer | undefined;
let n = 0;

test.before(async () => {
  server = await startPostgres({ fsync: false });
});
test.after.always(() => server?.stop());

ingestSuite(test, "postgres", {
  make: async () => {
    const s = server!;
    const name = "t" + process.pid + "_" + ++n;
    const admin = new pg.Client({ connectionString: s.url });
    await admin.connect();
    await admin.query("CREATE DATABASE " + name);
    await admin.end();
    return s.url.replace(/\/postgres$/, "/" + name);
  },
});
