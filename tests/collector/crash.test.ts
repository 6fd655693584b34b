// The collector killed with SIGKILL mid-ingest (mosquitto + PostgreSQL): it acknowledges a
// report only after committing it, its broker session (clean:false) keeps the rest, so
// after a restart every report is stored exactly once. Prints sent / stored / duplicates.
import test from "ava";
import pg from "pg";
import { ChildProcess, spawn } from "node:child_process";
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

test("kill -9 mid-ingest, restart: nothing lost, nothing duplicated", async (t) => {
  const [pgs, m] = await Promise.all([startPostgres({ fsync: false }), startMosquitto({ auth: false })]);
  t.teardown(() => pgs.stop());
  t.teardown(() => m.stop());
  const d = tempDir("miniprobe-crash-");
  t.teardown(d.remove);
  const port = await freePort();
  const args = ["--broker", m.url, "--store", pgs.url, "--http-port", String(port), "--data", d.dir, "--broker-client-id", "collector-crash-test"];
  let coll = await startCollector(args);
  t.teardown(() => coll.proc.kill("SIGKILL"));
  const db = new pg.Client({ connectionString: pgs.url });
  await db.connect();
  t.teardown(() => db.end());
  const stored = async () => Number((await db.query("SELECT COUNT(*) AS n FROM reports")).rows[0].n);

  const sim = await ProbeSim.start({ url: m.url, probeId: "crash", codec });
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
    const n = await stored();
    return n >= N / 3 ? n : undefined;
  }, 90000, 20);
  coll.proc.kill("SIGKILL");
  await new Promise((r) => coll.proc.once("exit", r));
  const afterKill = await stored();
  await sending;
  coll = await startCollector(args);
  const final = await until("all stored", async () => {
    const n = await stored();
    return n >= N ? n : undefined;
  }, 120000, 100);
  await new Promise((r) => setTimeout(r, 500));
  const seqs = await db.query("SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MIN(seq) AS lo, MAX(seq) AS hi FROM reports WHERE probe_id = 'crash'");
  const rows = Number((await db.query("SELECT COUNT(*) AS n FROM result_rows")).rows[0].n);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const dupMatch = /miniprobe_reports_duplicate_total\{probe="crash"\} (\d+)/.exec(metrics);
  const redelivered = dupMatch ? Number(dupMatch[1]) : 0;
  const s = seqs.rows[0];
  const lost = N - Number(s.d);
  const duplicated = Number(s.n) - Number(s.d) + (rows - Number(s.n));
  const line = `sent ${N} / stored ${final} / lost ${lost} / duplicated rows ${duplicated} / redelivered after restart and skipped ${redelivered} (stored at kill: ${afterKill}, seen ${atKill})`;
  t.log(line);
  console.log("collector kill -9: " + line);
  t.true(afterKill < N, "the kill happened mid-ingest");
  t.is(Number(s.d), N);
  t.is(Number(s.lo), 1);
  t.is(Number(s.hi), N);
  t.is(lost, 0);
  t.is(duplicated, 0);
  coll.proc.kill("SIGTERM");
});
