// A real shaped link for the OTT tests: two network namespaces made here (mp-srv-<pid>-<n> and
// mp-cli-<pid>-<n>) joined by a veth (server 10.99.200.1/30 <-> client 10.99.200.2/30), with
// "tc qdisc add ... root tbf rate R burst B latency L" on the server side's egress (the
// download direction), and the OTT media server (ott-server-main.ts) running inside the server
// namespace. Clients run inside the client namespace: link.clientExec is the argv prefix
// ["ip", "netns", "exec", <cli ns>] (curl, or a player process). No packet leaves the two
// namespaces: neither has any other interface than lo and its veth end.
//
// Teardown: close() kills the server and deletes both namespaces (the veth goes with them).
// A process "exit" hook and SIGINT/SIGTERM handlers do the same for links not closed (a
// failed test), and createNetnsLink() first deletes mp-* namespaces whose owner pid is dead.
// The server also exits when its stdin pipe (held by this process) closes.
//
// Needs root, iproute2 with "ip netns" and tc (sch_tbf). netnsUnavailable() says why not.
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER_IP = "10.99.200.1";
export const CLIENT_IP = "10.99.200.2";

export interface NetnsLinkOptions {
  /** media dir to serve */
  root: string;
  /** tc rate, e.g. "4mbit" */
  rate: string;
  /** tc burst, default "32kb" */
  burst?: string;
  /** tc latency, default "100ms" */
  latency?: string;
  /** server port inside the namespace, default 8080 */
  port?: number;
}

export interface NetnsLink {
  srvNs: string;
  cliNs: string;
  /** "http://10.99.200.1:PORT", reachable from the client namespace only */
  base: string;
  /** argv prefix that runs a command in the client namespace */
  clientExec: string[];
  /** runs argv in the client namespace (bounded by timeoutMs, default 60 s) */
  exec(argv: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** "tc -s qdisc show" of the server veth */
  tcStats(): string;
  close(): Promise<void>;
}

function run(argv: string[], timeoutMs = 10000): { code: number | null; out: string; err: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: timeoutMs });
  return { code: r.error ? -1 : r.status, out: r.stdout ?? "", err: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}
function must(argv: string[]): string {
  const r = run(argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} failed (${r.code}): ${r.err.trim()}`);
  return r.out;
}

/** Why a netns link cannot be made here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "not root (ip netns needs CAP_SYS_ADMIN)";
  if (run(["ip", "netns", "list"]).code !== 0) return "`ip netns list` fails (iproute2 missing or no netns support)";
  if (run(["tc", "-V"]).code !== 0) return "tc (iproute2) not found";
  if (run(["curl", "--version"]).code !== 0) return "curl not found";
  return undefined;
}

interface Live {
  names: string[];
  proc?: ChildProcess;
}
const live = new Set<Live>();
let seq = 0;
let hooked = false;

function teardown(l: Live): void {
  if (l.proc && l.proc.exitCode === null && l.proc.signalCode === null) {
    try {
      l.proc.kill("SIGKILL");
    } catch {
      /* gone */
    }
  }
  for (const n of l.names) run(["ip", "netns", "del", n]);
  live.delete(l);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const l of [...live]) teardown(l);
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const h = (): void => {
      for (const l of [...live]) teardown(l);
      process.removeListener(sig, h);
      process.kill(process.pid, sig);
    };
    process.on(sig, h);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Deletes mp-srv-/mp-cli- namespaces left by processes that no longer exist. */
export function reapStaleNamespaces(): string[] {
  const gone: string[] = [];
  for (const line of run(["ip", "netns", "list"]).out.split("\n")) {
    const m = /^(mp-(?:srv|cli)-(\d+)-\d+)\b/.exec(line.trim());
    if (m && Number(m[2]) !== process.pid && !pidAlive(Number(m[2]))) {
      run(["ip", "netns", "del", m[1]]);
      gone.push(m[1]);
    }
  }
  return gone;
}

export async function createNetnsLink(opts: NetnsLinkOptions): Promise<NetnsLink> {
  const why = netnsUnavailable();
  if (why) throw new Error(`netns link unavailable: ${why}`);
  hook();
  reapStaleNamespaces();
  const id = `${process.pid}-${seq++}`;
  const srvNs = `mp-srv-${id}`;
  const cliNs = `mp-cli-${id}`;
  const vs = "mpv-srv";
  const vc = "mpv-cli";
  const l: Live = { names: [] };
  live.add(l);
  try {
    for (const ns of [srvNs, cliNs]) {
      must(["ip", "netns", "add", ns]);
      l.names.push(ns);
      must(["ip", "-n", ns, "link", "set", "lo", "up"]);
    }
    // both ends are created directly inside their (fresh) namespaces, so fixed names cannot clash
    must(["ip", "link", "add", vs, "netns", srvNs, "type", "veth", "peer", "name", vc, "netns", cliNs]);
    must(["ip", "-n", srvNs, "addr", "add", `${SERVER_IP}/30`, "dev", vs]);
    must(["ip", "-n", cliNs, "addr", "add", `${CLIENT_IP}/30`, "dev", vc]);
    must(["ip", "-n", srvNs, "link", "set", vs, "up"]);
    must(["ip", "-n", cliNs, "link", "set", vc, "up"]);
    must(["tc", "-n", srvNs, "qdisc", "add", "dev", vs, "root", "tbf", "rate", opts.rate, "burst", opts.burst ?? "32kb", "latency", opts.latency ?? "100ms"]);

    const port = opts.port ?? 8080;
    const proc = spawn(
      "ip",
      ["netns", "exec", srvNs, process.execPath, "--import", "tsx", join(REPO, "tools/testkit/ott-server-main.ts"), "--root", opts.root, "--host", SERVER_IP, "--port", String(port)],
      { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] },
    );
    l.proc = proc;
    const base = await new Promise<string>((res, rej) => {
      let out = "";
      let err = "";
      const timer = setTimeout(() => rej(new Error(`server in ${srvNs} did not start in 20 s: ${err}`)), 20000);
      proc.stderr!.on("data", (d: Buffer) => {
        if (err.length < 8000) err += d.toString();
      });
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(timer);
          try {
            res((JSON.parse(out.slice(0, nl)) as { base: string }).base);
          } catch (e) {
            rej(e as Error);
          }
        }
      });
      proc.on("exit", (code) => {
        clearTimeout(timer);
        rej(new Error(`server in ${srvNs} exited ${code}: ${err}`));
      });
    });
    const clientExec = ["ip", "netns", "exec", cliNs];
    return {
      srvNs,
      cliNs,
      base,
      clientExec,
      exec: (argv, timeoutMs = 60000) =>
        new Promise((res) => {
          const p = spawn(clientExec[0], [...clientExec.slice(1), ...argv], { stdio: ["ignore", "pipe", "pipe"] });
          let stdout = "";
          let stderr = "";
          p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
          p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
          p.on("close", (code) => {
            clearTimeout(timer);
            res({ code, stdout, stderr });
          });
          p.on("error", (e) => {
            clearTimeout(timer);
            res({ code: -1, stdout, stderr: stderr + String(e) });
          });
        }),
      tcStats: () => run(["tc", "-n", srvNs, "-s", "qdisc", "show", "dev", vs]).out,
      close: async () => {
        if (!live.has(l)) return;
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise<void>((r) => proc.once("exit", () => r()));
          proc.kill("SIGTERM");
          proc.stdin!.end();
          await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        }
        teardown(l);
      },
    };
  } catch (e) {
    teardown(l);
    throw e;
  }
}
