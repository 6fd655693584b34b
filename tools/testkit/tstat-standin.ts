#!/usr/bin/env -S node --import tsx
// A stand-in for Tstat in live mode (`tstat -l -i IF -s DIR -T runtime.conf [-N net.conf]`),
// behaving as the recorded transcript (tests/fixtures/tstat/live_lo_e2e_switch) shows:
// - at start it prints its banner and creates <DIR>/%Y_%m_%d_%H_%M.out (an existing one is
//   removed first), with empty log files;
// - it writes rows from the recorded logs as time passes, stdio-buffered: bytes reach the
//   files in chunks that may end mid-line;
// - while "packets are processed" it stat()s runtime.conf at most every Runtime_Config_Idle;
//   an mtime change arms a counter of Runtime_Mtime_Counter unchanged checks, then the file
//   is re-read; a changed TCP level or log switch prints "TCP log level set to N (...)",
//   flushes and closes the files and creates a new output directory;
// - SIGINT/SIGTERM flush everything, print the statistics dump and exit 1.
// Rows come from the recorded scenario whose level covers the conf (mixed_core, mixed_e2e,
// mixed_e2e_opt_l7, mixed_all), verbatim. Tunables (environment): TSTAT_STANDIN_FIXTURES,
// TSTAT_STANDIN_IDLE_MS (21000), TSTAT_STANDIN_COUNTER (3), TSTAT_STANDIN_ROWS_PER_S (20),
// TSTAT_STANDIN_CHUNK (4096), TSTAT_STANDIN_MINUTE_MS (60000: real ms per minute of the
// directory-name clock, so fast tests get distinct names), TSTAT_STANDIN_TICK_MS (100).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

const env = (k: string, d: number) => (process.env[k] !== undefined ? Number(process.env[k]) : d);
const FIXTURES = process.env.TSTAT_STANDIN_FIXTURES ?? "tests/fixtures/tstat";
const IDLE_MS = env("TSTAT_STANDIN_IDLE_MS", 21000);
const COUNTER = env("TSTAT_STANDIN_COUNTER", 3);
const ROWS_PER_S = env("TSTAT_STANDIN_ROWS_PER_S", 20);
const CHUNK = env("TSTAT_STANDIN_CHUNK", 4096);
const MINUTE_MS = env("TSTAT_STANDIN_MINUTE_MS", 60000);
const TICK_MS = env("TSTAT_STANDIN_TICK_MS", 100);

const args = process.argv.slice(2);
const opt = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const iface = opt("-i");
const outBase = opt("-s") ?? "tstat_output_logs";
const confPath = opt("-T");
if (!args.includes("-l") || iface === undefined) {
  process.stderr.write("tstat stand-in: only live mode (-l -i IF) is emulated\n");
  process.exit(2);
}

function confValues(): Map<string, string> {
  const m = new Map<string, string>();
  if (confPath === undefined) return m;
  let section = "";
  for (const raw of readFileSync(confPath, "latin1").split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const s = /^\[(.*)\]$/.exec(line);
    if (s) section = s[1];
    const kv = /^(\S+)\s*=\s*(\S+)/.exec(line);
    if (kv) m.set(section + "." + kv[1], kv[2]);
  }
  return m;
}

interface Setup {
  level: number;
  logs: { tcp: boolean; udp: boolean; http: boolean };
}

function setupOf(m: Map<string, string>): Setup {
  const v = (k: string, d = "0") => (m.get(k) ?? d) === "1" || (k === "options.httplog_full_url" && (m.get(k) ?? "0") !== "0");
  // Tstat's level: end_to_end 1, layer7 2, p2p 4, options 8, advanced 16 (#00# #01# #11# #31# recorded)
  const level = (v("options.tcplog_end_to_end") ? 1 : 0) + (v("options.tcplog_layer7") ? 2 : 0) + (v("options.tcplog_p2p") ? 4 : 0) +
    (v("options.tcplog_options") ? 8 : 0) + (v("options.tcplog_advanced") ? 16 : 0);
  const noConf = confPath === undefined;
  return {
    level: noConf ? 15 : level,
    logs: { tcp: noConf || v("log.log_tcp_complete"), udp: noConf || v("log.log_udp_complete"), http: !noConf && v("log.log_http_complete") },
  };
}

const LEVEL_NAMES = ["End_to_end", "Layer7", "P2P", "Options", "Advanced"];
function levelText(level: number): string {
  const parts = ["Core"];
  for (let b = 0; b < 5; b++) if (Math.floor(level / 2 ** b) % 2 === 1) parts.push(LEVEL_NAMES[b]);
  return parts.join(" + ");
}

function scenarioFor(level: number): string {
  if (level === 0) return "mixed_core";
  if (level === 1) return "mixed_e2e";
  if ((level & ~(1 | 2 | 8)) === 0) return "mixed_e2e_opt_l7";
  return "mixed_all";
}

