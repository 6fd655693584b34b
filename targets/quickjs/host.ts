/// <reference path="./qjs.d.ts" />
// The QuickJS Host (qjs 2021-03-27 as packaged by OpenWrt): processes through os.exec with
// pipes read from the qjs event loop, timers on os.setTimeout, files through std/os, HTTP
// by running curl (qjs has no sockets). No TCP streams: `connect` is absent.
//
// Conventions shared with the Node host: process output, HTTP bodies and files are UTF-8
// text; exec merges opts.env over the probe's environment and gives the child /dev/null as
// stdin; httpGet follows at most maxRedirects redirects, one more is an error (EREDIRECT);
// fs.mkdir creates parents and accepts an existing directory; fs.list is sorted.
//
// Clocks. qjs 2021-03-27 has neither os.now nor performance.now (os.now exists from
// 2023-12-09 and is used when present). mono() is then Date.now() (1 ms resolution) made
// non-decreasing, and corrected against /proc/uptime whenever the wall clock moved
// backwards or by more than 1 s between two calls, so NTP steps (routers boot without an
// RTC) do not show up as elapsed time; steps smaller than ~0.5 s are not detected.
import * as std from "std";
import * as os from "os";
import type {
  Callback,
  ExecOptions,
  ExecResult,
  FileStat,
  Host,
  HostError,
  HttpOptions,
  HttpResult,
  ToolInfo,
  ToolSet,
} from "../../core/host";

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
const SIGKILL = 9; // not exported by qjs 2021-03-27; 9 on every Linux architecture

// ------------------------------------------------------------------ small helpers

function errnoError(errno: number, what: string): HostError {
  const e = Math.abs(errno);
  const text = std.strerror(e);
  let code = "EIO";
  // std.Error's properties are not enumerable
  for (const name of Object.getOwnPropertyNames(std.Error)) if (std.Error[name] === e) code = name;
  if (code === "EIO" && e !== std.Error.EIO) {
    if (text === "Not a directory") code = "ENOTDIR";
    else if (text === "Is a directory") code = "EISDIR";
    else if (text === "Directory not empty") code = "ENOTEMPTY";
  }
  return { code, message: `${what}: ${text}` };
}

/** UTF-8 bytes to a string; malformed sequences become U+FFFD (as Node's decoder does). */
export function utf8Decode(b: Uint8Array): string {
  // Fast path through qjs's native code (escape + decodeURIComponent decode UTF-8); it
  // throws on malformed input, which then takes the byte-by-byte path below.
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 8192) {
    parts.push(String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]));
  }
  const bin = parts.join("");
  try {
    return decodeURIComponent(escape(bin));
  } catch (e) {
    return utf8DecodeSlow(b);
  }
}

function utf8DecodeSlow(b: Uint8Array): string {
  const units: number[] = [];
  const parts: string[] = [];
  const flush = () => {
    parts.push(String.fromCharCode.apply(null, units));
    units.length = 0;
  };
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let cp = 0xfffd;
    let len = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && i + 1 < b.length && (b[i + 1] & 0xc0) === 0x80) {
      cp = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
      len = 2;
    } else if (c >= 0xe0 && c < 0xf0 && i + 2 < b.length && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      len = 3;
      if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) {
        cp = 0xfffd;
        len = 1;
      }
    } else if (c >= 0xf0 && c < 0xf5 && i + 3 < b.length && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80 && (b[i + 3] & 0xc0) === 0x80) {
      cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      len = 4;
      if (cp < 0x10000 || cp > 0x10ffff) {
        cp = 0xfffd;
        len = 1;
      }
    }
    if (len === 1 && c >= 0xc2 && c <= 0xf4) {
      // a sequence cut short: the lead byte and its continuation bytes make one U+FFFD
      const need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
      let j = 1;
      while (j <= need && i + j < b.length && (b[i + j] & 0xc0) === 0x80) j++;
      if (j <= need) len = j;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    i += len;
    if (units.length >= 8192) flush();
  }
  flush();
  return parts.join("");
}

function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}

