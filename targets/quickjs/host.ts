/// <reference path="./qjs.d.ts" />
// The QuickJS Host (qjs 2021-03-27 as packaged by OpenWrt), assembled from one module per
// concern: clock.ts (clocks, timers), proc.ts (child processes in their own process group),
// exec.ts (exec, spawn), http.ts (HTTP through curl or uclient-fetch), stream.ts (TCP/TLS
// through nc/socat/openssl), files.ts (files, stdin), tools.ts (host.tools). See
// docs/quickjs-host.md.
//
// Conventions shared with the Node host: process output, HTTP bodies and files are UTF-8
// text; streams and spawn's raw output are byte strings; exec merges opts.env over the
// probe's environment and gives the child /dev/null as stdin unless opts.stdin is set;
// httpGet follows at most maxRedirects redirects, one more is an error (EHTTP); fs.mkdir
// creates parents and accepts an existing directory; fs.list is sorted.
//
// Signals: SIGTERM, SIGINT and SIGHUP are caught from the start (os.signal; the handler
// runs from the event loop). With a handler from onSignal, it gets the signal's name;
// without one, the host kills every child's process group and exits 128 + the signal.
import * as std from "std";
import * as os from "os";
import type { Callback, Host } from "../../core/host";
import { createMono, createTimers, hasOsNow } from "./clock";
import { createProcs } from "./proc";
import { createExec } from "./exec";
import { createHttp } from "./http";
import { createConnect, findHelpers } from "./stream";
import { createFs, readStdin } from "./files";
import { discoverTools } from "./tools";
import { SIGHUP, SIGINT, SIGTERM, firstLine, readText, runSync, which } from "./sys";

export { which } from "./sys";
export { discoverTools } from "./tools";
export { utf8Decode } from "./bytes";

export interface QuickJsHostOptions {
  probeId?: string;
  /** Messages below this level are not logged (default "info"). */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Where httpGet keeps curl's header/body files (default $TMPDIR or /tmp). */
  tmpDir?: string;
}

/** The command-line arguments after the script name. */
export function args(): string[] {
  return scriptArgs.slice(1);
}

const LEVELS: { [level: string]: number } = { debug: 0, info: 1, warn: 2, error: 3 };

/** Resident set size from /proc/self/status (VmRSS, kB: the page size does not matter). */
function rssKb(): number | undefined {
  const s = readText("/proc/self/status");
  if (s === null) return undefined;
  const i = s.indexOf("VmRSS:");
  if (i < 0) return undefined;
  const v = parseInt(s.slice(i + 6), 10);
  return v === v ? v : undefined;
}

export function createHost(opts: QuickJsHostOptions = {}): Host {
  let minLevel = LEVELS[opts.logLevel ?? "info"];
  const tmpDir = opts.tmpDir ?? std.getenv("TMPDIR") ?? "/tmp";

  const log = (level: "debug" | "info" | "warn" | "error", msg: string): void => {
    if ((LEVELS[level] ?? 3) < minLevel) return;
    std.err.puts(`${new Date().toISOString()} ${level} ${msg}\n`);
    std.err.flush();
  };
  /** Calls into core are guarded: an exception there must not break the host's loop. */
  const guard = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      log("error", `${what}: uncaught ${e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e)}`);
    }
  };

  const mono = createMono();
  const timers = createTimers(mono, guard);
  const procs = createProcs(guard);
  // Caught before anything else runs (a signal during start-up must not kill the probe with
  // children left behind); the handler runs from the event loop, when `exit` exists.
  // ---- signals
  let onSig: ((signal: string) => void) | undefined;
  const caught = (name: string, num: number) => (): void => {
    if (onSig !== undefined) {
      const h = onSig;
      guard("signal handler", () => h(name));
      return;
    }
    exit(128 + num);
  };
  os.signal(SIGTERM, caught("TERM", SIGTERM));
  os.signal(SIGINT, caught("INT", SIGINT));
  os.signal(SIGHUP, caught("HUP", SIGHUP));
  const ex = createExec(procs, mono, guard);
  const http = createHttp(tmpDir, ex.run, mono, guard);
  const helpers = findHelpers();

  // ---- identity
  let arch = firstLine(readText("/proc/sys/kernel/arch"));
  if (arch === "") arch = firstLine(runSync([which("uname") ?? "/bin/uname", "-m"]));
  let hostname = firstLine(readText("/proc/sys/kernel/hostname"));
  if (hostname === "") hostname = firstLine(runSync([which("uname") ?? "/bin/uname", "-n"]));

  const tools = discoverTools();
  const curl = tools["curl"];
  const uf = tools["uclient-fetch"];
  let httpGet: Host["httpGet"];
  if (curl !== undefined) httpGet = (url, o, cb) => http.curlGet(curl.path, url, o, cb);
  else if (uf !== undefined) httpGet = (url, o, cb) => http.uclientGet(uf.path, url, o, cb);

  const exit = (code: number): never => {
    procs.killAll();
    std.out.flush();
    std.err.flush();
    return std.exit(code);
  };


  const fs = createFs();
  const host: Host = {
    info: {
      runtime: "quickjs",
      // qjs cannot report its version; os.now arrived with 2023-12-09
      runtimeVersion: hasOsNow() ? "2023-12-09 or newer" : "2021-03-27 or older",
      platform: os.platform,
      arch: arch !== "" ? arch : "unknown",
      hostname,
      probeId: opts.probeId ?? (hostname !== "" ? hostname : "miniprobe"),
    },
    tools,
    now: () => Date.now(),
    mono,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    log,
    setLogLevel(level): void {
      minLevel = LEVELS[level] ?? minLevel;
    },
    write(text: string): void {
      std.out.puts(text);
      std.out.flush();
    },
    readStdin(cb: Callback<string>, maxBytes?: number): void {
      readStdin((e, v) => guard("readStdin callback", () => cb(e, v)), maxBytes);
    },
    which: (name: string) => which(name),
    exec: ex.exec,
    spawn: ex.spawn,
    httpGet,
    fs: {
      read: (path, cb, maxBytes) => fs.read(path, (e, v) => guard("fs callback", () => cb(e, v)), maxBytes),
      readRange: (path, offset, maxBytes, cb) => fs.readRange!(path, offset, maxBytes, (e, v) => guard("fs callback", () => cb(e, v))),
      write: fs.write,
      append: fs.append,
      rename: fs.rename,
      list: fs.list,
      remove: fs.remove,
      stat: fs.stat,
      mkdir: fs.mkdir,
    },
    onSignal(handler: (signal: string) => void): void {
      onSig = handler;
    },
    memory() {
      const rss = rssKb();
      return rss !== undefined ? { rssKb: rss } : {};
    },
    exit(code: number): void {
      exit(code);
    },
  };
  if (helpers.tcp !== undefined) {
    host.info.connect = helpers.tcp;
    host.connect = createConnect(helpers, procs, guard);
  }
  if (helpers.tls !== undefined) host.info.tls = helpers.tls;
  if (httpGet === undefined) delete host.httpGet;
  return host;
}
