/// <reference path="./qjs.d.ts" />
// Host.connect of the QuickJS host. qjs has no sockets, so a byte stream is a helper
// process the device has, with the connection on the other side of its stdin/stdout pipes:
//   TCP: busybox nc (every OpenWrt image has it), else socat, else another nc
//   TLS: openssl s_client -quiet -brief (certificate and host name verified)
// The helper is chosen once, at host creation, from what is on PATH, and named in
// info.connect / info.tls; without one, connect is absent. See docs/quickjs-host.md for
// the measured cost.
//
// When is the stream connected? busybox nc prints nothing when it connects, so the host
// looks: the helper's socket (from /proc/PID/fd) is in ESTABLISHED state in
// /proc/PID/net/tcp{,6}. openssl with -brief writes "CONNECTION ESTABLISHED" to stderr after
// the handshake. Data from the peer also proves the connection. A helper that exits first
// failed: its stderr text says why.
import * as os from "os";
import type { Callback, ConnectOptions, Handle, HostError, Stream } from "../../core/host";
import { bytesToLatin1, latin1ToBytes } from "./bytes";
import { Child, Procs, waitCode } from "./proc";
import { SIGKILL, basename, readText, runSync, which } from "./sys";

export interface Helpers {
  /** "nc:/usr/bin/busybox", "socat:/usr/bin/socat", "nc:/usr/bin/nc"; undefined: none. */
  tcp?: string;
  tls?: string;
  argv(host: string, port: number, o: ConnectOptions): string[] | HostError;
}

/** Finds the stream helpers on PATH (one `busybox --list` run at most). */
export function findHelpers(): Helpers {
  let tcp: string[] | undefined;
  let tcpName: string | undefined;
  const nc = which("nc");
  const [real, rerr] = nc !== undefined ? os.realpath(nc) : ["", -1];
  const busybox = which("busybox");
  const socat = which("socat");
  if (nc !== undefined && rerr === 0 && basename(real).indexOf("busybox") === 0) {
    tcp = [nc];
    tcpName = `nc:${real}`;
  } else if (busybox !== undefined && runSync([busybox, "--list"]).split("\n").indexOf("nc") >= 0) {
    tcp = [busybox, "nc"];
    tcpName = `nc:${busybox}`;
  } else if (socat !== undefined) {
    tcp = [socat];
    tcpName = `socat:${socat}`;
  } else if (nc !== undefined) {
    tcp = [nc];
    tcpName = `nc:${nc}`;
  }
  const openssl = which("openssl");
  const isIp = (h: string): boolean => h.indexOf(":") >= 0 || /^[0-9.]+$/.test(h);
  return {
    tcp: tcpName,
    tls: openssl !== undefined ? `openssl:${openssl}` : undefined,
    argv(host: string, port: number, o: ConnectOptions): string[] | HostError {
      if (o.tls === true) {
        if (openssl === undefined) return { code: "EUNSUPPORTED", message: "TLS: no openssl on this device" };
        const name = o.servername ?? host;
        const a = [openssl, "s_client", "-quiet", "-brief", "-verify_return_error",
          "-connect", host.indexOf(":") >= 0 ? `[${host}]:${port}` : `${host}:${port}`];
        if (isIp(name)) a.push("-verify_ip", name);
        else a.push("-verify_hostname", name, "-servername", name);
        if (o.caFile !== undefined) a.push("-CAfile", o.caFile);
        if (o.certFile !== undefined) a.push("-cert", o.certFile);
        if (o.keyFile !== undefined) a.push("-key", o.keyFile);
        return a;
      }
      if (tcp === undefined) return { code: "EUNSUPPORTED", message: "TCP: no nc or socat on this device" };
      if (tcpName !== undefined && tcpName.indexOf("socat:") === 0) {
        return [tcp[0], "-b", "65536", "STDIO", `TCP:${host.indexOf(":") >= 0 ? `[${host}]` : host}:${port}`];
      }
      return [...tcp, host, String(port)];
    },
  };
}