function isFile(path: string): boolean {
  const [st, err] = os.stat(path);
  return err === 0 && (st.mode & os.S_IFMT) === os.S_IFREG;
}

function isDir(path: string): boolean {
  const [st, err] = os.stat(path);
  return err === 0 && (st.mode & os.S_IFMT) === os.S_IFDIR;
}

/** Absolute path of `name` (searched on PATH unless it contains "/"), or undefined. */
export function which(name: string, pathEnv?: string): string | undefined {
  if (name.indexOf("/") >= 0) return isFile(name) ? name : undefined;
  const path = pathEnv ?? std.getenv("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    const p = `${dir}/${name}`;
    if (isFile(p)) return p;
  }
  return undefined;
}

/** Runs argv to completion, blocking, and returns stdout+stderr (for short probes only). */
function runSync(argv: string[]): string {
  const p = os.pipe();
  if (p === null) return "";
  const devnull = os.open("/dev/null", os.O_RDONLY);
  let pid = -1;
  try {
    pid = os.exec(argv, { block: false, usePath: false, file: argv[0], stdin: devnull, stdout: p[1], stderr: p[1] });
  } catch (e) {
    pid = -1;
  }
  os.close(p[1]);
  os.close(devnull);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new ArrayBuffer(4096);
  for (;;) {
    const n = pid > 0 ? os.read(p[0], buf, 0, buf.byteLength) : 0;
    if (n <= 0 || total > 65536) break;
    chunks.push(new Uint8Array(buf.slice(0, n)));
    total += n;
  }
  os.close(p[0]);
  if (pid > 0) os.waitpid(pid, 0);
  return utf8Decode(concatBytes(chunks, total));
}

function lineWith(text: string, needle: string): string {
  for (const line of text.split("\n")) if (line.indexOf(needle) >= 0) return line.trim();
  return "";
}

const TOOL_NAMES = ["ping", "ping6", "traceroute", "traceroute6", "scamper", "tstat", "busybox", "curl", "uclient-fetch"];

/** Which tools the device has and whose output they print; see targets/node/tools.ts. */
export function discoverTools(pathEnv?: string): ToolSet {
  const tools: ToolSet = {};
  for (const name of TOOL_NAMES) {
    const path = which(name, pathEnv);
    if (path === undefined) continue;
    const [real, rerr] = os.realpath(path);
    const base = basename(rerr === 0 ? real : path);
    let info: ToolInfo;
    if (base === "busybox" || base.indexOf("busybox.") === 0) info = { path, flavour: "busybox" };
    else if (base === "toybox") info = { path, flavour: "toybox" };
    else if (name === "ping" || name === "ping6") {
      const line = lineWith(runSync([path, "-V"]), "iputils");
      const words = line.split(" ");
      info = line !== "" ? { path, flavour: "iputils", version: words[words.length - 1] } : { path, flavour: "unknown" };
    } else if (name === "traceroute" || name === "traceroute6") {
      const text = runSync([path, "-V"]);
      const modern = lineWith(text, "Modern traceroute");
      const i = modern.indexOf("version ");
      if (modern !== "") info = i >= 0 ? { path, flavour: "traceroute", version: modern.slice(i + 8) } : { path, flavour: "traceroute" };
      else if (lineWith(text, "inetutils") !== "") info = { path, flavour: "inetutils" };
      else info = { path, flavour: "unknown" };
    } else if (name === "curl") {
      const words = lineWith(runSync([path, "--version"]), "curl ").split(" ");
      info = words.length > 1 ? { path, flavour: "curl", version: words[1] } : { path, flavour: "curl" };
    } else info = { path, flavour: name };
    tools[name] = info;
  }
  return tools;
}

// ------------------------------------------------------------------ the host

interface Proc {
  kill(): void;
}

interface ProcResult extends ExecResult {
  /** mono() when stdout reached end of file (curl's -w text is its last output). */
  outEnd: number;
}

