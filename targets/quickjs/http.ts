/// <reference path="./qjs.d.ts" />
// Host.httpGet of the QuickJS host: qjs has no sockets, so HTTP runs curl (or OpenWrt's
// uclient-fetch) as a child process.
//
// What reaches curl is fixed by the host, whatever the URL holds: `--globoff` (no [1-9] or
// {a,b} expansion: one URL, one request), `--proto =http,https` and `--proto-redir
// =http,https` (no file://, no other scheme even through a redirect), and the URL after
// `--` (never read as an option). The scheme is checked (case-insensitively) before curl
// runs; bytes outside printable ASCII are percent-encoded (UTF-8), CR/LF refused.
//
// Bodies that are kept go to a temporary file and are read once at the end; bodies that are
// only counted (keepBody:false) go to /dev/null and curl's -w counters report size and
// times: no body byte enters JS. maxBytes: --max-filesize refuses an announced length
// (curl >= 8.4 also stops an unannounced one); a kept body is also watched while it grows.
// curl before 8.4 downloads an unannounced body that is only counted to its end (it is not
// held anywhere) and the result is then ETOOBIG.
//
// One vocabulary with the other hosts: a broken answer (conflicting Content-Length, bad chunk
// sizes, an HTTP/0.9 or non-HTTP reply, a header block over 64 KiB, a body cut short) is
// EPROTO; too many redirects EHTTP; see curlError.
import * as std from "std";
import * as os from "os";
import type { Callback, Handle, HostError, HttpOptions, HttpResult } from "../../core/host";
import type { RawResult } from "./exec";
import { utf8Encode } from "./bytes";

/** The header block of the final answer every host accepts; larger is EPROTO. */
export const MAX_HEADER_BYTES = 64 * 1024;

type Run = (argv: string[], o: { timeoutMs: number; maxBytes: number }, done: (err: HostError | undefined, r: RawResult | undefined) => void) => Handle;

const NOOP: Handle = { cancel: () => undefined };

/**
 * The URL as it is handed to curl: scheme lower-cased, bytes outside printable ASCII
 * percent-encoded; or the error (EUNSUPPORTED scheme, EINVAL otherwise).
 */
export function prepareUrl(url: string): string | HostError {
  if (typeof url !== "string") return { code: "EINVAL", message: "URL is not a string" };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (m === null) return { code: "EINVAL", message: `not a URL: ${JSON.stringify(url.slice(0, 100))}` };
  const scheme = m[1].toLowerCase();
  if (scheme !== "http" && scheme !== "https") return { code: "EUNSUPPORTED", message: `unsupported URL scheme ${scheme}: (http and https only)` };
  const rest = url.slice(m[0].length);
  if (rest.slice(0, 2) !== "//" || /^\/\/[/?#]|^\/\/$/.test(rest)) return { code: "EINVAL", message: `URL without a host: ${url.slice(0, 100)}` };
  if (/[\r\n\0]/.test(rest)) return { code: "EINVAL", message: "line break or NUL in URL" };
  let out = "";
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      out += rest.charAt(i);
      continue;
    }
    // one code point (a surrogate pair counts as one) as UTF-8 %XX
    const len = c >= 0xd800 && c < 0xdc00 && i + 1 < rest.length ? 2 : 1;
    for (const b of utf8Encode(rest.substr(i, len))) out += `%${b < 16 ? "0" : ""}${b.toString(16).toUpperCase()}`;
    i += len - 1;
  }
  return `${scheme}:${out}`;
}

/** curl exit code (and its message) to the host vocabulary. */
export function curlError(exit: number, msg: string): string {
  const has = (s: string): boolean => msg.indexOf(s) >= 0;
  switch (exit) {
    case 1: // with the scheme checked first, only "Received HTTP/0.9 when not allowed"
    case 8: // weird server reply: bad status line, conflicting Content-Length, ...
    case 18: // partial file: the body ended before its Content-Length
    case 52: // empty reply
    case 61: // bad content encoding
    case 100: // too large (header block, curl >= 8.6)
    case 35: case 58: case 59: case 60: case 64: case 66: case 77: case 80: case 82: case 83: case 90: case 91:
      return "EPROTO";
    case 3: return "EINVAL";
    case 5: case 6: return "ENOTFOUND";
    case 7:
      if (has("No route to host")) return "EHOSTUNREACH";
      if (has("Network is unreachable")) return "ENETUNREACH";
      if (has("timed out")) return "ETIMEDOUT";
      return "ECONNREFUSED";
    case 28: return "ETIMEDOUT";
    case 47: return "EHTTP";
    case 55: return "ECONNRESET";
    case 56:
      if (has("chunk") || has("hexadecimal") || has("header") || has("HTTP")) return "EPROTO";
      return "ECONNRESET";
    case 63: return "ETOOBIG";
    case 23: case 26: return "EIO";
    default: return "EIO";
  }
}