/** Inodes of the sockets a process holds. */
function socketInodes(pid: number): string[] {
  const [names, err] = os.readdir(`/proc/${pid}/fd`);
  if (err !== 0) return [];
  const out: string[] = [];
  for (const n of names) {
    const [target, e] = os.readlink(`/proc/${pid}/fd/${n}`);
    if (e === 0 && target.indexOf("socket:[") === 0) out.push(target.slice(8, -1));
  }
  return out;
}

/** "yes" when one of the process's TCP sockets is ESTABLISHED, "no", or "unknown" (no /proc). */
function established(pid: number): "yes" | "no" | "unknown" {
  const inodes = socketInodes(pid);
  if (inodes.length === 0) return os.stat(`/proc/${pid}/fd`)[1] === 0 ? "no" : "unknown";
  for (const table of ["tcp", "tcp6"]) {
    const text = readText(`/proc/${pid}/net/${table}`, 8 << 20);
    if (text === null) continue;
    // a router may list thousands of sockets: find the inode natively, then parse one line
    for (const inode of inodes) {
      for (let at = text.indexOf(` ${inode} `); at >= 0; at = text.indexOf(` ${inode} `, at + 1)) {
        const start = text.lastIndexOf("\n", at) + 1;
        const end = text.indexOf("\n", at);
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
        const f = text.slice(start, end < 0 ? text.length : end).trim().split(/\s+/);
        if (f.length > 9 && f[9] === inode && f[3] === "01") return "yes";
      }
    }
  }
  return "no";
}

function failure(text: string, tls: boolean): HostError {
  const t = text.trim();
  const m = t !== "" ? t.split("\n").slice(-3).join(" | ") : "the connection helper exited";
  const has = (s: string): boolean => t.indexOf(s) >= 0;
  let code = "ECONNRESET";
  if (has("Connection refused") || has("errno=111")) code = "ECONNREFUSED";
  else if (has("No route to host") || has("errno=113")) code = "EHOSTUNREACH";
  else if (has("Network is unreachable") || has("errno=101")) code = "ENETUNREACH";
  else if (has("timed out") || has("errno=110")) code = "ETIMEDOUT";
  else if (has("bad address") || has("resolve") || has("Name or service not known") || has("nodename nor servname")) code = "ENOTFOUND";
  else if (tls && (has("SSL") || has("ssl") || has("verify") || has("certificate"))) code = "EPROTO";
  return { code, message: m };
}

