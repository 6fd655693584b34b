/** @noSelfInFile */
// The MQTT client suite: one portable program run on every host (Node, Lua, QuickJS)
// against a real mosquitto that the runner started (tools/testkit/mosquitto.ts). The suite
// itself stops (SIGSTOP), kills and restarts that broker through host.exec, and checks
// with mosquitto_sub/mosquitto_pub what actually crossed the broker. One line per case:
//   ok <name> <counts> | FAIL <name>: <why> | skip <name>: <why>
// Written in the portable subset (it is compiled to Lua).
import { Host } from "../../core/host";
import { exec, readFile, sleep } from "../../core/host-async";
import { MqttClient, MqttClientOptions } from "../../core/mqtt/client";
import { BYTE, toHex } from "../../core/report/bytes";
import { utf8Encode } from "../../core/report/utf8";
import { ProbeError, asProbeError } from "../../core/util/errors";
import { fmtInt, parseNum } from "../../core/util/num";

export interface MqttSuiteConfig {
  /** Anonymous listener on 127.0.0.1. */
  port: number;
  /** Listener that needs user/password. */
  authPort: number;
  username: string;
  password: string;
  /** mosquitto's pid file and log (log_type all). */
  pidFile: string;
  logFile: string;
  /** argv that restarts the broker as a daemon. */
  restart: string[];
  /** Distinguishes this runtime's client ids and topics. */
  tag: string;
  /** Run only these cases (comma-separated); all when absent. */
  only?: string;
}

export function mqttSuiteConfig(argv: string[]): MqttSuiteConfig | undefined {
  const kv: { [k: string]: string } = {};
  for (const a of argv) {
    const eq = a.indexOf("=");
    if (eq > 0) kv[a.substring(0, eq)] = a.substring(eq + 1);
  }
  const port = parseNum(kv["port"] !== undefined ? kv["port"] : "");
  const authPort = parseNum(kv["authPort"] !== undefined ? kv["authPort"] : "");
  const restart = kv["restart"];
  if (port === undefined || authPort === undefined || restart === undefined || kv["pidFile"] === undefined || kv["logFile"] === undefined) return undefined;
  const cfg: MqttSuiteConfig = {
    port: port,
    authPort: authPort,
    username: kv["username"] !== undefined ? kv["username"] : "",
    password: kv["password"] !== undefined ? kv["password"] : "",
    pidFile: kv["pidFile"],
    logFile: kv["logFile"],
    restart: restart.split(" "),
    tag: kv["tag"] !== undefined ? kv["tag"] : "t",
  };
  if (kv["only"] !== undefined) cfg.only = kv["only"];
  return cfg;
}

interface Recorder {
  connects: number;
  disconnects: string[];
  delays: number[];
  messages: { topic: string; payload: string; dup: boolean }[];
}

function client(host: Host, o: MqttClientOptions): { c: MqttClient; r: Recorder } {
  const r: Recorder = { connects: 0, disconnects: [], delays: [], messages: [] };
  const c = new MqttClient(host, o, {
    onConnect: () => {
      r.connects = r.connects + 1;
    },
    onDisconnect: (err, retry) => {
      r.disconnects.push(err !== undefined ? err.code : "clean");
      r.delays.push(retry);
    },
    onMessage: (topic, payload, info) => {
      r.messages.push({ topic: topic, payload: payload, dup: info.dup });
    },
  });
  return { c: c, r: r };
}

/** Waits (polling every 20 ms) until cond() holds; false after timeoutMs. */
async function waitFor(host: Host, cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = host.mono() + timeoutMs;
  for (let i = 0; i < 100000; i++) {
    if (cond()) return true;
    if (host.mono() > until) return false;
    await sleep(host, 20);
  }
  return false;
}

function stopClient(c: MqttClient, graceful: boolean): Promise<void> {
  return new Promise<void>((resolve) => c.stop(() => resolve(), graceful));
}

function publish(c: MqttClient, topic: string, payload: string, qos: number, retain: boolean): Promise<ProbeError | undefined> {
  return new Promise<ProbeError | undefined>((resolve) => c.publish(topic, payload, { qos: qos, retain: retain }, (err) => resolve(err)));
}

function subscribe(c: MqttClient, topic: string): Promise<ProbeError | undefined> {
  return new Promise<ProbeError | undefined>((resolve) => c.subscribe([{ topic: topic, qos: 1 }], (err) => resolve(err)));
}

