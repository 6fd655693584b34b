// npm start's main job: the collector (embedded MQTT broker, SQLite under ./data, HTTP API
// and dashboard) plus one local probe (the Lua bundle when lua5.1 is here, else the Node
// host) that connects to it like any router would, and a default schedule of real
// measurements against this machine: ping 127.0.0.1 and ::1 every 10 s, a traceroute every
// minute, a short video session on a local ffmpeg stream every 5 minutes. Ctrl-C stops it all.
//   node --import tsx tools/local-stack.ts [--http-port N] [--mqtt-port N] [--probe node|lua|qjs]
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Collector } from "./collector/collector.ts";
import { ottMedia } from "./testkit/ott-media.ts";
import { startOttServer } from "./testkit/ott-server.ts";
import { hasCommand } from "./testkit/on-path.ts";

const REPO = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
}

const httpPort = Number(opt("--http-port", process.env.MINIPROBE_HTTP_PORT ?? "8080"));
const mqttPort = Number(opt("--mqtt-port", process.env.MINIPROBE_MQTT_PORT ?? "1883"));
const probeKind = opt("--probe", hasCommand("lua5.1") && existsSync(join(REPO, "dist/miniprobe.lua")) ? "lua" : "node");
const probeId = "local";

const collector = await Collector.start({ httpPort, mqttPort, dataDir: join(REPO, "data") });
log(`collector up: dashboard ${collector.publicUrl}/dashboard/   API ${collector.publicUrl}/api/probes`);

// A real stream for the video sessions, made by ffmpeg once and served on loopback.
let ott: { base: string; close(): Promise<void> } | undefined;
try {
  ott = await startOttServer({ root: await ottMedia() });
  log(`local HLS/DASH stream at ${ott.base}/`);
} catch (e) {
  log(`no local video stream (${(e as Error).message}); the OTT session is left out`);
}

const state = join(REPO, "data", "probe-" + probeId);
mkdirSync(state, { recursive: true });
const cfgFile = join(state, "config.json");
writeFileSync(cfgFile, JSON.stringify({
  broker: `mqtt://127.0.0.1:${mqttPort}`, probeId, queueDir: join(state, "queue"), statusIntervalS: 15,
  registryUrl: `${collector.publicUrl}/registry/miniprobe.json`,
}, null, 2) + "\n");
const argv: Record<string, string[]> = {
  lua: ["lua5.1", join(REPO, "dist/miniprobe.lua")],
  qjs: [process.env.QJS ?? join(REPO, ".cache/qjs/qjs"), "--std", join(REPO, "dist/miniprobe.js")],
  node: [process.execPath, join(REPO, "tools/bin/miniprobe.mjs"), "probe"],
};
let probe: ChildProcess | undefined;
let stopping = false;
function startProbe(): void {
  const a = [...argv[probeKind], "--config", cfgFile];
  log(`probe '${probeId}' (${probeKind}): ${a.join(" ")}`);
  probe = spawn(a[0], a.slice(1), { stdio: ["ignore", "inherit", "pipe"] });
  probe.stderr!.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n")) if (line.trim() !== "" && !line.includes("[debug]")) log(`  probe: ${line.replace(/^\S+Z /, "")}`);
  });
  probe.on("exit", (code, sig) => {
    if (stopping) return;
    log(`probe exited (${code ?? sig}); restarting in 2 s`);
    setTimeout(startProbe, 2000);
  });
}
startProbe();

// Wait (bounded) until the probe has published its capabilities, then send the schedule.
async function api(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(collector.publicUrl + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json().catch(() => ({})) };
}
let caps: string[] = [];
for (let i = 0; i < 120 && caps.length === 0; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const r = await api(`/api/probes/${probeId}/capabilities`).catch(() => ({ status: 0, json: {} }));
  const list = r.status === 200 ? r.json?.contents : undefined;
  caps = Array.isArray(list) ? list.map((c: { label: string }) => c.label) : [];
}
if (caps.length === 0) log("the probe has not published capabilities after 60 s; sending the schedule anyway");
else log(`probe '${probeId}' offers ${caps.length} capabilities`);

const schedule: { capability: string; parameters: Record<string, string>; when: string }[] = [
  { capability: "ping-average-ip4", parameters: { "destination.ip4": "127.0.0.1" }, when: "repeat now ... future / 10s { now + 3s / 1s }" },
  { capability: "ping-average-ip6", parameters: { "destination.ip6": "::1" }, when: "repeat now ... future / 10s { now + 3s / 1s }" },
  { capability: "traceroute-ip4", parameters: { "destination.ip4": "127.0.0.1" }, when: "repeat now ... future / 1m" },
];
if (ott) schedule.push({ capability: "ott-download", parameters: { "content.url": `${ott.base}/hls_fmp4/master.m3u8` }, when: "repeat now ... future / 5m { now + 20s / 10s }" });
for (const s of schedule) {
  if (caps.length > 0 && !caps.includes(s.capability)) {
    log(`  ${s.capability}: not offered by this probe, skipped`);
    continue;
  }
  const r = await api("/api/specifications", { probe: probeId, ...s });
  log(`  ${s.capability} ${s.when}: ${r.status < 300 ? "sent, token " + (r.json?.token ?? r.json?.spec?.token ?? "?") : "refused: " + JSON.stringify(r.json)}`);
}
log(`results arrive within seconds: ${collector.publicUrl}/api/results   dashboard: ${collector.publicUrl}/dashboard/   (Ctrl-C stops)`);

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("stopping");
  if (probe && probe.exitCode === null) {
    probe.kill("SIGTERM");
    await new Promise((r) => { probe!.once("exit", r); setTimeout(r, 5000); });
  }
  await ott?.close();
  await collector.close();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
