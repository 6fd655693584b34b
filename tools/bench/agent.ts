// The agent daemon against a real mosquitto, per runtime (lua5.1 and qjs, each on glibc and
// musl; node; luajit when installed), each figure beside a baseline measured in the same run:
// - reports per second one probe pushes (a 10,000-report backlog drained from its queue
//   directory, first to last arrival at a subscriber) against mosquitto_pub -l sending as
//   many messages of the same sizes (QoS 1) to the same broker, timed the same way;
// - spec → receipt latency on loopback (median of N ping specifications published by a
//   subscriber that times the receipt) against the broker's own publish → delivery round trip;
// - RSS (/proc VmRSS) and the heap the probe reports in status (heapKb: Lua's
//   collectgarbage("count"), Node's heapUsed) idle, and with 10,000 reports queued (the
//   broker down while the queue holds them; the first status after it returns carries the
//   heap with all 10,000 still queued), after draining them, and the peak (VmHWM) over
//   recovery and drain: the queue keeps reports on disk, so all of these should match idle.
// The runtimes come twice where it matters: Debian's glibc lua5.1 and our glibc qjs, and the
// same interpreters built against musl, the libc OpenWrt uses (tools/musl-runtimes.sh,
// run here when they are missing). Beside them, the empty interpreter's RSS (blocked
// reading stdin; lua5.1 with and without the modules targets/lua/host.lua loads) is the
// baseline of each runtime's idle RSS, so the increment our code costs shows as a ratio.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import mqtt from "mqtt";
import {
  Observer, agentRuntimes, freshToken, makeProbe, pingReportBytes, pingSpec, prefillQueue, procKb, restartableBroker, runtimeMissing,
  sleep, tempDir, type AgentRuntime,
} from "../../tests/agent/agent-kit.ts";
import { BenchRow, row } from "./report.ts";

const BACKLOG = 10000;
const LIMITS = { maxBytes: 16 * 1024 * 1024, maxCount: 20000 };
const LATENCY_N = 15;
const EMPTY_RUNS = 3;

/** The C modules the Lua host requires at start, read from targets/lua/host.lua itself. */
function hostLuaModules(): string[] {
  const src = fs.readFileSync("targets/lua/host.lua", "utf8");
  return [...src.matchAll(/^local \w+ = load\("([^"]+)"\)/gm)].map((m) => m[1]);
}

/** Interpreters with no code of ours, each blocked reading stdin once started. */
function emptyInterpreters(rt: AgentRuntime): { label: string; argv: string[] }[] {
  const bin = rt.argv[0];
  if (rt.name.startsWith("qjs")) return [{ label: "bare qjs", argv: [bin, "--std", "-e", "std.in.getline()"] }];
  if (rt.name.startsWith("lua")) {
    const mods = hostLuaModules().map((m) => `require("${m}")`).join(" ");
    return [
      { label: "bare, without modules", argv: [bin, "-e", "io.read()"] },
      { label: "bare + luasocket + luaposix", argv: [bin, "-e", `${mods} io.read()`] },
    ];
  }
  return [];
}

function procState(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
  } catch {
    return undefined;
  }
}

