// The routed test network of tools/testkit/net/topology.sh, for ava: up as root with a prefix of its
// own, down always (t.teardown / test.after.always, and a process "exit" + SIGINT/SIGTERM
// hook for a crashed run). Also the runners that execute a specification with each runtime
// inside the probe namespace, and an in-process Node host whose tools run there.
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExecOptions, ExecResult, Callback, Host, ToolSet } from "../../core/host.ts";
import type { Measurement } from "../../core/measurements/types.ts";
import { createHost } from "../../targets/node/host.ts";
import { Agent } from "../../core/agent/agent.ts";
import { discoverTools } from "../../core/tools/discover.ts";
import { Statement, readMessage, writeMessage } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { hasCommand } from "./on-path.ts";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const NET = join(REPO, "tools/testkit/net");

export interface Topology {
  prefix: string;
  probeNs: string;
  delayMs: number;
  /** argv prefix that runs a command inside the probe namespace. */
  inProbe: string[];
  /** Same, with /etc/resolv.conf pointing at fakedns on the probe's 127.0.0.1 (see tools/testkit/net/inns). */
  inProbeDns: string[];
  down(): void;
}

/** Why the topology cannot be built here, or undefined. */
export function topologyUnavailable(): string | undefined {
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "not root";
  const ip = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 5000 });
  if (ip.status !== 0) return "no 'ip netns' (iproute2)";
  if (spawnSync("python3", ["-c", "1"], { timeout: 5000 }).status !== 0) return "no python3 (delaywire.py, fakedns.py)";
  if (!existsSync("/dev/net/tun")) return "no /dev/net/tun";
  return undefined;
}

const live = new Set<Topology>();
let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  const all = () => {
    for (const t of live) t.down();
  };
  process.on("exit", all);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      all();
      process.exit(130);
    });
  }
}

function sh(env: NodeJS.ProcessEnv, args: string[], timeoutMs: number) {
  return spawnSync("bash", [join(NET, "topology.sh"), ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: timeoutMs });
}

/** Brings the topology up (ECMP, IPv6, DELAY_MS per link), with fakedns in the probe namespace when `dns`. */
export function topologyUp(opts: { prefix: string; delayMs?: number; dns?: boolean }): Topology {
  const delayMs = opts.delayMs ?? 0;
  const env = { PREFIX: opts.prefix, DELAY_MS: String(delayMs), STATE_DIR: `/run/${opts.prefix}topology` };
  let fakedns: ChildProcess | undefined;
  let isDown = false;
  const topo: Topology = {
    prefix: opts.prefix,
    probeNs: `${opts.prefix}probe`,
    delayMs,
    inProbe: ["ip", "netns", "exec", `${opts.prefix}probe`],
    inProbeDns: ["env", `PREFIX=${opts.prefix}`, join(NET, "inns"), "probe"],
    down() {
      if (isDown) return;
      isDown = true;
      live.delete(topo);
      if (fakedns && fakedns.exitCode === null) fakedns.kill("SIGKILL");
      // kills what still runs inside the namespaces, stops delaywire, deletes them
      sh(env, ["down"], 30000);
    },
  };
  hook();
  live.add(topo);
  const r = sh(env, ["up"], 90000);
  if (r.status !== 0) {
    topo.down();
    throw new Error(`topology.sh up failed (${r.status}): ${r.stderr.slice(-2000)}`);
  }
  if (opts.dns) {
    const nss = ["probe", "r1", "r2", "r2b", "r3", "server"].map((n) => opts.prefix + n);
    fakedns = spawn("ip", ["netns", "exec", topo.probeNs, "python3", join(NET, "fakedns.py"), "--prefix", opts.prefix, "--listen", "127.0.0.1", ...nss], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    // bounded wait for the listener
    for (let i = 0; i < 50; i++) {
      const q = spawnSync("ip", ["netns", "exec", topo.probeNs, "python3", "-c",
        "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('127.0.0.1',53))"], { timeout: 2000 });
      if (q.status !== 0) break; // port taken: fakedns listens
      spawnSync("sleep", ["0.1"]);
    }
  }
  return topo;
}

// ---------------------------------------------------------------- runtimes

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** parsed stdout (an mPlane result or exception), undefined when not JSON */
  msg?: Record<string, unknown>;
  ms: number;
}