/** The final answer's headers, its block size, and why it is malformed ("" when it is not). */
function parseHeaders(text: string): { hs: { [name: string]: string }; blockBytes: number; bad: string } {
  const lines = text.split("\n");
  let start = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i].indexOf("HTTP/") === 0) start = i;
  const hs: { [name: string]: string } = {};
  let blockBytes = 0;
  let bad = "";
  if (start < 0) return { hs, blockBytes, bad };
  for (let i = start; i < lines.length; i++) {
    let line = lines[i];
    blockBytes += line.length + 1;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line === "") break;
    if (i === start) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // curl < 8 takes the last of two different Content-Length values; the other hosts refuse
    if (name === "content-length" && (!/^[0-9]+$/.test(value) || (hs[name] !== undefined && hs[name] !== value))) {
      bad = `conflicting or malformed Content-Length (${JSON.stringify(value)})`;
    }
    hs[name] = value;
  }
  return { hs, blockBytes, bad };
}

const badHeaders = (o: HttpOptions): HostError | undefined => {
  const hs = o.headers ?? {};
  for (const k of Object.keys(hs)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) return { code: "EINVAL", message: `bad header name ${JSON.stringify(k)}` };
    if (/[\r\n\0]/.test(String(hs[k]))) return { code: "EINVAL", message: `line break in header ${k}` };
  }
  return undefined;
};

