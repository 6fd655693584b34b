// Shared pieces of the agent tests against a real mosquitto: the probe daemon started from
// an argv array on each runtime with a config file of its own, an observer (mqtt.js) that
// collects what the probe publishes and decodes results with protobufjs from
// core/report/report.proto, mosquitto_pub for the specifications, and a bounded pool so a
// test file never runs more than a couple of probes at once on a small machine.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { ReportCodec, type WireReport, type WireValue } from "../../tools/collector/report-codec.ts";
import { createHost } from "../../targets/node/host.ts";
import { Queue } from "../../core/agent/queue.ts";
import { encodeReport, type Report } from "../../core/report/report.ts";
import { startMosquitto, waitForPort, type Mosquitto, type MosquittoOptions } from "../../tools/testkit/mosquitto.ts";
import { hasCommand } from "../../tools/testkit/on-path.ts";

export const QJS = process.env.QJS ?? ".cache/qjs/qjs";

export interface AgentRuntime {
  name: string;
  argv: string[];
}

export const agentRuntimes: AgentRuntime[] = [
  { name: "node", argv: ["node", "tools/bin/miniprobe.mjs", "probe"] },
  { name: "qjs", argv: [QJS, "--std", "dist/miniprobe.js"] },
  { name: "lua5.1", argv: ["lua5.1", "dist/miniprobe.lua"] },
  { name: "luajit", argv: ["luajit", "dist/miniprobe.lua"] },
  // Against musl, the libc OpenWrt uses (tools/musl-runtimes.sh builds them; optional).
  { name: "qjs-musl", argv: [".cache/musl/qjs/qjs", "--std", "dist/miniprobe.js"] },
  { name: "qjs-musl-static", argv: [".cache/musl/qjs-static/qjs", "--std", "dist/miniprobe.js"] },
  { name: "lua5.1-musl", argv: [".cache/musl/lua/bin/lua5.1", "dist/miniprobe.lua"] },
];

/** The runtimes every agent test must cover (luajit is optional: MINIPROBE_AGENT_LUAJIT=1). */
export function requiredRuntimes(): AgentRuntime[] {
  const names = ["node", "qjs", "lua5.1"];
  if (process.env.MINIPROBE_AGENT_LUAJIT === "1") names.push("luajit");
  return agentRuntimes.filter((r) => names.includes(r.name));
}

