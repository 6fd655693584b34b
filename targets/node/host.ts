// The Node.js Host: everything core may touch, on node:* modules. Errors are values passed
// to callbacks; nothing here throws into core. Every function is a plain closure.
//
// Conventions shared with the QuickJS host:
// - process output, HTTP bodies and files are UTF-8 text; socket streams are byte strings
//   (latin1: one char per byte) so binary protocols (MQTT) pass through unchanged.
// - exec merges opts.env over the probe's own environment; stdin is /dev/null.
// - httpGet follows at most maxRedirects redirects; one more is an error (EREDIRECT).
//   Each request uses a fresh connection (no keep-alive), so `connect` is always seen.
// - fs.mkdir creates missing parents and succeeds if the directory exists;
//   fs.list returns names sorted, without "." and "..".
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import * as tls from "node:tls";
import type {
  Callback,
  ExecOptions,
  ExecResult,
  FileStat,
  Host,
  HostError,
  HttpOptions,
  HttpResult,
  Stream,
} from "../../core/host";
import { discoverTools } from "./tools";

export interface NodeHostOptions {
  probeId?: string;
  /** Messages below this level are not logged (default "info"). */
  logLevel?: "debug" | "info" | "warn" | "error";
}

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 };
const REDIRECTS = [301, 302, 303, 307, 308];

/** A Node error (or anything thrown) as a HostError value. */
export function toHostError(e: unknown, fallback = "EIO"): HostError {
  const err = e as { code?: unknown; message?: unknown };
  let code = typeof err?.code === "string" ? err.code : fallback;
  if (code === "ERR_FS_EISDIR") code = "EISDIR";
  if (code.startsWith("ERR_TLS") || code.includes("CERT") || code.startsWith("ERR_SSL")) code = "ETLS";
  if (code === "EAI_AGAIN" || code === "EAI_NONAME") code = "ENOTFOUND";
  if (code.startsWith("ERR_")) code = fallback;
  const message = typeof err?.message === "string" ? err.message : String(e);
  return { code, message };
}

function once<T>(cb: Callback<T>): Callback<T> {
  let done = false;
  return (err, value) => {
    if (done) return;
    done = true;
    cb(err, value);
  };
}

/** Collects a stream's bytes up to `max`, counting what it dropped. */
function capped(max: number) {
  const parts: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  return {
    add(chunk: Buffer): Buffer {
      const room = max - kept;
      if (chunk.length > room) {
        truncated = true;
        chunk = chunk.subarray(0, Math.max(0, room));
      }
      if (chunk.length > 0) {
        parts.push(chunk);
        kept += chunk.length;
      }
      return chunk;
    },
    text: () => Buffer.concat(parts).toString("utf8"),
    truncated: () => truncated,
  };
}