export function createHost(opts: QuickJsHostOptions = {}): Host {
  const minLevel = LEVELS[opts.logLevel ?? "info"];
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

  // ---- clocks
  const osNow = (os as unknown as { now?: () => number }).now;
  const readUptime = (): number | undefined => {
    const s = std.loadFile("/proc/uptime");
    if (s === null) return undefined;
    const v = parseFloat(s);
    return v === v ? v * 1000 : undefined;
  };
  let offset = -Date.now();
  let lastWall = Date.now();
  let lastMono = 0;
  let anchorMono = 0;
  let anchorUp = readUptime();
  const dateMono = (): number => {
    const w = Date.now();
    const dw = w - lastWall;
    lastWall = w;
    if ((dw < 0 || dw > 1000) && anchorUp !== undefined) {
      const up = readUptime();
      if (up !== undefined) {
        const expected = anchorMono + (up - anchorUp);
        const got = w + offset;
        if (Math.abs(got - expected) > 500) offset += expected - got;
        anchorMono = w + offset;
        anchorUp = up;
      }
    }
    const m = w + offset;
    if (m > lastMono) lastMono = m;
    return lastMono;
  };
  const mono: () => number = typeof osNow === "function" ? () => osNow() : dateMono;

  // ---- timers: one os timer armed for the earliest deadline; ties fire in creation order
  interface Entry {
    id: number;
    due: number;
    cb: () => void;
    cancelled: boolean;
  }
  const queue: Entry[] = [];
  const live = new Map<number, Entry>();
  let armed: os.Timer | undefined;
  let nextId = 1;
  let firing = false;
  const arm = (): void => {
    if (firing) return;
    if (armed !== undefined) os.clearTimeout(armed);
    armed = undefined;
    if (queue.length === 0) return;
    armed = os.setTimeout(fire, Math.max(0, Math.ceil(queue[0].due - mono())));
  };
  const fire = (): void => {
    armed = undefined;
    firing = true;
    const now = mono();
    const due: Entry[] = [];
    while (queue.length > 0 && queue[0].due <= now) due.push(queue.shift()!);
    for (const e of due) {
      if (e.cancelled) continue; // cleared by an earlier callback of this round
      live.delete(e.id);
      guard("timer", e.cb);
    }
    firing = false;
    arm();
  };
  const setTimer = (ms: number, cb: () => void): number => {
    const delay = ms === ms && ms > 0 ? ms : 0;
    const e: Entry = { id: nextId++, due: mono() + delay, cb, cancelled: false };
    live.set(e.id, e);
    let i = queue.length;
    while (i > 0 && queue[i - 1].due > e.due) i--;
    queue.splice(i, 0, e);
    if (i === 0) arm();
    return e.id;
  };
  const clearTimer = (id: number): void => {
    const e = live.get(id);
    if (e === undefined) return;
    live.delete(id);
    e.cancelled = true;
    const i = queue.indexOf(e);
    if (i >= 0) {
      queue.splice(i, 1);
      if (i === 0) arm();
    }
  };

  // ---- processes
  function spawnProc(argv: string[], o: ExecOptions, done: (err: HostError | undefined, r: ProcResult | undefined) => void): Proc | undefined {
    if (argv.length === 0 || typeof argv[0] !== "string" || argv[0] === "") {
      done({ code: "EINVAL", message: "exec: empty argv" }, undefined);
      return undefined;
    }
    const file = which(argv[0]);
    if (file === undefined) {
      done({ code: "ENOENT", message: `exec ${argv[0]}: not found` }, undefined);
      return undefined;
    }
    if (o.cwd !== undefined && !isDir(o.cwd)) {
      done({ code: "ENOENT", message: `exec ${argv[0]}: no directory ${o.cwd}` }, undefined);
      return undefined;
    }
    let env: { [name: string]: string } | undefined;
    if (o.env !== undefined) {
      env = std.getenviron();
      for (const k of Object.keys(o.env)) env[k] = o.env[k];
    }
    const outPipe = os.pipe();
    const errPipe = os.pipe();
    const devnull = os.open("/dev/null", os.O_RDONLY);
    if (outPipe === null || errPipe === null || devnull < 0) {
      for (const p of [outPipe, errPipe]) if (p !== null) (os.close(p[0]), os.close(p[1]));
      if (devnull >= 0) os.close(devnull);
      done({ code: "EEXEC", message: "exec: cannot create pipes" }, undefined);
      return undefined;
    }
    const started = mono();
    let pid: number;
    try {
      pid = os.exec(argv, {
        block: false,
        usePath: false,
        file,
        cwd: o.cwd,
        env,
        stdin: devnull,
        stdout: outPipe[1],
        stderr: errPipe[1],
      });
    } catch (e) {
      pid = -1;
    }
    os.close(outPipe[1]);
    os.close(errPipe[1]);
    os.close(devnull);
    if (pid <= 0) {
      os.close(outPipe[0]);
      os.close(errPipe[0]);
      done({ code: "EEXEC", message: `exec ${argv[0]}: fork failed` }, undefined);
      return undefined;
    }

    let finished = false;
    let exited = false;
    let status = 0;
    let timedOut = false;
    let truncated = false;
    let outEnd = -1;
    let ended = started;
    let killTimer: os.Timer | undefined;
    let pollTimer: os.Timer | undefined;
    let graceTimer: os.Timer | undefined;
    const buf = new ArrayBuffer(16384);

    interface Sink {
      fd: number;
      open: boolean;
      chunks: Uint8Array[];
      total: number;
      line: Uint8Array[]; // bytes of the current partial stdout line
    }
    const out: Sink = { fd: outPipe[0], open: true, chunks: [], total: 0, line: [] };
    const err: Sink = { fd: errPipe[0], open: true, chunks: [], total: 0, line: [] };

    const emitLine = (parts: Uint8Array[]): void => {
      let n = 0;
      for (const p of parts) n += p.length;
      let text = utf8Decode(concatBytes(parts, n));
      if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      const onLine = o.onLine!;
      guard("exec onLine", () => onLine(text));
    };
    const feedLines = (bytes: Uint8Array): void => {
      let from = 0;
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, from)) {
        out.line.push(bytes.subarray(from, i));
        emitLine(out.line);
        out.line = [];
        from = i + 1;
      }
      if (from < bytes.length) out.line.push(bytes.subarray(from));
    };
    const closeSink = (s: Sink): void => {
      if (!s.open) return;
      s.open = false;
      os.setReadHandler(s.fd, null);
      os.close(s.fd);
      if (s === out) outEnd = mono();
    };
    const onReadable = (s: Sink): void => {
      const n = os.read(s.fd, buf, 0, buf.byteLength);
      if (n <= 0) {
        closeSink(s);
        if (!out.open && !err.open) poll(); // the child has most likely exited
        maybeFinish();
        return;
      }
      const room = o.maxBytes - s.total;
      let take = n;
      if (take > room) {
        take = room > 0 ? room : 0;
        truncated = true;
      }
      if (take > 0) {
        const bytes = new Uint8Array(buf.slice(0, take));
        s.chunks.push(bytes);
        s.total += take;
        if (s === out && o.onLine !== undefined) feedLines(bytes);
      }
    };
    os.setReadHandler(out.fd, () => onReadable(out));
    os.setReadHandler(err.fd, () => onReadable(err));

    let pollDelay = 1;
    function poll(): void {
      if (pollTimer !== undefined) os.clearTimeout(pollTimer);
      pollTimer = undefined;
      if (exited) return;
      const [ret, st] = os.waitpid(pid, os.WNOHANG);
      if (ret === pid || ret < 0) {
        exited = true;
        status = ret === pid ? st : -1;
        ended = mono();
        maybeFinish();
        return;
      }
      // quick polls right after the pipes closed, slow ones while the child still writes
      pollDelay = !out.open && !err.open ? Math.min(pollDelay * 2, 20) : 50;
      pollTimer = os.setTimeout(poll, pollDelay);
    }
    function maybeFinish(): void {
      if (finished || !exited) return;
      if (out.open || err.open) {
        // a grandchild may hold the pipes open: wait briefly, then stop listening
        if (graceTimer === undefined) {
          graceTimer = os.setTimeout(() => {
            closeSink(out);
            closeSink(err);
            maybeFinish();
          }, 100);
        }
        return;
      }
      finished = true;
      if (graceTimer !== undefined) os.clearTimeout(graceTimer);
      if (killTimer !== undefined) os.clearTimeout(killTimer);
      if (o.onLine !== undefined && out.line.length > 0) {
        const rest = out.line;
        out.line = [];
        let n = 0;
        for (const p of rest) n += p.length;
        if (n > 0) emitLine(rest);
      }
      const signalled = (status & 0x7f) !== 0;
      done(undefined, {
        code: timedOut || signalled || status < 0 ? -1 : (status >> 8) & 0xff,
        stdout: utf8Decode(concatBytes(out.chunks, out.total)),
        stderr: utf8Decode(concatBytes(err.chunks, err.total)),
        ms: ended - started,
        timedOut,
        truncated,
        outEnd: outEnd >= 0 ? outEnd : ended,
      });
    }
    const kill = (): void => {
      if (exited) return;
      os.kill(pid, SIGKILL);
      poll();
    };
    killTimer = os.setTimeout(() => {
      if (exited) return;
      timedOut = true;
      kill();
    }, Math.max(0, o.timeoutMs));
    pollTimer = os.setTimeout(poll, 50);
    return { kill };
  }

  function exec(argv: string[], o: ExecOptions, cb: Callback<ExecResult>): void {
    spawnProc(argv, o, (err, r) => {
      if (r === undefined) {
        guard("exec callback", () => cb(err, undefined));
        return;
      }
      const res: ExecResult = { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: r.ms, timedOut: r.timedOut, truncated: r.truncated };
      guard("exec callback", () => cb(undefined, res));
    });
  }

  // ---- HTTP through curl (or uclient-fetch)
  let tmpSeq = 0;
  const tmpName = (): string => `${tmpDir}/miniprobe-http-${Date.now()}-${Math.floor(Math.random() * 1e9)}-${tmpSeq++}`;
  const curlCodes: { [exit: number]: string } = {
    1: "EUNSUPPORTED", 3: "EINVAL", 5: "ENOTFOUND", 6: "ENOTFOUND", 7: "ECONNREFUSED", 8: "EHTTP", 18: "EHTTP",
    23: "EIO", 26: "EIO", 28: "ETIMEDOUT", 35: "ETLS", 47: "EREDIRECT", 52: "EHTTP", 55: "ECONNRESET",
    56: "ECONNRESET", 60: "ETLS", 63: "ETOOBIG", 77: "ETLS", 90: "ETLS", 91: "ETLS",
  };
  const secs = (ms: number): string => (Math.max(1, ms) / 1000).toFixed(3);
  const MARK = "@@miniprobe ";
  const WRITE_OUT = `\n${MARK}%{http_code} %{num_redirects} %{size_download} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{url_effective}\n`;

  const parseHeaders = (text: string): { [name: string]: string } => {
    const lines = text.split("\n");
    let start = -1;
    for (let i = 0; i < lines.length; i++) if (lines[i].indexOf("HTTP/") === 0) start = i;
    const hs: { [name: string]: string } = {};
    if (start < 0) return hs;
    for (let i = start + 1; i < lines.length; i++) {
      let line = lines[i];
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line === "") break;
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      hs[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return hs;
  };

  const badRequest = (url: string, o: HttpOptions): HostError | undefined => {
    if (url.indexOf("http://") !== 0 && url.indexOf("https://") !== 0) {
      return { code: "EUNSUPPORTED", message: `unsupported URL (http and https only): ${url}` };
    }
    for (const c of [url, ...Object.keys(o.headers ?? {}), ...Object.values(o.headers ?? {})]) {
      if (c.indexOf("\n") >= 0 || c.indexOf("\r") >= 0) return { code: "EINVAL", message: "line break in URL or header" };
    }
    return undefined;
  };

  function curlGet(curl: string, url: string, o: HttpOptions, cb: Callback<HttpResult>): void {
    const bad = badRequest(url, o);
    if (bad !== undefined) return guard("httpGet callback", () => cb(bad, undefined));
    const keep = o.keepBody !== false;
    const base = tmpName();
    const hfile = `${base}.h`;
    const bfile = keep ? `${base}.b` : "/dev/null";
    const argv = [curl, "-sS", "--proto", "=http,https", "--proto-redir", "=http,https",
      "-L", "--max-redirs", String(Math.max(0, Math.floor(o.maxRedirects))),
      "--max-time", secs(o.timeoutMs), "--max-filesize", String(Math.max(0, Math.floor(o.maxBytes))),
      "-D", hfile, "-o", bfile, "-w", WRITE_OUT];
    const hs = o.headers ?? {};
    for (const k of Object.keys(hs)) argv.push("-H", `${k}: ${hs[k]}`);
    if (o.range !== undefined) argv.push("-r", `${o.range[0]}-${o.range[1] === undefined ? "" : o.range[1]}`);
    argv.push("--url", url);

    let tooBig = false;
    let sizeTimer: os.Timer | undefined;
    const cleanup = (): void => {
      if (sizeTimer !== undefined) os.clearTimeout(sizeTimer);
      os.remove(hfile);
      if (keep) os.remove(bfile);
    };
    const proc = spawnProc(argv, { timeoutMs: o.timeoutMs + 2000, maxBytes: 65536 }, (err, r) => {
      if (err !== undefined || r === undefined) {
        cleanup();
        guard("httpGet callback", () => cb(err ?? { code: "EIO", message: "curl failed" }, undefined));
        return;
      }
      const fail = (code: string, message: string): void => {
        cleanup();
        guard("httpGet callback", () => cb({ code, message }, undefined));
      };
      const at = r.stdout.lastIndexOf(MARK);
      const f = at >= 0 ? r.stdout.slice(at + MARK.length).trim().split(" ") : [];
      const bytes = f.length >= 8 ? Number(f[2]) : 0;
      if (tooBig || (r.code === 0 && bytes > o.maxBytes)) return fail("ETOOBIG", `${url}: body exceeds ${o.maxBytes} bytes`);
      if (r.timedOut) return fail("ETIMEDOUT", `no complete answer from ${url} within ${o.timeoutMs} ms`);
      if (r.code !== 0) {
        const msg = r.stderr.trim() !== "" ? r.stderr.trim() : `curl exited with ${r.code}`;
        let code = curlCodes[r.code] ?? "EIO";
        if (r.code === 7 && msg.indexOf("No route to host") >= 0) code = "EHOSTUNREACH";
        if (r.code === 7 && msg.indexOf("Network is unreachable") >= 0) code = "ENETUNREACH";
        if (r.code === 7 && msg.indexOf("timed out") >= 0) code = "ETIMEDOUT";
        return fail(code, `${url}: ${msg}`);
      }
      if (f.length < 8) return fail("EIO", `${url}: curl printed no transfer summary`);
      const status = Number(f[0]);
      const redirects = Number(f[1]);
      const sec = (s: string): number => Number(s) * 1000;
      const total = sec(f[6]);
      const end = r.outEnd;
      const start = end - total;
      const result: HttpResult = {
        status,
        headers: parseHeaders(std.loadFile(hfile) ?? ""),
        url: f.slice(7).join(" "),
        redirects,
        bytes,
        t: { start, end },
      };
      // curl adds up connect/first-byte times over redirect hops, so they are points in
      // time only for a single request; after a redirect they are left out.
      if (redirects === 0) {
        const secure = url.indexOf("https://") === 0;
        const connect = sec(secure ? f[4] : f[3]);
        const first = sec(f[5]);
        if (connect > 0 && connect <= total) result.t.connect = start + connect;
        if (first > 0 && first <= total && first >= (connect > 0 ? connect : 0)) result.t.firstByte = start + first;
      }
      if (keep) {
        const body = std.loadFile(bfile);
        if (body === null && bytes > 0) return fail("EIO", `${url}: cannot read curl's body file`);
        result.body = body ?? "";
      }
      cleanup();
      guard("httpGet callback", () => cb(undefined, result));
    });
    if (proc !== undefined && keep) {
      // --max-filesize cannot stop a body of unannounced length: watch the file grow
      const watch = (): void => {
        sizeTimer = undefined;
        const [st, e] = os.stat(bfile);
        if (e === 0 && st.size > o.maxBytes) {
          tooBig = true;
          proc.kill();
          return;
        }
        sizeTimer = os.setTimeout(watch, 100);
      };
      sizeTimer = os.setTimeout(watch, 100);
    }
  }

  // uclient-fetch (OpenWrt's default fetcher): no status, header, redirect count or timing
  // output and no request headers. Success means a 2xx answer, reported as status 200; a
  // failure is EHTTP (or ETIMEDOUT). Timings are start/end of the process only.
  function uclientGet(uf: string, url: string, o: HttpOptions, cb: Callback<HttpResult>): void {
    const bad = badRequest(url, o);
    if (bad !== undefined) return guard("httpGet callback", () => cb(bad, undefined));
    if (o.range !== undefined || Object.keys(o.headers ?? {}).length > 0) {
      return guard("httpGet callback", () =>
        cb({ code: "EUNSUPPORTED", message: "uclient-fetch cannot send request headers or ranges" }, undefined));
    }
    const bfile = `${tmpName()}.b`;
    const start = mono();
    const argv = [uf, "-q", "-T", String(Math.max(1, Math.ceil(o.timeoutMs / 1000))), "-O", bfile, url];
    spawnProc(argv, { timeoutMs: o.timeoutMs, maxBytes: 65536 }, (err, r) => {
      const end = mono();
      const [st, se] = os.stat(bfile);
      const size = se === 0 ? st.size : 0;
      const body = o.keepBody !== false && size <= o.maxBytes ? std.loadFile(bfile) : null;
      os.remove(bfile);
      let e: HostError | undefined = err;
      if (e === undefined && r !== undefined) {
        if (r.timedOut) e = { code: "ETIMEDOUT", message: `no complete answer from ${url} within ${o.timeoutMs} ms` };
        else if (r.code !== 0) {
          const msg = r.stderr.trim();
          e = { code: msg.indexOf("Connection refused") >= 0 ? "ECONNREFUSED" : "EHTTP", message: `${url}: ${msg}` };
        } else if (size > o.maxBytes) e = { code: "ETOOBIG", message: `${url}: body exceeds ${o.maxBytes} bytes` };
      }
      if (e !== undefined || r === undefined) {
        const fe = e ?? { code: "EIO", message: "uclient-fetch failed" };
        return guard("httpGet callback", () => cb(fe, undefined));
      }
      const result: HttpResult = { status: 200, headers: {}, url, redirects: 0, bytes: size, t: { start, end } };
      if (o.keepBody !== false) result.body = body ?? "";
      guard("httpGet callback", () => cb(undefined, result));
    });
  }

  // ---- files
  const fsHost = {
    read(path: string, cb: Callback<string>): void {
      const eo: std.ErrorObj = {};
      const f = std.open(path, "r", eo);
      if (f === null) return cb(errnoError(eo.errno ?? std.Error.EIO, `read ${path}`), undefined);
      const text = f.readAsString();
      const bad = f.error();
      f.close();
      if (bad) return cb(isDir(path) ? { code: "EISDIR", message: `read ${path}: is a directory` } : { code: "EIO", message: `read ${path} failed` }, undefined);
      cb(undefined, text);
    },
    write(path: string, data: string, cb: Callback<true>): void {
      writeFile(path, data, "w", cb);
    },
    append(path: string, data: string, cb: Callback<true>): void {
      writeFile(path, data, "a", cb);
    },
    rename(from: string, to: string, cb: Callback<true>): void {
      const rc = os.rename(from, to);
      if (rc < 0) cb(errnoError(rc, `rename ${from} -> ${to}`), undefined);
      else cb(undefined, true);
    },
    list(dir: string, cb: Callback<string[]>): void {
      const [names, e] = os.readdir(dir);
      if (e !== 0) return cb(errnoError(e, `list ${dir}`), undefined);
      cb(undefined, names.filter((n) => n !== "." && n !== "..").sort());
    },
    remove(path: string, cb: Callback<true>): void {
      const rc = os.remove(path);
      if (rc < 0) cb(errnoError(rc, `remove ${path}`), undefined);
      else cb(undefined, true);
    },
    stat(path: string, cb: Callback<FileStat>): void {
      const [st, e] = os.stat(path);
      if (e !== 0) return cb(errnoError(e, `stat ${path}`), undefined);
      cb(undefined, { size: st.size, isDir: (st.mode & os.S_IFMT) === os.S_IFDIR, mtime: st.mtime });
    },
    mkdir(path: string, cb: Callback<true>): void {
      const parts = path.split("/");
      let cur = "";
      for (let i = 0; i < parts.length; i++) {
        cur = i === 0 ? parts[0] : `${cur}/${parts[i]}`;
        if (cur === "" || parts[i] === "" || parts[i] === ".") continue;
        if (isDir(cur)) continue;
        const rc = os.mkdir(cur, 0o777);
        if (rc < 0 && !isDir(cur)) return cb(errnoError(rc, `mkdir ${cur}`), undefined);
      }
      cb(undefined, true);
    },
  };
  function writeFile(path: string, data: string, mode: string, cb: Callback<true>): void {
    const eo: std.ErrorObj = {};
    const f = std.open(path, mode, eo);
    if (f === null) return cb(errnoError(eo.errno ?? std.Error.EIO, `write ${path}`), undefined);
    f.puts(data);
    f.flush();
    const bad = f.error();
    const rc = f.close();
    if (rc < 0) return cb(errnoError(rc, `write ${path}`), undefined);
    if (bad) return cb({ code: "EIO", message: `write ${path} failed` }, undefined);
    cb(undefined, true);
  }

  // ---- identity
  const firstLine = (s: string | null): string => (s === null ? "" : s.split("\n")[0].trim());
  let arch = firstLine(std.loadFile("/proc/sys/kernel/arch"));
  if (arch === "") arch = firstLine(runSync([which("uname") ?? "/bin/uname", "-m"]));
  let hostname = firstLine(std.loadFile("/proc/sys/kernel/hostname"));
  if (hostname === "") hostname = firstLine(runSync([which("uname") ?? "/bin/uname", "-n"]));

  const tools = discoverTools();
  const curl = tools["curl"];
  const uf = tools["uclient-fetch"];
  let httpGet: Host["httpGet"];
  if (curl !== undefined) httpGet = (url, o, cb) => curlGet(curl.path, url, o, cb);
  else if (uf !== undefined) httpGet = (url, o, cb) => uclientGet(uf.path, url, o, cb);

  const host: Host = {
    info: {
      runtime: "quickjs",
      // qjs cannot report its version; os.now arrived with 2023-12-09
      runtimeVersion: typeof osNow === "function" ? "2023-12-09 or newer" : "2021-03-27 or older",
      platform: os.platform,
      arch: arch !== "" ? arch : "unknown",
      hostname,
      probeId: opts.probeId ?? (hostname !== "" ? hostname : "miniprobe"),
    },
    tools,
    now: () => Date.now(),
    mono,
    setTimer,
    clearTimer,
    log,
    write(text: string): void {
      std.out.puts(text);
      std.out.flush();
    },
    readStdin(cb: Callback<string>): void {
      const text = std.in.readAsString();
      cb(std.in.error() ? { code: "EIO", message: "cannot read stdin" } : undefined, std.in.error() ? undefined : text);
    },
    exec,
    httpGet,
    fs: fsHost,
    exit(code: number): void {
      std.out.flush();
      std.err.flush();
      std.exit(code);
    },
  };
  if (httpGet === undefined) delete host.httpGet;
  return host;
}