/** RSS of a process once it sleeps with a steady RSS (the interpreter waiting on stdin). */
async function emptyRss(argv: string[]): Promise<number> {
  const [bin, ...args] = argv;
  const p = spawn(bin, args, { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  p.stderr.on("data", (d) => (err += d));
  const exited = new Promise<void>((r) => p.on("exit", () => r()));
  try {
    let last = -1;
    for (let i = 0; i < 100; i++) {
      await sleep(100);
      if (p.exitCode !== null) throw new Error(`${argv.join(" ")} exited ${p.exitCode}: ${err}`);
      const rss = procKb(p.pid ?? -1, "VmRSS");
      if (rss !== undefined && procState(p.pid ?? -1) === "S" && rss === last) return rss;
      last = rss ?? -1;
    }
    throw new Error(`${argv[0]}: RSS not steady after 10 s`);
  } finally {
    p.stdin.end();
    await Promise.race([exited, sleep(3000)]);
    if (p.exitCode === null) p.kill("SIGKILL");
  }
}

/** Median over EMPTY_RUNS starts of each empty interpreter of a runtime, in kB. */
async function emptyRows(rt: AgentRuntime): Promise<{ label: string; kb: number }[]> {
  const out: { label: string; kb: number }[] = [];
  for (const e of emptyInterpreters(rt)) {
    const runs: number[] = [];
    for (let i = 0; i < EMPTY_RUNS; i++) runs.push(await emptyRss(e.argv));
    out.push({ label: e.label, kb: median(runs) });
  }
  return out;
}

/** Builds the musl runtimes among `names` that are missing (tools/musl-runtimes.sh). */
function buildMusl(names: string[]): void {
  const parts: string[] = [];
  for (const name of names) {
    const rt = agentRuntimes.find((r) => r.name === name);
    if (rt === undefined || !name.includes("musl") || runtimeMissing(rt) === undefined) continue;
    parts.push(name === "qjs-musl" ? "qjs" : name === "qjs-musl-static" ? "qjs-static" : "lua");
  }
  if (parts.length === 0) return;
  console.error(`bench agent: building the musl runtimes (${parts.join(", ")}) with tools/musl-runtimes.sh`);
  const r = spawnSync("tools/musl-runtimes.sh", parts, { stdio: ["ignore", "ignore", "inherit"], timeout: 15 * 60_000 });
  if (r.status !== 0) console.error(`bench agent: tools/musl-runtimes.sh failed (${r.error?.message ?? `exit ${r.status}`}); those rows are skipped`);
}

/** Arrival times of messages on one topic at a plain mqtt.js subscriber. */
async function arrivals(port: number, topic: string): Promise<{ times: number[]; close: () => Promise<void> }> {
  const c = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 4, clientId: `bench-arrivals-${process.pid}-${Math.random()}`, clean: false, reconnectPeriod: 200 });
  const times: number[] = [];
  c.on("message", () => times.push(performance.now()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no CONNACK")), 10000);
    c.once("connect", () => c.subscribe(topic, { qos: 1 }, (err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    }));
  });
  return { times, close: () => new Promise<void>((r) => c.end(true, {}, () => r())) };
}

async function waitCount(times: number[], n: number, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  for (let i = 0; i < 100000 && times.length < n; i++) {
    if (Date.now() > until) throw new Error(`${what}: ${times.length} of ${n} after ${ms} ms`);
    await sleep(50);
  }
}