export function createHost(opts: NodeHostOptions = {}): Host {
  const mono = (): number => performance.now();
  const minLevel = LEVELS[opts.logLevel ?? "info"];
  const timers = new Map<number, NodeJS.Timeout>();
  let nextTimer = 1;

  function exec(argv: string[], o: ExecOptions, done: Callback<ExecResult>): void {
    const cb = once(done);
    if (argv.length === 0 || typeof argv[0] !== "string" || argv[0] === "") {
      cb({ code: "EINVAL", message: "exec: empty argv" }, undefined);
      return;
    }
    const started = mono();
    const out = capped(o.maxBytes);
    const errOut = capped(o.maxBytes);
    let timedOut = false;
    let pending = ""; // partial stdout line (bounded by maxBytes, since only kept bytes feed it)
    let child: ChildProcess;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: o.cwd,
        env: o.env ? { ...process.env, ...o.env } : process.env,
        stdio: ["ignore", "pipe", "pipe"],
        shell: false,
      });
    } catch (e) {
      cb(toHostError(e, "EEXEC"), undefined);
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, Math.max(0, o.timeoutMs));
    const lines = (text: string, final: boolean) => {
      if (!o.onLine) return;
      pending += text;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        o.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
        nl = pending.indexOf("\n");
      }
      if (final && pending !== "") {
        const line = pending;
        pending = "";
        o.onLine(line);
      }
    };
    const decoder = new StringDecoder("utf8");
    child.stdout!.on("data", (chunk: Buffer) => {
      const kept = out.add(chunk);
      if (kept.length > 0) lines(decoder.write(kept), false);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      errOut.add(chunk);
    });
    child.on("error", (e: Error) => {
      clearTimeout(timer);
      const he = toHostError(e, "EEXEC");
      if (he.code !== "ENOENT" && he.code !== "EACCES") he.code = "EEXEC";
      cb(he, undefined);
    });
    child.on("close", (code: number | null) => {
      clearTimeout(timer);
      lines(decoder.end(), true);
      cb(undefined, {
        code: timedOut || code === null ? -1 : code,
        stdout: out.text(),
        stderr: errOut.text(),
        ms: mono() - started,
        timedOut,
        truncated: out.truncated() || errOut.truncated(),
      });
    });
  }

  function httpGet(url: string, o: HttpOptions, done: Callback<HttpResult>): void {
    const cb = once(done);
    const t = { start: mono(), connect: undefined as number | undefined, firstByte: undefined as number | undefined };
    let redirects = 0;
    let current: http.ClientRequest | undefined;
    const deadline = setTimeout(() => {
      if (current) current.destroy();
      cb({ code: "ETIMEDOUT", message: `no complete answer from ${url} within ${o.timeoutMs} ms` }, undefined);
    }, Math.max(0, o.timeoutMs));
    const fail = (e: HostError) => {
      clearTimeout(deadline);
      cb(e, undefined);
    };
    const headers: { [name: string]: string } = {};
    for (const k of Object.keys(o.headers ?? {})) headers[k] = o.headers![k];
    if (o.range) headers["Range"] = `bytes=${o.range[0]}-${o.range[1] === undefined ? "" : o.range[1]}`;

    const request = (target: string) => {
      let u: URL;
      try {
        u = new URL(target);
      } catch (e) {
        fail({ code: "EINVAL", message: `bad URL: ${target}` });
        return;
      }
      const secure = u.protocol === "https:";
      if (!secure && u.protocol !== "http:") {
        fail({ code: "EUNSUPPORTED", message: `unsupported URL scheme ${u.protocol}` });
        return;
      }
      t.connect = undefined;
      t.firstByte = undefined;
      let req: http.ClientRequest;
      try {
        req = (secure ? https : http).request(u, { method: "GET", headers, agent: false });
      } catch (e) {
        fail(toHostError(e, "EINVAL"));
        return;
      }
      current = req;
      req.on("socket", (sock: net.Socket) => {
        sock.once(secure ? "secureConnect" : "connect", () => {
          t.connect = mono();
        });
      });
      req.on("error", (e: Error) => fail(toHostError(e)));
      req.on("response", (res: http.IncomingMessage) => {
        t.firstByte = mono();
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.includes(status) && location !== undefined) {
          if (redirects >= o.maxRedirects) {
            res.resume();
            req.destroy();
            fail({ code: "EREDIRECT", message: `${target}: more than ${o.maxRedirects} redirects` });
            return;
          }
          let next: string;
          try {
            next = new URL(location, u).toString();
          } catch (e) {
            fail({ code: "EHTTP", message: `bad redirect Location: ${location}` });
            return;
          }
          redirects++;
          res.resume();
          req.destroy();
          request(next);
          return;
        }
        const keep = o.keepBody !== false;
        const parts: Buffer[] = [];
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > o.maxBytes) {
            req.destroy();
            fail({ code: "ETOOBIG", message: `${target}: body exceeds ${o.maxBytes} bytes` });
            return;
          }
          if (keep) parts.push(chunk);
        });
        res.on("error", (e: Error) => fail(toHostError(e)));
        res.on("aborted", () => fail({ code: "ECONNRESET", message: `${target}: response aborted` }));
        res.on("end", () => {
          const end = mono();
          clearTimeout(deadline);
          const hs: { [name: string]: string } = {};
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) hs[res.rawHeaders[i].toLowerCase()] = res.rawHeaders[i + 1];
          const result: HttpResult = {
            status,
            headers: hs,
            url: u.toString(),
            redirects,
            bytes,
            t: { start: t.start, end },
          };
          if (t.connect !== undefined) result.t.connect = t.connect;
          if (t.firstByte !== undefined) result.t.firstByte = t.firstByte;
          if (keep) result.body = Buffer.concat(parts).toString("utf8");
          cb(undefined, result);
        });
      });
      req.end();
    };
    request(url);
  }

  function connect(
    hostname: string,
    port: number,
    o: { tls?: boolean; timeoutMs: number },
    done: Callback<Stream>,
  ): void {
    const cb = once(done);
    let sock: net.Socket;
    try {
      sock = o.tls
        ? tls.connect({ host: hostname, port, servername: net.isIP(hostname) ? undefined : hostname })
        : net.connect({ host: hostname, port });
    } catch (e) {
      cb(toHostError(e, "EINVAL"), undefined);
      return;
    }
    let connected = false;
    const timer = setTimeout(() => {
      sock.destroy();
      cb({ code: "ETIMEDOUT", message: `connect ${hostname}:${port} timed out after ${o.timeoutMs} ms` }, undefined);
    }, Math.max(0, o.timeoutMs));
    let dataHandler: ((data: string) => void) | undefined;
    let closeHandler: ((err: HostError | undefined) => void) | undefined;
    const early: string[] = [];
    let closed = false;
    let closeErr: HostError | undefined;
    let lastErr: HostError | undefined;
    sock.on("data", (chunk: Buffer) => {
      const s = chunk.toString("latin1");
      if (dataHandler) dataHandler(s);
      else early.push(s);
    });
    sock.on("error", (e: Error) => {
      lastErr = toHostError(e);
      if (!connected) {
        clearTimeout(timer);
        cb(lastErr, undefined);
      }
    });
    sock.on("close", () => {
      if (!connected) return;
      closed = true;
      closeErr = lastErr;
      if (closeHandler) closeHandler(closeErr);
    });
    const stream: Stream = {
      write(data: string, wcb: Callback<true>) {
        if (closed || sock.destroyed) {
          wcb({ code: "EPIPE", message: "stream is closed" }, undefined);
          return;
        }
        sock.write(Buffer.from(data, "latin1"), (e?: Error | null) => {
          if (e) wcb(toHostError(e, "EPIPE"), undefined);
          else wcb(undefined, true);
        });
      },
      onData(handler: (data: string) => void) {
        dataHandler = handler;
        while (early.length > 0) handler(early.shift()!);
      },
      onClose(handler: (err: HostError | undefined) => void) {
        closeHandler = handler;
        if (closed) handler(closeErr);
      },
      close() {
        sock.end();
        sock.destroySoon();
      },
    };
    sock.once(o.tls ? "secureConnect" : "connect", () => {
      connected = true;
      clearTimeout(timer);
      cb(undefined, stream);
    });
  }

  const fsHost = {
    read(path: string, cb: Callback<string>) {
      fs.readFile(path, "utf8", (e, data) => (e ? cb(toHostError(e), undefined) : cb(undefined, data)));
    },
    write(path: string, data: string, cb: Callback<true>) {
      fs.writeFile(path, data, "utf8", (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
    append(path: string, data: string, cb: Callback<true>) {
      fs.appendFile(path, data, "utf8", (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
    rename(from: string, to: string, cb: Callback<true>) {
      fs.rename(from, to, (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
    list(dir: string, cb: Callback<string[]>) {
      fs.readdir(dir, (e, names) => (e ? cb(toHostError(e), undefined) : cb(undefined, names.sort())));
    },
    remove(path: string, cb: Callback<true>) {
      fs.unlink(path, (e) => {
        if (!e) return cb(undefined, true);
        if (e.code !== "EISDIR" && e.code !== "EPERM") return cb(toHostError(e), undefined);
        fs.rmdir(path, (e2) => (e2 ? cb(toHostError(e2), undefined) : cb(undefined, true)));
      });
    },
    stat(path: string, cb: Callback<FileStat>) {
      fs.stat(path, (e, st) =>
        e ? cb(toHostError(e), undefined) : cb(undefined, { size: st.size, isDir: st.isDirectory(), mtime: Math.floor(st.mtimeMs) }),
      );
    },
    mkdir(path: string, cb: Callback<true>) {
      fs.mkdir(path, { recursive: true }, (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
  };

  const hostname = os.hostname();
  const host: Host = {
    info: {
      runtime: "node",
      runtimeVersion: process.version,
      platform: process.platform,
      arch: os.machine(),
      hostname,
      probeId: opts.probeId ?? hostname,
    },
    tools: discoverTools(),
    now: () => Date.now(),
    mono,
    setTimer(ms: number, cb: () => void): number {
      const id = nextTimer++;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          cb();
        }, Math.max(0, ms)),
      );
      return id;
    },
    clearTimer(id: number): void {
      const t = timers.get(id);
      if (t !== undefined) {
        clearTimeout(t);
        timers.delete(id);
      }
    },
    log(level, msg) {
      if ((LEVELS[level] ?? 3) < minLevel) return;
      process.stderr.write(`${new Date().toISOString()} ${level} ${msg}\n`);
    },
    write(text: string) {
      process.stdout.write(text);
    },
    readStdin(done: Callback<string>) {
      const cb = once(done);
      const parts: Buffer[] = [];
      process.stdin.on("data", (c: Buffer) => parts.push(c));
      process.stdin.on("end", () => cb(undefined, Buffer.concat(parts).toString("utf8")));
      process.stdin.on("error", (e: Error) => cb(toHostError(e), undefined));
    },
    exec,
    httpGet,
    connect,
    fs: fsHost,
    exit(code: number) {
      // Let buffered stdout (a pipe is asynchronous in Node) drain before leaving.
      process.stdout.write("", () => process.exit(code));
    },
  };
  return host;
}
