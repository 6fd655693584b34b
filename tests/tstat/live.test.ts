// The control loop end to end on Node, in-process, against the Tstat stand-in
// (tools/testkit/tstat-standin.ts) with Tstat's re-read timing scaled down: the group goes on
// in runtime.conf, the stand-in re-reads it and rotates to a new output directory with the
// wider header, the rows that appear are reported, and runtime.conf comes back byte-exact —
// after a normal end, after an interrupt, and (through recover) after SIGKILL.
import test from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Cancel } from "../../core/cancel.ts";
import { recover } from "../../core/measurements/tstat/index.ts";
import { tstat } from "../../core/measurements/tstat/index.ts";
import { correlateFlows } from "../../core/measurements/tstat/correlate.ts";
import { FIX, device, objects, runTstat, tempDir, testHost, utc } from "./support.ts";

const STANDIN_ENV = { TSTAT_STANDIN_IDLE_MS: "150", TSTAT_STANDIN_COUNTER: "3", TSTAT_STANDIN_ROWS_PER_S: "40", TSTAT_STANDIN_CHUNK: "700", TSTAT_STANDIN_MINUTE_MS: "400" };
const CORE_CONF = join(FIX, "runtime-conf-variants/runtime_core.conf");

interface Rig {
  dir: string;
  conf: string;
  out: string;
  original: string;
  standin?: ChildProcess;
  stdout: () => string;
}