/** mosquitto_pub -l: one message a line, QoS 1; the payloads are lines of the given sizes. */
function mosquittoPubLines(port: number, topic: string, sizes: number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", topic, "-l"], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub ${code}: ${err}`))));
    p.stdin.end(sizes.map((n) => "p".repeat(n - 1 > 0 ? n - 1 : 1)).join("\n") + "\n");
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function waitStatus(obs: Observer, id: string, ms: number, pred: (s: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return obs.waitFor(`${id} status`, ms, () => {
    const s = obs.status.get(id);
    return typeof s === "object" && pred(s) ? s : undefined;
  });
}

/** Idle RSS and heap, then spec → receipt latency, on a probe with an empty queue. */
async function idleAndLatency(rt: AgentRuntime, S: string, empty?: { label: string; kb: number }): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  // Neither the broker nor the timing subscriber may add Nagle delays of their own: what
  // is left is the probe's.
  const rb = await restartableBroker({ logTypes: ["error"] }, ["set_tcp_nodelay true"]);
  const broker = rb.broker;
  const dir = tempDir(`bench-${rt.name}`);
  const id = `bench-${rt.name.replace(".", "")}`;
  const prefix = "mp-bench";
  const obs = await Observer.connect(broker.port, prefix);
  (obs.client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const probe = makeProbe(rt, dir, { broker: `mqtt://127.0.0.1:${broker.port}`, probeId: id, prefix, queueDir: path.join(dir, "queue"), statusIntervalS: 5 });
  try {
    probe.start();
    const first = await waitStatus(obs, id, 60000, (s) => s.status === "online");
    // The status the watchdog republishes after 5 s of nothing: the idle heap.
    const idle = await waitStatus(obs, id, 15000, (s) => s !== first && Number(s.uptimeS) >= 4);
    const rss = procKb(probe.pid, "VmRSS") ?? NaN;
    out.push(row(S, `${rt.name}: RSS idle`, rss, "kB", empty && { name: `${empty.label}`, value: empty.kb }, "whole process, /proc VmRSS"));
    if (idle.heapKb !== undefined) out.push(row(S, `${rt.name}: heap idle (status heapKb)`, Number(idle.heapKb), "kB"));

    // Floor: a message from this subscriber to itself through the broker.
    const echoTopic = `${prefix}/echo`;
    const echoes: number[] = [];
    await new Promise<void>((r) => obs.client.subscribe(echoTopic, { qos: 1 }, () => r()));
    for (let i = 0; i < LATENCY_N; i++) {
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => {
        const h = (topic: string) => {
          if (topic === echoTopic) {
            obs.client.removeListener("message", h);
            resolve();
          }
        };
        obs.client.on("message", h);
      });
      obs.client.publish(echoTopic, `echo ${i}`, { qos: 1 });
      await got;
      echoes.push(performance.now() - t0);
    }
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_N; i++) {
      const token = freshToken();
      const t0 = performance.now();
      obs.client.publish(`${prefix}/${id}/spec`, pingSpec(token, "now + 0.2s / 0.2s"), { qos: 1 });
      await obs.waitFor("receipt", 15000, () => (obs.receiptsOf(id).some((m) => m.token === token) ? true : undefined));
      lat.push(performance.now() - t0);
      // Let that ping finish so each spec meets an idle probe.
      await obs.waitFor("result", 15000, () => (obs.resultsOf(id, token).length > 0 ? true : undefined));
    }
    out.push(row(S, `${rt.name}: spec → receipt, median of ${LATENCY_N}`, median(lat), "ms", { name: "broker round trip", value: median(echoes) },
      rt.name === "node" ? undefined : "goal ≤ 50 ms"));
  } finally {
    await probe.stop("SIGTERM", 10000);
    await obs.close();
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** 10,000 reports queued with the broker down: RSS and heap; then the drain rate against mosquitto_pub. */
async function backlogAndRate(rt: AgentRuntime, S: string, R: string): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const rb = await restartableBroker({ logTypes: ["error"] });
  const port = rb.broker.port;
  const dir = tempDir(`bench-q-${rt.name}`);
  const id = `benchq-${rt.name.replace(".", "")}`;
  const prefix = "mp-bench";
  const qdir = path.join(dir, "queue");
  const obs = await Observer.connect(port, prefix, { clientId: `bench-obs-${process.pid}-${id}`, clean: false });
  const arr = await arrivals(port, `${prefix}/${id}/result`);
  const probe = makeProbe(rt, dir, {
    broker: `mqtt://127.0.0.1:${port}`, probeId: id, prefix, queueDir: qdir, statusIntervalS: 5,
    queueMaxBytes: LIMITS.maxBytes, queueMaxCount: LIMITS.maxCount,
  });
  try {
    const filled = await prefillQueue(qdir, id, BACKLOG, LIMITS);
    await sleep(1500); // the broker saves the subscribers' sessions
    await rb.kill();
    probe.start();
    await sleep(5000);
    if (!probe.running()) throw new Error(`${rt.name} probe exited: ${probe.log().slice(-500)}`);
    const rssQueued = procKb(probe.pid, "VmRSS") ?? NaN;
    await rb.restart();
    const st = await waitStatus(obs, id, 90000, (s) => s.status === "online");
    await waitCount(arr.times, BACKLOG, 180000, `${rt.name} drain`);
    const probeMs = arr.times[BACKLOG - 1] - arr.times[0];
    out.push(row(S, `${rt.name}: RSS, ${BACKLOG} reports queued`, rssQueued, "kB", undefined, `broker down; queue ${(filled.bytes / 1048576).toFixed(1)} MB of reports on disk`));
    if (st.heapKb !== undefined) out.push(row(S, `${rt.name}: heap, ${st.queueDepth} reports queued`, Number(st.heapKb), "kB"));

    // Same count, same sizes, same broker, same subscriber timing: mosquitto_pub -l.
    const sizes = Array.from({ length: BACKLOG }, (_v, i) => pingReportBytes(id, i + 1, filled.token, 1e12 + i * 1000).length);
    const base = await arrivals(port, `${prefix}/baseline`);
    await mosquittoPubLines(port, `${prefix}/baseline`, sizes);
    await waitCount(base.times, BACKLOG, 60000, "mosquitto_pub");
    const baseMs = base.times[BACKLOG - 1] - base.times[0];
    await base.close();
    out.push(row(R, `${rt.name}: reports/s drained from the queue`, BACKLOG / (probeMs / 1000), "msg/s", { name: "mosquitto_pub -l", value: BACKLOG / (baseMs / 1000) },
      `${BACKLOG} × ~${Math.round(filled.bytes / BACKLOG)} B, QoS 1`));
    await sleep(1000);
    const after = await waitStatus(obs, id, 15000, (s) => s.queueDepth === 0 && s !== st);
    const rssAfter = procKb(probe.pid, "VmRSS") ?? NaN;
    out.push(row(S, `${rt.name}: RSS after draining`, rssAfter, "kB"));
    // The high-water mark: recovery of the backlog and the drain included.
    out.push(row(S, `${rt.name}: RSS peak, recovery + drain`, procKb(probe.pid, "VmHWM") ?? NaN, "kB", undefined, "/proc VmHWM"));
    if (after.heapKb !== undefined) out.push(row(S, `${rt.name}: heap after draining`, Number(after.heapKb), "kB"));
  } finally {
    await probe.stop("SIGTERM", 10000);
    await arr.close();
    await obs.close();
    await rb.broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export async function bench(): Promise<BenchRow[]> {
  const S = "agent memory (daemon over loopback mosquitto)";
  const L = "agent spec → receipt latency";
  const R = "agent reports/s through mosquitto";
  const mem: BenchRow[] = [];
  const lat: BenchRow[] = [];
  const rate: BenchRow[] = [];
  // MINIPROBE_BENCH_AGENT=lua5.1,node runs only those.
  // (qjs-musl-static, the static build, only when named here.)
  const names = (process.env.MINIPROBE_BENCH_AGENT ?? "lua5.1,lua5.1-musl,qjs,qjs-musl,node,luajit").split(",");
  const skipBacklog = process.env.MINIPROBE_BENCH_AGENT_QUICK === "1";
  buildMusl(names);
  const E = "agent runtimes: empty interpreter RSS (median of 3 starts)";
  const empties: BenchRow[] = [];
  const emptyKb = new Map<string, number>();
  for (const name of names) {
    const rt = agentRuntimes.find((r) => r.name === name);
    if (rt === undefined) throw new Error(`MINIPROBE_BENCH_AGENT: no runtime ${name} (${agentRuntimes.map((r) => r.name).join(", ")})`);
    const missing = runtimeMissing(rt);
    if (missing) {
      mem.push(row(S, `${name}: skipped`, NaN, "", undefined, missing));
      continue;
    }
    const empty = await emptyRows(rt);
    for (const e of empty) {
      // A musl interpreter beside its glibc build of the same sources, when that ran first.
      const glibc = emptyKb.get(`${name.replace(/-musl.*/, "")}: ${e.label}`);
      emptyKb.set(`${name}: ${e.label}`, e.kb);
      empties.push(row(E, `${name}: ${e.label}`, e.kb, "kB", name.includes("musl") && glibc !== undefined ? { name: "glibc build", value: glibc } : undefined));
    }
    // The baseline of the idle daemon: the interpreter with everything our host loads.
    for (const r of await idleAndLatency(rt, S, empty[empty.length - 1])) (r.unit === "ms" ? lat : mem).push({ ...r, section: r.unit === "ms" ? L : S });
    if (!skipBacklog) for (const r of await backlogAndRate(rt, S, R)) (r.section === R ? rate : mem).push(r);
  }
  return [...rate, ...lat, ...mem, ...empties];
}