function recorded(scenario: string, log: string): { headers: string[]; rows: string[] } {
  const dir = join(FIXTURES, scenario, "out");
  const sub = readdirSync(dir).sort()[0];
  const lines = readFileSync(join(dir, sub, log), "latin1").split("\n").filter((l) => l.length > 0);
  return { headers: lines.filter((l) => l.startsWith("#")), rows: lines.filter((l) => !l.startsWith("#")) };
}

const two = (n: number) => String(n).padStart(2, "0");
const startReal = Date.now();
/** The directory-name clock: real start, advancing one minute per MINUTE_MS of real time. */
function simNow(): Date {
  return new Date(startReal + ((Date.now() - startReal) * 60000) / MINUTE_MS);
}
function dirName(d: Date): string {
  return `${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}.out`;
}
function stamp(): string {
  return new Date().toUTCString();
}
function say(line: string) {
  process.stdout.write(line + "\n");
}

interface Out {
  fd: number;
  buf: string;
  src: { headers: string[]; rows: string[] };
  next: number;
  written: number;
}

let outs = new Map<string, Out>();
let setup = setupOf(confValues());
let packets = 0;
let tcpFlows = 0;
let udpFlows = 0;

function flush(o: Out, all: boolean) {
  while (o.buf.length >= CHUNK || (all && o.buf.length > 0)) {
    const n = all ? o.buf.length : CHUNK;
    writeSync(o.fd, o.buf.slice(0, n), null, "latin1");
    o.buf = o.buf.slice(n);
  }
}

function openOutputs() {
  const name = dirName(simNow());
  const dir = join(outBase, name);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const scen = scenarioFor(setup.level);
  outs = new Map();
  const add = (log: string, scenario: string) => {
    const src = recorded(scenario, log);
    const fd = openSync(join(dir, log), "w");
    outs.set(log, { fd, buf: src.headers.join("\n") + "\n", src, next: 0, written: 0 });
  };
  if (setup.logs.tcp) add("log_tcp_complete", scen);
  if (setup.logs.udp) add("log_udp_complete", "mixed_core");
  if (setup.logs.http) add("log_http_complete", "mixed_core");
  say(`[${stamp()}] created new outdir ${dir}`);
}

function closeOutputs() {
  for (const o of outs.values()) {
    flush(o, true);
    closeSync(o.fd);
  }
  outs = new Map();
}

function emit(log: string, count: number) {
  const o = outs.get(log);
  if (!o || o.src.rows.length === 0) return;
  for (let i = 0; i < count; i++) {
    o.buf += o.src.rows[o.next % o.src.rows.length] + "\n";
    o.next++;
    o.written++;
  }
  flush(o, false);
}

say("TNG tstat-3.3.0 (Voynich flavor) -- stand-in for tests");
say("");
say(`[-] TCP log level set to ${setup.level} (${levelText(setup.level)})`);
say(`Live capturing on: ${iface} - snaplen = 550`);
openOutputs();

let lastMtime = confPath !== undefined ? statSync(confPath).mtimeMs : 0;
let counter = 0;
let lastCheck = Date.now();
let owed = 0;

const tick = setInterval(() => {
  owed += (ROWS_PER_S * TICK_MS) / 1000;
  const n = Math.floor(owed);
  owed -= n;
  if (n > 0) {
    packets += n * 10;
    tcpFlows += n;
    emit("log_tcp_complete", n);
    emit("log_http_complete", 2 * n);
    if (Math.random() < 0.1 * n) {
      udpFlows++;
      emit("log_udp_complete", 1);
    }
  }
  if (confPath === undefined || Date.now() - lastCheck < IDLE_MS) return;
  lastCheck = Date.now();
  let m: number;
  try {
    m = statSync(confPath).mtimeMs;
  } catch {
    return;
  }
  if (m !== lastMtime) {
    lastMtime = m;
    counter = COUNTER;
    if (process.env.TSTAT_STANDIN_DEBUG) say("Runtime configuration is changed");
    return;
  }
  if (counter > 0) {
    counter--;
    if (counter > 0) return;
    if (process.env.TSTAT_STANDIN_DEBUG) say("Reload runtime configuration...");
    const next = setupOf(confValues());
    const changed = next.level !== setup.level || next.logs.tcp !== setup.logs.tcp || next.logs.udp !== setup.logs.udp || next.logs.http !== setup.logs.http;
    if (next.level !== setup.level) say(`[${stamp()}] TCP log level set to ${next.level} (${levelText(next.level)})`);
    if (changed) {
      closeOutputs();
      setup = next;
      openOutputs();
    }
  }
}, TICK_MS);

function stop(sig: string) {
  clearInterval(tick);
  closeOutputs();
  say("");
  say(`Terminating processing early on signal ${sig === "SIGINT" ? 2 : 15}`);
  say(`Partial result after processing ${packets} packets:`);
  say("---");
  say("Dumping internal status variables:");
  say("---");
  say(`total packet analized : ${packets}`);
  say(`total flows analized : ${tcpFlows + udpFlows}`);
  say(`total TCP flows analized : ${tcpFlows}`);
  say(`total UDP flows analized : ${udpFlows}`);
  process.exit(1);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