export function runtimeMissing(rt: AgentRuntime): string | undefined {
  const bin = rt.argv[0];
  if (bin.includes("/")) return fs.existsSync(bin) ? undefined : `${bin} not built`;
  if (!hasCommand(bin)) return `${bin} not installed`;
  const script = rt.argv.find((a) => a.startsWith("dist/"));
  if (script !== undefined && !fs.existsSync(script)) return `${script} not built (npm run build)`;
  return undefined;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** At most `n` bodies run at once (a test file's probes + brokers on a 2-core machine). */
export class Pool {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(body: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await body();
    } finally {
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
    }
  }
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mp-agent-${tag}-`));
}

/** Kilobytes of a /proc/PID/status field (VmRSS, VmHWM), or undefined when gone. */
export function procKb(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Resets a process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0). */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

const LOG_KEEP = 2 * 1024 * 1024;

/** One probe daemon process: `--config FILE`, its stderr/stdout kept (bounded) as the log. */
export class ProbeProcess {
  child?: ChildProcess;
  private out = "";
  starts = 0;
  exited?: Promise<{ code: number | null; signal: string | null }>;

  constructor(readonly rt: AgentRuntime, readonly configFile: string) {}

  start(): void {
    this.starts++;
    const [bin, ...args] = this.rt.argv;
    const child = spawn(bin, [...args, "--config", this.configFile], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.out += `--- start ${this.starts} (pid ${child.pid}) ---\n`;
    const keep = (d: Buffer) => {
      this.out += d.toString("latin1");
      if (this.out.length > LOG_KEEP) this.out = this.out.slice(this.out.length - LOG_KEEP);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    return this.out;
  }

  /** Sends a signal; resolves when the process has exited (or after `ms`, killing it). */
  async stop(sig: NodeJS.Signals = "SIGTERM", ms = 10000): Promise<{ code: number | null; signal: string | null } | undefined> {
    const c = this.child;
    if (c === undefined || !this.running()) return undefined;
    c.kill(sig);
    const r = await Promise.race([this.exited, sleep(ms).then(() => undefined)]);
    if (r === undefined) {
      c.kill("SIGKILL");
      await Promise.race([this.exited, sleep(2000)]);
    }
    return r;
  }
}

export interface ProbeConfig {
  [key: string]: unknown;
}

/** Writes the config into `dir` and returns the probe (not started). */
export function makeProbe(rt: AgentRuntime, dir: string, cfg: ProbeConfig): ProbeProcess {
  const file = path.join(dir, "config.json");
  fs.writeFileSync(file, JSON.stringify(cfg, null, 1));
  return new ProbeProcess(rt, file);
}

// ---- results ----

const codec = ReportCodec.loadSync();

export type DecodedValue = WireValue;
export type DecodedReport = WireReport;

export function decodeReport(payload: Uint8Array): DecodedReport {
  return codec.decodeWire(payload);
}

/** One sequence number per measured run: a resent report carries the seq it had. */
export function seqPerRun(reports: DecodedReport[]): string[] {
  const byRun = new Map<string, Set<number>>();
  for (const r of reports) {
    const k = `${r.token}@${r.scope?.startMs}`;
    const s = byRun.get(k) ?? new Set<number>();
    s.add(r.seq);
    byRun.set(k, s);
  }
  return [...byRun].filter(([, s]) => s.size > 1).map(([k, s]) => `${k}: ${[...s].join(",")}`);
}

/** The number a typed cell carries (natural, real or time), else undefined. */
export function num(v: DecodedValue | undefined): number | undefined {
  if (v === undefined || v.kind === undefined) return undefined;
  const x = (v as Record<string, unknown>)[v.kind];
  return typeof x === "number" ? x : undefined;
}

// ---- the observer ----

export interface Seen {
  topic: string;
  at: number;
  payload: Buffer;
}

/**
 * Subscribes to everything under `prefix` and keeps it: the last retained status and
 * capabilities per probe, every receipt (parsed), every result (decoded), in arrival order.
 */
export class Observer {
  readonly status = new Map<string, Record<string, unknown> | string>();
  readonly capabilities = new Map<string, Record<string, unknown>>();
  readonly receipts: { probe: string; at: number; msg: Record<string, unknown> }[] = [];
  readonly results: { probe: string; at: number; report: DecodedReport }[] = [];
  readonly undecodable: { probe: string; error: string }[] = [];
  /** When the observer's own (re)connections happened. */
  readonly connects: number[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly client: MqttClient, readonly prefix: string) {}

  static async connect(port: number, prefix: string, opts: { clientId?: string; clean?: boolean; tls?: mqtt.IClientOptions } = {}): Promise<Observer> {
    const client = mqtt.connect({
      host: "127.0.0.1", port, protocol: "mqtt", protocolVersion: 4,
      clientId: opts.clientId ?? `observer-${process.pid}-${Math.floor(Math.random() * 1e9)}`,
      clean: opts.clean ?? true, reconnectPeriod: 200, connectTimeout: 5000,
    });
    const o = new Observer(client, prefix);
    client.on("message", (topic, payload) => o.onMessage(topic, payload));
    client.on("connect", () => o.connects.push(Date.now()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("observer: no CONNACK in 10 s")), 10000);
      client.once("connect", () => {
        client.subscribe(`${prefix}/#`, { qos: 1 }, (err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
      });
    });
    return o;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parts = topic.split("/");
    const leaf = parts[parts.length - 1];
    const probe = parts[parts.length - 2];
    const at = Date.now();
    if (leaf === "status") {
      const text = payload.toString("utf8");
      try {
        this.status.set(probe, JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.status.set(probe, text);
      }
    } else if (leaf === "capabilities") {
      try {
        this.capabilities.set(probe, JSON.parse(payload.toString("utf8")) as Record<string, unknown>);
      } catch {
        // an unparsable envelope stays absent; the test says what it expected
      }
    } else if (leaf === "receipt") {
      try {
        this.receipts.push({ probe, at, msg: JSON.parse(payload.toString("utf8")) as Record<string, unknown> });
      } catch (e) {
        this.receipts.push({ probe, at, msg: { unparsable: payload.toString("latin1").slice(0, 200), error: String(e) } });
      }
    } else if (leaf === "result") {
      try {
        this.results.push({ probe, at, report: decodeReport(payload) });
      } catch (e) {
        this.undecodable.push({ probe, error: String(e) });
      }
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The probe's retained status once it says "online" (60 s at most). */
  waitOnline(probeId: string, what = "status online"): Promise<Record<string, unknown>> {
    return this.waitFor(what, 60000, () => {
      const s = this.status.get(probeId);
      return typeof s === "object" && s.status === "online" ? s : undefined;
    });
  }

  /** Resolves with the first non-undefined value of `probe()` (checked on each message), bounded. */
  async waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (let i = 0; i < 100000; i++) {
      const v = probe();
      if (v !== undefined) return v;
      const left = until - Date.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  resultsOf(probe: string, token?: string): DecodedReport[] {
    return this.results.filter((r) => r.probe === probe && (token === undefined || r.report.token === token)).map((r) => r.report);
  }

  receiptsOf(probe: string): Record<string, unknown>[] {
    return this.receipts.filter((r) => r.probe === probe).map((r) => r.msg);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.client.end(true, {}, () => resolve()));
  }
}

// ---- publishing ----

/** mosquitto_pub with argv only; `file` sends a file's bytes (-f) instead of `message`. */
export function mosquittoPub(port: number, topic: string, body: { message?: string; file?: string }, extra: string[] = []): Promise<void> {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", topic, ...extra];
  if (body.file !== undefined) args.push("-f", body.file);
  else args.push("-m", body.message ?? "");
  return new Promise((resolve, reject) => {
    execFile("mosquitto_pub", args, { timeout: 30000, maxBuffer: 1024 * 1024 }, (err, _out, stderr) => {
      if (err) reject(new Error(`mosquitto_pub ${topic}: ${err.message} ${stderr}`));
      else resolve();
    });
  });
}

let tokenSerial = 0;

/** A fresh 32-hex-digit mPlane token, unique within this process. */
export function freshToken(): string {
  tokenSerial++;
  const a = (process.pid * 65537 + tokenSerial).toString(16).padStart(12, "0").slice(-12);
  const b = Math.floor(Math.random() * 2 ** 48).toString(16).padStart(12, "0");
  return (a + b + "00000000").slice(0, 32);
}

export function pingSpec(token: string, when: string, target = "127.0.0.1"): string {
  return JSON.stringify({
    specification: "measure", version: 1, label: "ping-average-ip4", token, when,
    parameters: { "destination.ip4": target }, results: [],
  });
}

export function interruptMsg(token: string): string {
  return JSON.stringify({ interrupt: "measure", version: 1, token });
}

/** Sequence numbers of reports in arrival order: duplicates (same seq again), gaps, order. */
export function seqAudit(seqs: number[]): { unique: number; duplicates: number; gaps: number[]; outOfOrder: number; max: number } {
  const seen = new Set<number>();
  let duplicates = 0;
  let outOfOrder = 0;
  let highest = 0;
  for (const s of seqs) {
    if (seen.has(s)) {
      duplicates++;
      continue;
    }
    if (s < highest) outOfOrder++;
    if (s > highest) highest = s;
    seen.add(s);
  }
  const gaps: number[] = [];
  for (let s = 1; s <= highest && gaps.length < 50; s++) if (!seen.has(s)) gaps.push(s);
  return { unique: seen.size, duplicates, gaps, outOfOrder, max: highest };
}

// ---- a broker that can really die and come back ----

export interface RestartableBroker {
  broker: Mosquitto;
  /** SIGKILL: the process is gone and the port closed (not SIGSTOP). */
  kill(): Promise<void>;
  /** Starts the same config again (same port) and waits until it accepts connections. */
  restart(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

/**
 * A testkit mosquitto switched to persistence (saved every second): a subscriber's session
 * (clean=false) outlives a kill -9 of the broker, so what a probe publishes right after the
 * restart is queued for the observer even before the observer is back. Without it, the
 * probe's first reports could reach a broker with nobody subscribed yet, and the test would
 * blame the probe for the observer's race. Queues for subscribers are unbounded.
 */
export async function restartableBroker(opts: MosquittoOptions = {}, extraConf: string[] = []): Promise<RestartableBroker> {
  const broker = await startMosquitto({ logTypes: ["error", "warning", "notice", "information"], ...opts });
  const conf = fs.readFileSync(broker.conf, "utf8").replace(
    "persistence false",
    // A subscriber slower than a draining probe must not lose QoS 1 messages to mosquitto's
    // default cap of 1000 queued per client: the tests would blame the probe for the gap.
    `persistence true\npersistence_location ${broker.dir}/\nautosave_interval 1\nmax_queued_messages 0${extraConf.map((l) => `\n${l}`).join("")}`,
  );
  fs.writeFileSync(broker.conf, conf);
  const rb: RestartableBroker = {
    broker,
    kill: async () => {
      const pid = broker.pid();
      if (pid === undefined) throw new Error("mosquitto: no pid file");
      process.kill(pid, "SIGKILL");
      for (let i = 0; i < 200 && (await portOpen(broker.port)); i++) await sleep(50);
      if (await portOpen(broker.port)) throw new Error("mosquitto still listening after SIGKILL");
    },
    restart: async () => {
      const [bin, ...args] = broker.daemonArgv;
      await new Promise<void>((resolve, reject) =>
        execFile(bin, args, { timeout: 10000 }, (err, _o, stderr) => (err ? reject(new Error(`${err.message} ${stderr}`)) : resolve())));
      await waitForPort(broker.port);
    },
  };
  // The persistent config takes effect on a restart of its own, before anyone connects.
  await rb.kill();
  await rb.restart();
  return rb;
}

// ---- a queue filled beforehand ----

export const AVERAGE_COLUMNS = [
  "delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.50pct", "delay.twoway.icmp.us.max",
  "delay.twoway.icmp.count", "packets.lost", "delay.twoway.icmp.us.stddev",
];

/** A ping report as the agent writes one (seq and scope vary), in core's protobuf bytes. */
export function pingReportBytes(probeId: string, seq: number, token: string, startMs: number): string {
  const report: Report = {
    probeId, seq, token, label: "ping-average-ip4",
    schema: { verb: "measure", parameters: ["destination.ip4", "ping.payload.octets", "ping.timeout.s", "ping.ttl"], results: AVERAGE_COLUMNS.slice() },
    scope: { startMs, endMs: startMs + 500 },
    parameters: [
      { name: "destination.ip4", value: "127.0.0.1" }, { name: "ping.payload.octets", value: "56" },
      { name: "ping.timeout.s", value: "2" }, { name: "ping.ttl", value: "64" },
    ],
    columns: AVERAGE_COLUMNS.slice(),
    rows: [[
      { kind: "natural", value: 21 }, { kind: "natural", value: 27 }, { kind: "natural", value: 26 }, { kind: "natural", value: 33 },
      { kind: "natural", value: 2 }, { kind: "natural", value: 0 }, { kind: "natural", value: 6 },
    ]],
    exceptions: [],
  };
  return encodeReport(report);
}

/**
 * Writes `n` ping reports (seq 1..n, scope one second apart) into a queue directory with
 * core's own Queue on the Node host, as a probe that measured through an outage would have.
 */
export async function prefillQueue(dir: string, probeId: string, n: number, limits: { maxBytes: number; maxCount: number }): Promise<{ token: string; bytes: number }> {
  const host = createHost({ probeId, logLevel: "error" });
  const q = await Queue.open(host, dir, limits);
  const token = freshToken();
  const t0 = Date.now() - n * 1000;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const seq = q.takeSeq();
    const data = pingReportBytes(probeId, seq, token, t0 + i * 1000);
    bytes += data.length;
    await q.push(seq, data);
  }
  await q.flush();
  if (q.stats().depth !== n || q.stats().drops !== 0) throw new Error(`prefill: depth ${q.stats().depth}, drops ${q.stats().drops} (limits too small?)`);
  return { token, bytes };
}
