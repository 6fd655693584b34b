// The collector killed with SIGKILL mid-ingest, with each store behind the broker that
// goes with it (mosquitto + PostgreSQL, embedded aedes + SQLite): it acknowledges a report
// only after committing it (on SQLite: after the fsync of the WAL that holds it), and the
// rest stays with the broker session (mosquitto, clean:false) or with the probe (the
// embedded broker dies with the collector; the probe resends what was never PUBACKed), so
// after a restart every report is stored exactly once. Prints sent / stored / duplicates.
import test, { ExecutionContext } from "ava";
import Database from "better-sqlite3";
import pg from "pg";
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ReportCodec } from "../../tools/collector/report-codec.ts";
import { freePort, startPostgres } from "../../tools/testkit/postgres.ts";
import { ProbeSim } from "../../tools/testkit/probe-sim.ts";
import { startMosquitto } from "./support/mosquitto.ts";
import { tempDir, until } from "./support/util.ts";

const codec = ReportCodec.loadSync();
const N = 4000;

function startCollector(args: string[]): Promise<{ proc: ChildProcess; out: () => string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "tools/collector/main.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  return until("collector banner", () => (proc.exitCode !== null ? Promise.reject(new Error(out)) : out.includes("dashboard") || undefined), 60000, 100)
    .then(() => ({ proc, out: () => out }));
}

interface Counts {
  /** Reports stored. */
  stored(): Promise<number>;
  /** COUNT, COUNT DISTINCT, MIN and MAX of the probe's sequence numbers, and all result rows. */
  seqs(): Promise<{ n: number; d: number; lo: number; hi: number; rows: number }>;
}

async function killAndRestart(t: ExecutionContext, args: string[], brokerUrl: string, port: number, open: () => Promise<Counts>): Promise<void> {
  let coll = await startCollector(args);
  t.teardown(() => coll.proc.kill("SIGKILL"));
  const db = await open();
  const sim = await ProbeSim.start({ url: brokerUrl, probeId: "crash", codec });
  t.teardown(() => sim.stop(false));
  const sending = (async () => {
    const inflight: Promise<number>[] = [];
    for (let i = 0; i < N; i++) {
      inflight.push(sim.publishReport(sim.pingReport()));
      if (inflight.length >= 200) await Promise.all(inflight.splice(0));
    }
    await Promise.all(inflight);
  })();
  const atKill = await until("a third stored", async () => {
    const n = await db.stored();
    return n >= N / 3 ? n : undefined;
  }, 90000, 20);
  coll.proc.kill("SIGKILL");
  await new Promise((r) => coll.proc.once("exit", r));
  const afterKill = await db.stored();
  coll = await startCollector(args);
  await sending;
  const final = await until("all stored", async () => {
    const n = await db.stored();
    return n >= N ? n : undefined;
  }, 120000, 100);
  await new Promise((r) => setTimeout(r, 500));
  const s = await db.seqs();
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const dupMatch = /miniprobe_reports_duplicate_total\{probe="crash"\} (\d+)/.exec(metrics);
  const redelivered = dupMatch ? Number(dupMatch[1]) : 0;
  const lost = N - s.d;
  const duplicated = s.n - s.d + (s.rows - s.n);
  const line = `sent ${N} / stored ${final} / lost ${lost} / duplicated rows ${duplicated} / redelivered after restart and skipped ${redelivered} (stored at kill: ${afterKill}, seen ${atKill})`;
  t.log(line);
  console.log(`collector kill -9 (${t.title}): ${line}`);
  t.true(afterKill < N, "the kill happened mid-ingest");
  t.is(s.d, N);
  t.is(s.lo, 1);
  t.is(s.hi, N);
  t.is(lost, 0);
  t.is(duplicated, 0);
  coll.proc.kill("SIGTERM");
  await new Promise((r) => coll.proc.once("exit", r));
}

test("mosquitto + PostgreSQL: kill -9 mid-ingest, restart: nothing lost, nothing duplicated", async (t) => {
  const [pgs, m] = await Promise.all([startPostgres({ fsync: false }), startMosquitto({ auth: false })]);
  t.teardown(() => pgs.stop());
  t.teardown(() => m.stop());
  const d = tempDir("miniprobe-crash-");
  t.teardown(d.remove);
  const port = await freePort();
  const args = ["--broker", m.url, "--store", pgs.url, "--http-port", String(port), "--data", d.dir, "--broker-client-id", "collector-crash-test"];
  await killAndRestart(t, args, m.url, port, async () => {
    const db = new pg.Client({ connectionString: pgs.url });
    await db.connect();
    t.teardown(() => db.end());
    return {
      stored: async () => Number((await db.query("SELECT COUNT(*) AS n FROM reports")).rows[0].n),
      seqs: async () => {
        const s = (await db.query("SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MIN(seq) AS lo, MAX(seq) AS hi FROM reports WHERE probe_id = 'crash'")).rows[0];
        const rows = Number((await db.query("SELECT COUNT(*) AS n FROM result_rows")).rows[0].n);
        return { n: Number(s.n), d: Number(s.d), lo: Number(s.lo), hi: Number(s.hi), rows };
      },
    };
  });
});

test("embedded broker + SQLite: kill -9 mid-ingest, restart: nothing lost, nothing duplicated", async (t) => {
  const d = tempDir("miniprobe-crash-sqlite-");
  t.teardown(d.remove);
  const [port, mqttPort] = [await freePort(), await freePort()];
  const args = ["--broker", "embedded", "--mqtt-port", String(mqttPort), "--store", "sqlite", "--http-port", String(port), "--data", d.dir];
  await killAndRestart(t, args, `mqtt://127.0.0.1:${mqttPort}`, port, async () => {
    const db = new Database(join(d.dir, "collector.db"), { fileMustExist: true });
    t.teardown(() => db.close());
    const one = (sql: string) => db.prepare(sql).get() as Record<string, number>;
    return {
      stored: async () => one("SELECT COUNT(*) AS n FROM reports").n,
      seqs: async () => {
        const s = one("SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MIN(seq) AS lo, MAX(seq) AS hi FROM reports WHERE probe_id = 'crash'");
        return { n: s.n, d: s.d, lo: s.lo, hi: s.hi, rows: one("SELECT COUNT(*) AS n FROM result_rows").n };
      },
    };
  });
});