/** mosquitto_sub for `count` messages (payloads in hex, one per line), at most waitS seconds. */
function sub(host: Host, cfg: MqttSuiteConfig, topic: string, count: number, waitS: number): Promise<string[]> {
  return exec(host, ["mosquitto_sub", "-h", "127.0.0.1", "-p", fmtInt(cfg.port), "-q", "1", "-t", topic, "-C", fmtInt(count), "-W", fmtInt(waitS), "-F", "%x"], { timeoutMs: (waitS + 5) * 1000, maxBytes: 4194304 }).then((r) => {
    const lines: string[] = [];
    for (const l of r.stdout.split("\n")) if (l.length > 0) lines.push(l);
    return lines;
  });
}

async function brokerPid(host: Host, cfg: MqttSuiteConfig): Promise<string> {
  const text = await readFile(host, cfg.pidFile);
  const pid = text.split("\n")[0];
  if (parseNum(pid) === undefined) throw new ProbeError("EINPUT", "no pid in " + cfg.pidFile);
  return pid;
}

async function signal(host: Host, cfg: MqttSuiteConfig, sig: string): Promise<void> {
  const pid = await brokerPid(host, cfg);
  await exec(host, ["kill", "-" + sig, pid], { timeoutMs: 5000, maxBytes: 4096 });
}

function count(text: string, needle: string): number {
  let n = 0;
  let at = text.indexOf(needle);
  for (let i = 0; i < 100000 && at >= 0; i++) {
    n = n + 1;
    at = text.indexOf(needle, at + needle.length);
  }
  return n;
}

function baseOpts(cfg: MqttSuiteConfig, id: string): MqttClientOptions {
  return {
    host: "127.0.0.1",
    port: cfg.port,
    clientId: "mp-" + cfg.tag + "-" + id,
    keepaliveS: 30,
    connectTimeoutMs: 3000,
    backoff: { initialMs: 200, maxMs: 1000, factor: 2, jitter: 0.5 },
    random: () => 0.5,
  };
}

/** Every byte value, then UTF-8 text: what must cross the broker unchanged. */
function binaryPayload(): string {
  const parts: string[] = [];
  for (let i = 0; i < 256; i++) parts.push(BYTE[i]);
  parts.push(utf8Encode("sonde été € 𝄞"));
  return parts.join("");
}

type Case = (host: Host, cfg: MqttSuiteConfig) => Promise<string>;

/** QoS 1 both ways; byte-exact payloads; order kept with a small window. */
const roundtrip: Case = async (host, cfg) => {
  const o = baseOpts(cfg, "rt");
  o.maxInflight = 4;
  const { c, r } = client(host, o);
  const tIn = "mp/" + cfg.tag + "/in";
  const tOut = "mp/" + cfg.tag + "/out";
  c.start();
  const subErr = await subscribe(c, tIn);
  if (subErr !== undefined) return "FAIL roundtrip: subscribe: " + subErr.message;
  if (!(await waitFor(host, () => r.connects === 1, 5000))) return "FAIL roundtrip: no connection";
  // Out: a subscriber first, then 20 QoS 1 messages; the first carries every byte value.
  const got = sub(host, cfg, tOut, 20, 15);
  await sleep(host, 400);
  const payload = binaryPayload();
  const acks: number[] = [];
  const sends: Promise<ProbeError | undefined>[] = [];
  for (let i = 0; i < 20; i++) {
    const n = i;
    sends.push(publish(c, tOut, i === 0 ? payload : "m" + fmtInt(i), 1, false).then((e) => {
      if (e === undefined) acks.push(n);
      return e;
    }));
  }
  for (const p of sends) {
    const e = await p;
    if (e !== undefined) return "FAIL roundtrip: publish: " + e.code + " " + e.message;
  }
  const lines = await got;
  if (lines.length !== 20) return "FAIL roundtrip: mosquitto_sub saw " + fmtInt(lines.length) + " of 20";
  if (lines[0] !== toHex(payload)) return "FAIL roundtrip: payload bytes differ: " + lines[0];
  for (let i = 1; i < 20; i++) if (lines[i] !== toHex("m" + fmtInt(i))) return "FAIL roundtrip: order at " + fmtInt(i);
  for (let i = 0; i < 20; i++) if (acks[i] !== i) return "FAIL roundtrip: PUBACK callbacks out of order";
  // In: mosquitto_pub → our subscription, UTF-8 bytes exact.
  const text = "from mosquitto_pub: été € 𝄞";
  await exec(host, ["mosquitto_pub", "-h", "127.0.0.1", "-p", fmtInt(cfg.port), "-q", "1", "-t", tIn, "-m", text], { timeoutMs: 10000, maxBytes: 4096 });
  if (!(await waitFor(host, () => r.messages.length >= 1, 5000))) return "FAIL roundtrip: nothing received from mosquitto_pub";
  const m = r.messages[0];
  if (m.topic !== tIn || toHex(m.payload) !== toHex(utf8Encode(text))) return "FAIL roundtrip: received " + toHex(m.payload);
  await stopClient(c, true);
  return "ok roundtrip 20 published (" + fmtInt(payload.length) + "-byte binary first), 1 received, bytes exact, order kept";
};

