// HTTP GET on node:http/https with the limits every host shares: http/https only (any
// case), a 64 KiB header block, llhttp's strict parser (conflicting Content-Length, bad
// chunk sizes, a non-HTTP answer: EPROTO), bodies cut at maxBytes (ETOOBIG, nothing past
// the limit kept), redirects bounded (EHTTP), a fresh connection per request so `connect`
// is always timed, and a handle that aborts the transfer.
import * as http from "node:http";
import * as https from "node:https";
import type * as net from "node:net";
import type { Callback, Handle, HostError, HttpOptions, HttpResult } from "../../core/host";
import { hostError, once, toHostError } from "./errors";

const REDIRECTS = [301, 302, 303, 307, 308];
/** The header block limit every host enforces (bytes, status line included). */
export const MAX_HEADER_BYTES = 65536;

export function makeHttpGet(mono: () => number) {
  return function httpGet(url: string, o: HttpOptions, done: Callback<HttpResult>): Handle {
    const cb = once(done);
    const t = { start: mono(), connect: undefined as number | undefined, firstByte: undefined as number | undefined };
    let redirects = 0;
    let current: http.ClientRequest | undefined;
    const fail = (e: HostError) => {
      if (cb.done()) return;
      clearTimeout(deadline);
      if (current) current.destroy();
      cb(e, undefined);
    };
    const deadline = setTimeout(() => {
      fail(hostError("ETIMEDOUT", `no complete answer from ${url} within ${o.timeoutMs} ms`));
    }, Math.max(0, o.timeoutMs));
    const headers: { [name: string]: string } = {};
    for (const k of Object.keys(o.headers ?? {})) headers[k] = o.headers![k];
    if (o.range) headers["Range"] = `bytes=${o.range[0]}-${o.range[1] === undefined ? "" : o.range[1]}`;
    const keep = o.keepBody !== false;

    const request = (target: string) => {
      let u: URL;
      try {
        u = new URL(target);
      } catch {
        fail(hostError("EINVAL", `not a URL: ${target}`));
        return;
      }
      // WHATWG URL lower-cases the scheme: HTTP:// is http:
      const secure = u.protocol === "https:";
      if (!secure && u.protocol !== "http:") {
        fail(hostError("EUNSUPPORTED", `unsupported URL scheme ${u.protocol.replace(/:$/, "")} (http and https only)`));
        return;
      }
      if (u.hostname === "") {
        fail(hostError("EINVAL", `no host in URL: ${target}`));
        return;
      }
      t.connect = undefined;
      t.firstByte = undefined;
      let req: http.ClientRequest;
      try {
        req = (secure ? https : http).request(u, { method: "GET", headers, agent: false, maxHeaderSize: MAX_HEADER_BYTES });
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
          res.resume();
          if (redirects >= o.maxRedirects) {
            fail(hostError("EHTTP", `${target}: more than ${o.maxRedirects} redirects`));
            return;
          }
          let next: string;
          try {
            next = new URL(location, u).toString();
          } catch {
            fail(hostError("EHTTP", `bad redirect Location: ${location}`));
            return;
          }
          redirects++;
          req.destroy();
          request(next);
          return;
        }
        const declared = Number(res.headers["content-length"] ?? "-1");
        if (declared > o.maxBytes) {
          fail(hostError("ETOOBIG", `${target}: body of ${declared} bytes exceeds ${o.maxBytes}`));
          return;
        }
        const parts: Buffer[] = [];
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          if (cb.done()) return;
          bytes += chunk.length;
          if (bytes > o.maxBytes) {
            parts.length = 0;
            fail(hostError("ETOOBIG", `${target}: body exceeds ${o.maxBytes} bytes`));
            return;
          }
          if (keep) parts.push(chunk);
        });
        res.on("error", (e: Error) => fail(toHostError(e, "ECONNRESET")));
        res.on("aborted", () => fail(hostError("ECONNRESET", `${target}: connection closed before the body was complete`)));
        res.on("end", () => {
          if (cb.done()) return;
          const end = mono();
          clearTimeout(deadline);
          const hs: { [name: string]: string } = {};
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) hs[res.rawHeaders[i].toLowerCase()] = res.rawHeaders[i + 1];
          const result: HttpResult = { status, headers: hs, url: u.toString(), redirects, bytes, t: { start: t.start, end } };
          if (t.connect !== undefined) result.t.connect = t.connect;
          if (t.firstByte !== undefined) result.t.firstByte = t.firstByte;
          if (keep) result.body = Buffer.concat(parts).toString("utf8");
          cb(undefined, result);
        });
      });
      req.end();
    };
    request(url);
    return {
      cancel() {
        fail(hostError("ECANCELED", `${url}: cancelled`));
      },
    };
  };
}