async function waitFor(what: string, f: () => boolean, ms = 15000): Promise<void> {
  const until = Date.now() + ms;
  while (!f()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function rig(t: import("ava").ExecutionContext, withStandin = true): Rig {
  const tmp = tempDir("tstat-live-");
  const conf = join(tmp.dir, "runtime.conf");
  copyFileSync(CORE_CONF, conf);
  const out = join(tmp.dir, "out");
  let text = "";
  const r: Rig = { dir: tmp.dir, conf, out, original: readFileSync(conf, "latin1"), stdout: () => text };
  if (withStandin) {
    const child = spawn("tools/testkit/tstat-standin.ts", ["-l", "-i", "lo", "-s", out, "-T", conf], { env: { ...process.env, ...STANDIN_ENV }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
    r.standin = child;
  }
  t.teardown(() => {
    r.standin?.kill("SIGKILL");
    tmp.cleanup();
  });
  return r;
}

test.serial("live: end_to_end on for the spec, the stand-in rotates to #01#, rows reported, runtime.conf restored byte-exact", async (t) => {
  const r = rig(t);
  await waitFor("first output directory", () => existsSync(r.out) && readdirSync(r.out).length === 1);
  await new Promise((res) => setTimeout(res, 500)); // rows already written before the spec: not reported
  const host = testHost();
  const dev = device(host, { "tstat.logDir": r.out, "tstat.runtimeConf": r.conf, "tstat.pollMs": "150" });
  const now = Date.now();
  const logs: string[] = [];
  const res = await runTstat(dev, { label: "tstat-log_tcp_complete-end_to_end", startMs: now, endMs: now + 3000, logs });
  t.is(readFileSync(r.conf, "latin1"), r.original, "runtime.conf is byte-exact after the spec");
  t.false(existsSync(r.conf + ".miniprobe-restore"), "no restore file left");
  t.regex(r.stdout(), /TCP log level set to 1 \(Core \+ End_to_end\)/);
  const rows = objects(res);
  const withRtt = rows.filter((x) => x["source.rtt.count"] !== "*");
  t.true(rows.length >= 40, `${rows.length} rows in 3 s at 40 rows/s`);
  t.true(withRtt.length >= 10, `${withRtt.length} rows with RTT after the re-read`);
  // every row is a recorded flow, values intact
  const rec = readFileSync(join(FIX, "mixed_e2e/out/2026_11_22_23_01.out/log_tcp_complete"), "latin1").split("\n").slice(1).filter(Boolean);
  const byPort = new Map(rec.map((l) => [Number(l.split(" ")[1]), l.split(" ")]));
  for (const x of withRtt) {
    const f = byPort.get(x["source.port"] as number);
    t.truthy(f, `source port ${x["source.port"]} is a recorded flow`);
    t.is(x["source.rtt.count"], Number(f![48]));
    t.is(x["destination.ttl.max"], Number(f![57]));
  }
  // the rows before the rotation have no RTT columns, and nothing from before the spec
  const firstDir = readdirSync(r.out).sort()[0];
  const before = readFileSync(join(r.out, firstDir, "log_tcp_complete"), "latin1");
  t.true(before.startsWith("#00#"));
  t.true(rows.length - withRtt.length < before.split("\n").length - 1, "only rows that appeared during the spec");
  t.true(logs.some((l) => / partly written lines and 0 malformed lines skipped/.test(l)), logs.join("\n"));
  // the stand-in goes back to #00# once it re-reads the restored file
  await waitFor("rotation back to core", () => /TCP log level set to 0 \(Core\)/.test(r.stdout()));
});

test.serial("interrupt: ctx.cancel ends the spec early and runtime.conf is restored byte-exact", async (t) => {
  const r = rig(t);
  await waitFor("first output directory", () => existsSync(r.out) && readdirSync(r.out).length === 1);
  const dev = device(testHost(), { "tstat.logDir": r.out, "tstat.runtimeConf": r.conf, "tstat.pollMs": "100" });
  const cancel = new Cancel();
  const now = Date.now();
  const p = runTstat(dev, { label: "tstat-log_tcp_complete-layer7", startMs: now, endMs: now + 60000, cancel });
  await waitFor("the edit", () => readFileSync(r.conf, "latin1") !== r.original);
  t.regex(readFileSync(r.conf, "latin1"), /\ntcplog_layer7 = 1\t\t# Enable/);
  t.true(existsSync(r.conf + ".miniprobe-restore"));
  await new Promise((res) => setTimeout(res, 800));
  const t0 = Date.now();
  cancel.cancel("interrupt");
  const res = await p;
  t.true(Date.now() - t0 < 3000, "stops promptly");
  t.is(readFileSync(r.conf, "latin1"), r.original);
  t.false(existsSync(r.conf + ".miniprobe-restore"));
  t.true(res.rows.length > 0);
});

test.serial("two specs at once: the conf holds the union, the first to end keeps the other's group, the last restores", async (t) => {
  const r = rig(t, false);
  const dev = device(testHost(), { "tstat.logDir": r.out, "tstat.runtimeConf": r.conf, "tstat.pollMs": "100", "tstat.stateDir": r.dir });
  const now = Date.now();
  const a = runTstat(dev, { label: "tstat-log_tcp_complete-end_to_end", startMs: now, endMs: now + 700 });
  const b = runTstat(dev, { label: "tstat-log_tcp_complete-tcp_options", startMs: now, endMs: now + 1800 });
  await waitFor("both edits", () => /tcplog_end_to_end = 1/.test(readFileSync(r.conf, "latin1")) && /tcplog_options = 1/.test(readFileSync(r.conf, "latin1")));
  t.is(readdirSync(r.dir).filter((n) => n.startsWith("tstat-restore-")).length, 1, "the original waits in tstat.stateDir");
  await a;
  const mid = readFileSync(r.conf, "latin1");
  t.regex(mid, /tcplog_end_to_end = 0/);
  t.regex(mid, /tcplog_options = 1/);
  await b;
  t.is(readFileSync(r.conf, "latin1"), r.original);
  t.is(readdirSync(r.dir).filter((n) => n.startsWith("tstat-restore-")).length, 0);
});

test.serial("SIGKILL mid-spec, then recover() at the next start restores runtime.conf byte-exact", async (t) => {
  const r = rig(t, false);
  const options = { "tstat.logDir": r.out, "tstat.runtimeConf": r.conf, "tstat.pollMs": "100" };
  const child = spawn(process.execPath, ["--import", "tsx", "tests/tstat/child-run.ts", JSON.stringify(options), "60000"], { stdio: ["ignore", "pipe", "inherit"] });
  t.teardown(() => child.kill("SIGKILL"));
  await waitFor("the child's edit", () => readFileSync(r.conf, "latin1") !== r.original, 30000);
  child.kill("SIGKILL");
  await new Promise((res) => child.once("exit", res));
  t.not(readFileSync(r.conf, "latin1"), r.original, "the killed probe left runtime.conf edited");
  t.true(existsSync(r.conf + ".miniprobe-restore"));
  const logs: string[] = [];
  t.true(await recover(testHost(), options, (m) => logs.push(m)));
  t.is(readFileSync(r.conf, "latin1"), r.original, "byte-exact");
  t.false(existsSync(r.conf + ".miniprobe-restore"));
  t.false(await recover(testHost(), options, () => undefined), "nothing left to do");
  t.regex(logs[0], /restored .*runtime\.conf/);
});

test.serial("a scope in the past: rows dated in the window from every directory, runtime.conf untouched", async (t) => {
  const r = rig(t, false);
  const dev = device(testHost(), { "tstat.logDir": join(FIX, "live_lo_e2e_switch/out"), "tstat.runtimeConf": r.conf });
  const res = await runTstat(dev, { label: "tstat-log_tcp_complete-end_to_end", startMs: utc("2026-11-22 00:00:00"), endMs: utc("2026-11-23 00:00:00") });
  t.is(res.rows.length, 186);
  const lines = readFileSync(join(FIX, "live_lo_e2e_switch/out/2026_11_22_23_04.out/log_tcp_complete"), "latin1").split("\n").slice(1).filter(Boolean);
  const firsts = lines.map((l) => Number(l.split(" ")[28])).sort((a, b) => a - b);
  // a window holding exactly the middle 20 flows of the second directory, by their start time
  const lo = firsts[10];
  const hi = firsts[30];
  const part = await runTstat(dev, { label: "tstat-log_tcp_complete-end_to_end", startMs: lo, endMs: hi });
  t.is(part.rows.length, 20);
  t.true(objects(part).every((x) => (x.start as number) >= lo && (x.start as number) < hi && x["source.rtt.count"] !== "*"));
  t.is(readFileSync(r.conf, "latin1"), r.original);
  t.false(existsSync(r.conf + ".miniprobe-restore"));
});

test.serial("capture starts the (stand-in) Tstat on an interface, stops it with SIGINT; status reports it", async (t) => {
  const r = rig(t, false);
  for (const [k, v] of Object.entries(STANDIN_ENV)) process.env[k] = v;
  const dev = device(testHost(), { "tstat.logDir": r.out, "tstat.runtimeConf": r.conf, "tstat.binary": "tools/testkit/tstat-standin.ts" });
  t.true(tstat.capabilities(dev as never).some((c) => c.label === "tstat-capture"));
  const now = Date.now();
  const cap = runTstat(dev, { label: "tstat-capture", startMs: now, endMs: now + 2500, params: { "observer.interface": "lo" } });
  // Tstat's files are stdio-buffered: the header shows with the first chunk
  const tcpLog = () => join(r.out, readdirSync(r.out)[0], "log_tcp_complete");
  await waitFor("output", () => existsSync(r.out) && readdirSync(r.out).length > 0 && existsSync(tcpLog()) && readFileSync(tcpLog()).length > 0);
  const st = objects(await runTstat(dev, { label: "tstat-status", startMs: Date.now(), endMs: Date.now(), params: {} }))[0];
  t.is(st["tstat.running"], true);
  t.is(st["tstat.log.level"], "00");
  t.regex(st["tstat.conf.options"] as string, /^tcplog_end_to_end=0 tcplog_layer7=0 /);
  t.is(st["tstat.restore.pending"], false);
  const again = objects(await runTstat(dev, { label: "tstat-capture", startMs: Date.now(), endMs: Date.now() + 100, params: { "observer.interface": "lo" } }))[0];
  t.is(again["tstat.capture.started"], false, "not a second one");
  const row = objects(await cap)[0];
  t.is(row["tstat.capture.started"], true);
  t.is(row["tstat.exit.code"], 1, "Tstat exits 1 after SIGINT");
  t.true((row["tstat.packets"] as number) > 0);
  t.is(row["tstat.outdir.count"], 1);
  t.is(row["observer.interface"], "lo");
  await t.throwsAsync(runTstat(dev, { label: "tstat-capture", startMs: Date.now(), endMs: Date.now() + 100, params: { "observer.interface": "-lo;x" } }), { message: /^observer\.interface: / });
});

test.serial("correlation: the tcp_complete rows of one server's flows in a window", async (t) => {
  const dev = device(testHost(), { "tstat.logDir": join(FIX, "mixed_e2e/out") });
  const all = readFileSync(join(FIX, "mixed_e2e/out/2026_11_22_23_01.out/log_tcp_complete"), "latin1").split("\n").slice(1).filter(Boolean).map((l) => l.split(" "));
  const to8081 = all.filter((f) => f[15] === "8081" && f[14] === "127.0.0.1");
  t.true(to8081.length >= 2);
  const start = Math.min(...to8081.map((f) => Number(f[28])));
  const end = Math.max(...to8081.map((f) => Number(f[29])));
  const c = await correlateFlows(dev, { serverIp: "127.0.0.1", serverPort: 8081, startMs: start, endMs: end });
  t.is(c.rows.length, to8081.length);
  const cols = c.columns;
  t.deepEqual(c.rows.map((r) => r[cols.indexOf("source.port")]).sort(), to8081.map((f) => Number(f[1])).sort());
  t.true(c.rows.every((r) => r[cols.indexOf("source.rtt.count")] !== "*" && r[cols.indexOf("source.MSS.bytes")] === "*"));
  const none = await correlateFlows(dev, { serverIp: "127.0.0.1", serverPort: 8081, startMs: end + 60000, endMs: end + 120000 });
  t.is(none.rows.length, 0);
  const v6 = await correlateFlows(dev, { serverIp: "0:0::1", serverPort: 8082, startMs: 0, endMs: 8.64e15 });
  t.true(v6.rows.length >= 1 && v6.rows.every((r) => r[cols.indexOf("destination.ip6")] === "::1"));
});
