// Profiling aid: only the mosquitto ingest runs of the collector bench, so that
// `node --cpu-prof --import tsx tools/bench/collector-profile.ts [sqlite|postgres]` profiles
// the collector's side of them (the probes run in their own process, unprofiled).
import { ingestRate } from "./collector.ts";
import { startPostgres } from "../testkit/postgres.ts";

const stores = (process.argv[2] ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
const pg = await startPostgres({ fsync: true });
try {
  let n = 0;
  for (const s of stores) {
    const r = await ingestRate("mosquitto", s, pg, ++n);
    process.stdout.write(`mosquitto ${s}: ${Math.round(r.rate)} reports/s, event loop ${Math.round(r.elu * 100)}%, CPU ${r.cpu.toFixed(2)}, ${Math.round(r.batch ?? 0)} per transaction\n`);
  }
} finally {
  pg.stop();
}