export function createHttp(tmpDir: string, run: Run, mono: () => number, guard: (what: string, fn: () => void) => void) {
  let tmpSeq = 0;
  const tmpName = (): string => `${tmpDir}/miniprobe-http-${Date.now()}-${Math.floor(Math.random() * 1e9)}-${tmpSeq++}`;
  const secs = (ms: number): string => (Math.max(1, ms) / 1000).toFixed(3);
  const MARK = "@@miniprobe ";
  const WRITE_OUT = `\n${MARK}%{http_code} %{num_redirects} %{size_download} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{url_effective}\n`;

  function curlGet(curl: string, url: string, o: HttpOptions, cb: Callback<HttpResult>): Handle {
    const answer = (err: HostError | undefined, r: HttpResult | undefined): void => guard("httpGet callback", () => cb(err, r));
    const prepared = prepareUrl(url);
    const bad = typeof prepared === "string" ? badHeaders(o) : prepared;
    if (bad !== undefined || typeof prepared !== "string") {
      answer(bad, undefined);
      return NOOP;
    }
    const keep = o.keepBody !== false;
    const base = tmpName();
    const hfile = `${base}.h`;
    const bfile = keep ? `${base}.b` : "/dev/null";
    const maxBytes = Math.max(0, Math.floor(o.maxBytes));
    const argv = [curl, "-sS", "--globoff", "--proto", "=http,https", "--proto-redir", "=http,https",
      "-L", "--max-redirs", String(Math.max(0, Math.floor(o.maxRedirects))),
      "--max-time", secs(o.timeoutMs), "--max-filesize", String(maxBytes),
      "-D", hfile, "-o", bfile, "-w", WRITE_OUT];
    const hs = o.headers ?? {};
    for (const k of Object.keys(hs)) argv.push("-H", `${k}: ${hs[k]}`);
    if (o.range !== undefined) argv.push("-r", `${Math.floor(o.range[0])}-${o.range[1] === undefined ? "" : Math.floor(o.range[1])}`);
    argv.push("--", prepared);

    let tooBig = false;
    let sizeTimer: os.Timer | undefined;
    const cleanup = (): void => {
      if (sizeTimer !== undefined) os.clearTimeout(sizeTimer);
      sizeTimer = undefined;
      os.remove(hfile);
      if (keep) os.remove(bfile);
    };
    const fail = (code: string, message: string): void => {
      cleanup();
      answer({ code, message }, undefined);
    };
    const handle = run(argv, { timeoutMs: o.timeoutMs + 2000, maxBytes: 65536 }, (err, r) => {
      if (tooBig) return fail("ETOOBIG", `${url}: body exceeds ${maxBytes} bytes`);
      if (err !== undefined || r === undefined) {
        cleanup();
        return answer(err ?? { code: "EIO", message: "curl failed" }, undefined);
      }
      const at = r.stdout.lastIndexOf(MARK);
      const f = at >= 0 ? r.stdout.slice(at + MARK.length).trim().split(" ") : [];
      const bytes = f.length >= 8 ? Number(f[2]) : 0;
      if (tooBig || (r.code === 0 && bytes > maxBytes)) return fail("ETOOBIG", `${url}: body exceeds ${maxBytes} bytes`);
      if (r.timedOut) return fail("ETIMEDOUT", `no complete answer from ${url} within ${o.timeoutMs} ms`);
      if (r.code !== 0) {
        const msg = r.stderr.trim() !== "" ? r.stderr.trim() : `curl exited with ${r.code}`;
        return fail(curlError(r.code, msg), `${url}: ${msg}`);
      }
      if (f.length < 8) return fail("EIO", `${url}: curl printed no transfer summary`);
      const head = parseHeaders(std.loadFile(hfile) ?? "");
      if (head.bad !== "") return fail("EPROTO", `${url}: ${head.bad}`);
      if (head.blockBytes > MAX_HEADER_BYTES) return fail("EPROTO", `${url}: header block of ${head.blockBytes} bytes (limit ${MAX_HEADER_BYTES})`);
      const status = Number(f[0]);
      const redirects = Number(f[1]);
      const sec = (s: string): number => Number(s) * 1000;
      const total = sec(f[6]);
      const end = r.outEnd;
      const start = end - total;
      const result: HttpResult = { status, headers: head.hs, url: f.slice(7).join(" "), redirects, bytes, t: { start, end } };
      // curl adds up connect/first-byte times over redirect hops, so they are points in
      // time only for a single request; after a redirect they are left out.
      if (redirects === 0) {
        const connect = sec(prepared.indexOf("https:") === 0 ? f[4] : f[3]);
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
      answer(undefined, result);
    });
    if (keep) {
      // --max-filesize cannot stop a body of unannounced length (curl < 8.4): watch the file grow
      const watch = (): void => {
        sizeTimer = undefined;
        const [st, e] = os.stat(bfile);
        if (e === 0 && st.size > maxBytes) {
          tooBig = true;
          handle.cancel();
          // cancel ends in ECANCELED: the ETOOBIG answer is given here instead
          return;
        }
        sizeTimer = os.setTimeout(watch, 50);
      };
      sizeTimer = os.setTimeout(watch, 50);
    }
    return handle;
  }

  // uclient-fetch (OpenWrt's default fetcher): no status, header, redirect count or timing
  // output and no request headers. Success means a 2xx answer, reported as status 200; a
  // failure is EHTTP (or ETIMEDOUT). Timings are start/end of the process only. It has no
  // URL globbing; it gets the URL after `--` and the same scheme check and encoding.
  function uclientGet(uf: string, url: string, o: HttpOptions, cb: Callback<HttpResult>): Handle {
    const answer = (err: HostError | undefined, r: HttpResult | undefined): void => guard("httpGet callback", () => cb(err, r));
    const prepared = prepareUrl(url);
    if (typeof prepared !== "string") {
      answer(prepared, undefined);
      return NOOP;
    }
    if (o.range !== undefined || Object.keys(o.headers ?? {}).length > 0) {
      answer({ code: "EUNSUPPORTED", message: "uclient-fetch cannot send request headers or ranges" }, undefined);
      return NOOP;
    }
    const keep = o.keepBody !== false;
    const bfile = keep ? `${tmpName()}.b` : "/dev/null";
    const start = mono();
    const argv = [uf, "-q", "-T", String(Math.max(1, Math.ceil(o.timeoutMs / 1000))), "-O", bfile, "--", prepared];
    let sizeTimer: os.Timer | undefined;
    let tooBig = false;
    const handle = run(argv, { timeoutMs: o.timeoutMs, maxBytes: 65536 }, (err, r) => {
      if (sizeTimer !== undefined) os.clearTimeout(sizeTimer);
      const end = mono();
      const [st, se] = keep ? os.stat(bfile) : [undefined, -1];
      const size = se === 0 && st !== undefined ? st.size : 0;
      const body = keep && size <= o.maxBytes ? std.loadFile(bfile) : null;
      if (keep) os.remove(bfile);
      let e: HostError | undefined = err;
      if (tooBig) e = { code: "ETOOBIG", message: `${url}: body exceeds ${o.maxBytes} bytes` };
      else if (e === undefined && r !== undefined) {
        if (r.timedOut) e = { code: "ETIMEDOUT", message: `no complete answer from ${url} within ${o.timeoutMs} ms` };
        else if (r.code !== 0) {
          const msg = r.stderr.trim();
          e = { code: msg.indexOf("Connection refused") >= 0 ? "ECONNREFUSED" : "EHTTP", message: `${url}: ${msg}` };
        } else if (size > o.maxBytes) e = { code: "ETOOBIG", message: `${url}: body exceeds ${o.maxBytes} bytes` };
      }
      if (e !== undefined || r === undefined) return answer(e ?? { code: "EIO", message: "uclient-fetch failed" }, undefined);
      const result: HttpResult = { status: 200, headers: {}, url, redirects: 0, bytes: size, t: { start, end } };
      if (keep) result.body = body ?? "";
      answer(undefined, result);
    });
    if (keep) {
      const watch = (): void => {
        const [st, e] = os.stat(bfile);
        if (e === 0 && st.size > o.maxBytes) {
          tooBig = true;
          handle.cancel();
          return;
        }
        sizeTimer = os.setTimeout(watch, 50);
      };
      sizeTimer = os.setTimeout(watch, 50);
    }
    return handle;
  }

  return { curlGet, uclientGet };
}