/** Wrong password: a typed error; the right one connects. */
const auth: Case = async (host, cfg) => {
  const o = baseOpts(cfg, "auth");
  o.port = cfg.authPort;
  o.username = cfg.username;
  o.password = cfg.password + "-wrong";
  const bad = client(host, o);
  bad.c.start();
  const refused = await waitFor(host, () => bad.r.disconnects.length > 0, 5000);
  await stopClient(bad.c, true);
  if (!refused) return "FAIL auth: no answer to a wrong password";
  const code = bad.r.disconnects[0];
  if (code !== "ENOTAUTHORIZED" && code !== "EBADAUTH") return "FAIL auth: wrong password gave " + code;
  if (bad.r.connects !== 0) return "FAIL auth: connected with a wrong password";
  const o2 = baseOpts(cfg, "auth2");
  o2.port = cfg.authPort;
  o2.username = cfg.username;
  o2.password = cfg.password;
  const good = client(host, o2);
  good.c.start();
  const ok = await waitFor(host, () => good.r.connects === 1, 5000);
  await stopClient(good.c, true);
  if (!ok) return "FAIL auth: the right password did not connect: " + good.r.disconnects.join(",");
  return "ok auth wrong password refused with " + code + ", right one connected";
};

/** The will is published when the connection drops, not after a clean DISCONNECT. */
const will: Case = async (host, cfg) => {
  const topic = "mp/" + cfg.tag + "/status";
  const mk = (id: string) => {
    const o = baseOpts(cfg, id);
    o.will = { topic: topic, payload: "offline " + id, qos: 1, retain: false };
    return client(host, o);
  };
  const a = mk("will-a");
  a.c.start();
  if (!(await waitFor(host, () => a.r.connects === 1, 5000))) return "FAIL will: no connection";
  const got = sub(host, cfg, topic, 1, 10);
  await sleep(host, 400);
  await stopClient(a.c, false);
  const lines = await got;
  if (lines.length !== 1 || lines[0] !== toHex("offline will-a")) return "FAIL will: subscriber saw " + lines.join("|");
  const b = mk("will-b");
  b.c.start();
  if (!(await waitFor(host, () => b.r.connects === 1, 5000))) return "FAIL will: no connection (b)";
  const none = sub(host, cfg, topic, 1, 2);
  await sleep(host, 400);
  await stopClient(b.c, true);
  const after = await none;
  if (after.length !== 0) return "FAIL will: a clean DISCONNECT still published " + after.join("|");
  return "ok will delivered on a dropped connection, not after DISCONNECT";
};

/** A broker that stops answering (SIGSTOP) is declared dead by keepalive; reconnect after SIGCONT. */
const keepalive: Case = async (host, cfg) => {
  const o = baseOpts(cfg, "ka");
  o.keepaliveS = 1;
  o.connectTimeoutMs = 1500;
  const { c, r } = client(host, o);
  c.start();
  if (!(await waitFor(host, () => r.connects === 1, 5000))) return "FAIL keepalive: no connection";
  // Quiet for 2.5 keepalive periods: PINGREQ/PINGRESP keep it up.
  await sleep(host, 2500);
  if (r.disconnects.length !== 0) return "FAIL keepalive: dropped a live connection: " + r.disconnects.join(",");
  const t0 = host.mono();
  await signal(host, cfg, "STOP");
  let dead = false;
  try {
    dead = await waitFor(host, () => r.disconnects.length > 0, 8000);
  } finally {
    await signal(host, cfg, "CONT");
  }
  const detectMs = host.mono() - t0;
  if (!dead) {
    await stopClient(c, true);
    return "FAIL keepalive: a stopped broker was not detected in 8 s";
  }
  const why = r.disconnects[0];
  const back = await waitFor(host, () => r.connects >= 2, 15000);
  await stopClient(c, true);
  if (why !== "ETIMEDOUT") return "FAIL keepalive: dead broker reported as " + why;
  if (!back) return "FAIL keepalive: no reconnect after SIGCONT: " + r.disconnects.join(",");
  return "ok keepalive dead broker detected in " + fmtInt(detectMs) + " ms (" + why + "), reconnected after " + fmtInt(r.disconnects.length) + " attempt(s)";
};

