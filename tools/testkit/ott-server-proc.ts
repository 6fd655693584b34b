// The OTT media server (ott-server.ts) in its own Node process (ott-server-main.ts), so the
// server never competes with a test's own event loop for CPU: on a loaded 2-core machine
// an in-process server made "unconstrained" sessions look constrained. The child exits
// when its stdin closes, so it cannot outlive the process that started it.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(REPO, "tools/testkit/ott-server-main.ts");

export interface OttServerProcess {
  /** "http://127.0.0.1:PORT" */
  base: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

export interface OttServerProcessOptions {
  root: string;
  host?: string;
  /** Pacing rate in bytes/s; absent = unlimited. */
  rate?: number;
  /** How long to wait for the child to listen, ms (default 30000: tsx compiles on a slow machine). */
  startMs?: number;
}

export function startOttServerProcess(o: OttServerProcessOptions): Promise<OttServerProcess> {
  const args = ["--import", "tsx", MAIN, "--root", o.root, "--host", o.host ?? "127.0.0.1", "--port", "0"];
  if (o.rate !== undefined) args.push("--rate", String(o.rate));
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] });
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((r) => child.once("exit", () => ((exited = true), r())));
  let err = "";
  child.stderr.on("data", (d: Buffer) => {
    if (err.length < 4000) err += d.toString();
  });
  const close = async (): Promise<void> => {
    if (exited) return;
    child.stdin.end();
    child.kill("SIGTERM");
    const hard = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exit;
    clearTimeout(hard);
  };
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`ott server process did not start within ${o.startMs ?? 30000} ms: ${err}`));
    }, o.startMs ?? 30000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners("data");
      child.stdout.resume();
      try {
        const { base, port } = JSON.parse(out.slice(0, nl)) as { base: string; port: number };
        resolve({ base, port, pid: child.pid ?? -1, close });
      } catch (e) {
        void close();
        reject(new Error(`ott server process said ${JSON.stringify(out.slice(0, 200))}: ${(e as Error).message}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`ott server process exited ${code} before listening: ${err}`));
    });
  });
}