export function createConnect(helpers: Helpers, procs: Procs, guard: (what: string, fn: () => void) => void) {
  return function connect(hostname: string, port: number, o: ConnectOptions, cb: Callback<Stream>): Handle {
    let completed = false;
    const complete = (err: HostError | undefined, s: Stream | undefined): void => {
      if (completed) return;
      completed = true;
      if (checkTimer !== undefined) os.clearTimeout(checkTimer);
      if (deadline !== undefined) os.clearTimeout(deadline);
      guard("connect callback", () => cb(err, s));
    };
    let checkTimer: os.Timer | undefined;
    let deadline: os.Timer | undefined;
    if (typeof hostname !== "string" || hostname === "" || hostname.charAt(0) === "-" || /[\s\0/]/.test(hostname)) {
      complete({ code: "EINVAL", message: `connect: bad host name ${JSON.stringify(hostname)}` }, undefined);
      return { cancel: () => undefined };
    }
    if (!(port === Math.floor(port) && port > 0 && port < 65536)) {
      complete({ code: "EINVAL", message: `connect: bad port ${port}` }, undefined);
      return { cancel: () => undefined };
    }
    const tls = o.tls === true;
    const argv = helpers.argv(hostname, port, o);
    if (!Array.isArray(argv)) {
      complete(argv, undefined);
      return { cancel: () => undefined };
    }

    let up = false; // connected (and, for TLS, handshaken)
    let closedLocally = false;
    let closeNotified = false;
    let errText = "";
    const pending: string[] = [];
    let onData: ((d: string) => void) | undefined;
    let onClose: ((e: HostError | undefined) => void) | undefined;
    let closeReason: { err: HostError | undefined } | undefined;
    const notifyClose = (): void => {
      if (closeNotified || closeReason === undefined || onClose === undefined || closedLocally) return;
      closeNotified = true;
      const h = onClose;
      const e = closeReason.err;
      guard("stream onClose", () => h(e));
    };
    let cancelled = false;
    let timedOut = false;

    const child = procs.start(argv, { stdin: true }, {
      onOut(b) {
        if (closedLocally || cancelled) return;
        if (!up) becomeUp();
        const d = bytesToLatin1(b);
        if (onData !== undefined) {
          const h = onData;
          guard("stream onData", () => h(d));
        } else pending.push(d);
      },
      onErr(b) {
        errText = (errText + bytesToLatin1(b)).slice(-4096);
        if (!up && tls && errText.indexOf("CONNECTION ESTABLISHED") >= 0) becomeUp();
      },
      onExit(status) {
        if (!up) {
          if (cancelled) return complete({ code: "ECANCELED", message: `connect ${hostname}:${port}: cancelled` }, undefined);
          if (timedOut) return complete({ code: "ETIMEDOUT", message: `connect ${hostname}:${port}: no connection within ${o.timeoutMs} ms` }, undefined);
          return complete(failure(errText, tls), undefined);
        }
        const w = waitCode(status);
        closeReason = { err: w.code === 0 ? undefined : failure(errText, tls) };
        notifyClose();
      },
    });
    if (!("pid" in child)) {
      complete(child, undefined);
      return { cancel: () => undefined };
    }
    const c: Child = child;

    const stream: Stream = {
      write(data: string, wcb: Callback<true>): void {
        if (closedLocally) return guard("stream write callback", () => wcb({ code: "EIO", message: "write after close()" }, undefined));
        c.write(latin1ToBytes(data), (e) =>
          wcb(e !== undefined ? { code: "ECONNRESET", message: `${hostname}:${port}: ${e.message}` } : undefined, e === undefined ? true : undefined));
      },
      onData(handler: (data: string) => void): void {
        onData = handler;
        while (pending.length > 0 && onData === handler && !closedLocally) {
          const d = pending.shift()!;
          guard("stream onData", () => handler(d));
        }
      },
      onClose(handler: (err: HostError | undefined) => void): void {
        onClose = handler;
        notifyClose();
      },
      close(): void {
        if (closedLocally) return;
        closedLocally = true;
        pending.length = 0;
        // EOF on the helper's stdin first: it sends what was written (an MQTT DISCONNECT,
        // which tells the broker not to publish the will) and shuts the socket down. Only a
        // helper that lingers is killed.
        c.closeStdin();
        os.setTimeout(() => {
          if (!c.exited()) c.signal(SIGKILL);
        }, 300);
      },
    };
    function becomeUp(): void {
      if (up) return;
      up = true;
      complete(undefined, stream);
    }

    // TCP: look for the established socket, quickly at first
    let delay = 1;
    const check = (): void => {
      checkTimer = undefined;
      if (up || completed || c.exited()) return;
      const st = established(c.pid);
      if (st === "yes" || st === "unknown") return becomeUp();
      delay = Math.min(delay + 2, 20); // about 1.5 ms of /proc reading per check
      checkTimer = os.setTimeout(check, delay);
    };
    if (!tls) checkTimer = os.setTimeout(check, 1);
    deadline = os.setTimeout(() => {
      deadline = undefined;
      if (up || completed) return;
      timedOut = true;
      c.signal(SIGKILL);
    }, Math.max(1, o.timeoutMs));
    return {
      cancel(): void {
        if (completed || cancelled) return;
        cancelled = true;
        c.signal(SIGKILL);
      },
    };
  };
}