/** Broker killed with QoS 1 messages in flight, restarted: they are sent again with DUP. */
const restart: Case = async (host, cfg) => {
  const o = baseOpts(cfg, "rs");
  o.clean = false;
  o.backoff = { initialMs: 400, maxMs: 1600, factor: 2, jitter: 0.5 };
  const { c, r } = client(host, o);
  const topic = "mp/" + cfg.tag + "/restart";
  c.start();
  if (!(await waitFor(host, () => r.connects === 1, 5000))) return "FAIL restart: no connection";
  for (let i = 0; i < 3; i++) {
    const e = await publish(c, topic, "before " + fmtInt(i), 1, false);
    if (e !== undefined) return "FAIL restart: " + e.message;
  }
  await signal(host, cfg, "STOP");
  const acked: string[] = [];
  const errs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const p = "inflight " + fmtInt(i);
    c.publish(topic, p, { qos: 1 }, (e) => {
      if (e === undefined) acked.push(p);
      else errs.push(e.code);
    });
  }
  await sleep(host, 300);
  const inflight = c.pending().inflight;
  await signal(host, cfg, "KILL");
  // Down for a while, so that several attempts fail and back off.
  if (!(await waitFor(host, () => r.disconnects.length >= 3, 10000))) return "FAIL restart: fewer than 3 failed attempts: " + r.disconnects.join(",");
  await exec(host, cfg.restart, { timeoutMs: 10000, maxBytes: 65536 });
  const done = await waitFor(host, () => acked.length === 5, 15000);
  const connects = r.connects;
  await stopClient(c, true);
  if (inflight !== 5) return "FAIL restart: " + fmtInt(inflight) + " in flight before the kill, expected 5";
  if (!done) return "FAIL restart: " + fmtInt(acked.length) + " of 5 acknowledged after restart; errors " + errs.join(",");
  for (let i = 0; i < 5; i++) if (acked[i] !== "inflight " + fmtInt(i)) return "FAIL restart: acknowledged out of order";
  const log = await readFile(host, cfg.logFile);
  const dups = count(log, "Received PUBLISH from " + o.clientId + " (d1, q1");
  if (dups < 5) return "FAIL restart: broker log shows " + fmtInt(dups) + " DUP publishes, expected 5";
  // Delays: 400, 800, 1600, 1600 ... scaled by the fixed jitter 0.5·0.5.
  const want = [300, 600, 1200, 1200];
  for (let i = 0; i < r.delays.length - 1 && i < want.length; i++) {
    if (r.delays[i] !== want[i]) return "FAIL restart: backoff delays " + r.delays.map((d) => fmtInt(d)).join(",");
  }
  return "ok restart 5 in flight re-sent with DUP (" + fmtInt(dups) + " in the broker log), acknowledged in order after " + fmtInt(r.disconnects.length - 1) + " lost connection/attempts; backoff " + r.delays.slice(0, r.delays.length - 1).map((d) => fmtInt(d)).join(",") + " ms; connects " + fmtInt(connects);
};

const CASES: { name: string; run: Case }[] = [
  { name: "roundtrip", run: roundtrip },
  { name: "auth", run: auth },
  { name: "will", run: will },
  { name: "keepalive", run: keepalive },
  { name: "restart", run: restart },
];

/** Runs every case in order; one line each. */
export async function runMqttSuite(host: Host, cfg: MqttSuiteConfig): Promise<string[]> {
  const lines: string[] = [];
  if (host.connect === undefined) {
    lines.push("skip mqtt: this host cannot open connections");
    return lines;
  }
  for (const k of CASES) {
    if (cfg.only !== undefined && ("," + cfg.only + ",").indexOf("," + k.name + ",") < 0) continue;
    let line: string;
    try {
      line = await k.run(host, cfg);
    } catch (e) {
      const pe = asProbeError(e);
      line = "FAIL " + k.name + ": " + pe.code + " " + pe.message;
    }
    lines.push(line);
  }
  return lines;
}
