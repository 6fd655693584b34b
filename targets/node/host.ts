// The Node.js Host: everything core may touch, on node:* modules. Errors are values passed
// to callbacks (the vocabulary of core/host.ts; Node's own codes are mapped in errors.ts);
// nothing here throws into core. Every function is a plain closure.
//
// Conventions shared with the QuickJS and Lua hosts:
// - process output, HTTP bodies and files are UTF-8 text; socket streams and spawn's
//   onStdout are byte strings (latin1: one char per byte) so binary protocols pass unchanged.
// - exec/spawn merge opts.env over the probe's own environment; each child leads its own
//   process group, killed as a whole on cancel, timeout, signal or exit (children.ts).
// - httpGet follows at most maxRedirects redirects; one more is EHTTP (http.ts).
// - fs.mkdir creates missing parents and succeeds if the directory exists;
//   fs.list returns names sorted, without "." and "..".
// - signals are named without "SIG": "TERM", "INT", "HUP".
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import type { Callback, Host } from "../../core/host";
import { installSignalListeners, killAllGroups, setSignalHandler } from "./children";
import { connect } from "./connect";
import { makeFs, readStream } from "./files";
import { makeHttpGet } from "./http";
import { makeExec, spawn } from "./proc";
import { makeTimers } from "./timers";
import { discoverTools, which } from "./tools";

export { toHostError } from "./errors";

export interface NodeHostOptions {
  probeId?: string;
  /** Messages below this level are not logged (default "info"). */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Where readStdin reads from (default process.stdin); tests hand in their own stream. */
  stdin?: NodeJS.ReadableStream;
}

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 };

export function createHost(opts: NodeHostOptions = {}): Host {
  const mono = (): number => performance.now();
  let minLevel = LEVELS[opts.logLevel ?? "info"];
  const timers = makeTimers(mono);
  installSignalListeners();

  const hostname = os.hostname();
  const host: Host = {
    info: {
      runtime: "node",
      runtimeVersion: process.version,
      platform: process.platform,
      arch: os.machine(),
      hostname,
      probeId: opts.probeId ?? hostname,
      connect: "socket",
      tls: "node-tls",
    },
    tools: discoverTools(),
    now: () => Date.now(),
    mono,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    log(level, msg) {
      if ((LEVELS[level] ?? 3) < minLevel) return;
      process.stderr.write(`${new Date().toISOString()} ${level} ${msg}\n`);
    },
    setLogLevel(level) {
      minLevel = LEVELS[level] ?? minLevel;
    },
    write(text: string) {
      process.stdout.write(text);
    },
    readStdin(cb: Callback<string>, maxBytes?: number) {
      readStream(opts.stdin ?? process.stdin, cb, maxBytes);
    },
    which(name: string): string | undefined {
      if (typeof name !== "string" || name === "" || name.includes("/")) return undefined;
      return which(name);
    },
    exec: makeExec(mono),
    spawn,
    httpGet: makeHttpGet(mono),
    connect,
    fs: makeFs(),
    onSignal(handler: (signal: string) => void) {
      setSignalHandler(handler);
    },
    memory() {
      const m = process.memoryUsage();
      return { heapKb: Math.round(m.heapUsed / 1024), rssKb: Math.round(m.rss / 1024) };
    },
    exit(code: number) {
      killAllGroups();
      // Let buffered stdout (a pipe is asynchronous in Node) drain before leaving.
      process.stdout.write("", () => process.exit(code));
    },
  };
  return host;
}