export interface CliRuntime {
  name: string;
  argv: string[];
  missing?: string;
}


/** The probe's command line on every runtime (the bundles must be built: npm run build). */
export function cliRuntimes(): CliRuntime[] {
  const qjs = process.env.QJS ?? join(REPO, ".cache/qjs/qjs");
  const lua = join(REPO, "dist/miniprobe.lua");
  const js = join(REPO, "dist/miniprobe.js");
  const rts: CliRuntime[] = [
    { name: "node", argv: [process.execPath, join(REPO, "tools/bin/miniprobe.mjs"), "probe"] },
    { name: "lua5.1", argv: ["lua5.1", lua], missing: !existsSync(lua) ? "dist/miniprobe.lua not built" : !hasCommand("lua5.1") ? "no lua5.1" : undefined },
    { name: "luajit", argv: ["luajit", lua], missing: !existsSync(lua) ? "dist/miniprobe.lua not built" : !hasCommand("luajit") ? "no luajit" : undefined },
    { name: "qjs", argv: [qjs, js], missing: !existsSync(js) ? "dist/miniprobe.js not built" : !existsSync(qjs) ? "qjs not built (tools/build-qjs.sh)" : undefined },
  ];
  return rts;
}

const specDir = mkdtempSync(join(tmpdir(), "miniprobe-spec-"));
process.on("exit", () => rmSync(specDir, { recursive: true, force: true }));
let specN = 0;

export function specification(label: string, when: string, parameters: Record<string, string>): Record<string, unknown> {
  return { specification: "measure", version: 1, registry: "https://miniprobe.invalid/registry/1", label, when, parameters, results: [] };
}

/** Runs `--once spec` with a runtime, inside `prefix` (e.g. topo.inProbe) when given. Bounded by timeoutMs. */
export function runOnce(rt: CliRuntime, spec: Record<string, unknown>, prefix: string[] = [], timeoutMs = 60000): Promise<CliRun> {
  const file = join(specDir, `spec-${process.pid}-${specN++}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const argv = [...prefix, ...rt.argv, "--once", file];
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (err += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      let msg: Record<string, unknown> | undefined;
      try {
        msg = JSON.parse(out) as Record<string, unknown>;
      } catch {
        msg = undefined;
      }
      resolvePromise({ code, stdout: out, stderr: err, msg, ms: performance.now() - t0 });
    });
  });
}

/** Result rows of an mPlane result as objects keyed by column name. */
export function rowsOf(msg: Record<string, unknown> | undefined): Record<string, string>[] {
  if (!msg || !Array.isArray(msg.results) || !Array.isArray(msg.resultvalues)) return [];
  const cols = msg.results as string[];
  return (msg.resultvalues as string[][]).map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]])));
}

/** A Node host (targets/node/host.ts) whose exec runs every tool inside the probe namespace. */
export function nsHost(base: Host, prefix: string[]): Host {
  const ex = base.exec!;
  return {
    ...base,
    exec(argv: string[], o: ExecOptions, cb: Callback<ExecResult>) {
      return ex([...prefix, ...argv], o, cb);
    },
  };
}

/** An in-process Node Agent over `measurements`, tools probed first (as the CLI does). */
export async function nodeAgent(measurements: Measurement[], prefix: string[] = [], tools?: ToolSet): Promise<{ host: Host; tools: ToolSet; run(spec: Record<string, unknown>): Promise<Record<string, unknown>> }> {
  const base = createHost({ logLevel: "error" });
  const host = prefix.length > 0 ? nsHost(base, prefix) : base;
  // Given tools: exactly those programs (re-classified by core), nothing else from PATH.
  const paths: Record<string, string> = {};
  for (const [name, t] of Object.entries(tools ?? {})) if (t) paths[name] = t.path;
  const found = await discoverTools(host, tools ? { paths, onlyConfigured: true } : {});
  const agent = new Agent(host, measurements, { tools: found });
  return {
    host,
    tools: agent.device.tools,
    async run(spec) {
      const out = await agent.handle(readMessage(parseJson(JSON.stringify(spec))) as Statement);
      return JSON.parse(writeMessage(out, 0)) as Record<string, unknown>;
    },
  };
}
