// Local servers the host conformance suite (tests/hosts/host-suite.ts) talks to: an HTTP
// server and a TCP echo server, both on port 0, on 127.0.0.1 and (when the machine has it)
// ::1. Every host's ava test starts these, hands the addresses to its runtime, and stops
// them afterwards.
//
// HTTP paths:
//   /hello             200 text/plain "hello world\n" (Content-Length)
//   /bytes?n=N         200, N bytes of "x" (Content-Length, written in 16 KB pieces)
//   /range             100 bytes, byte i = "a".."z"[i mod 26]; honours "Range: bytes=a-b" / "a-" with 206
//   /redirect?n=K      302 chain of K hops ending at /hello; hop K>=3 uses an absolute URL,
//                      K=2 a relative path ("redirect?n=1"), K=1 an absolute path ("/hello")
//   /slow?ms=M         waits M ms (default 2000) then 200 "slow\n"
//   /chunked           200 Transfer-Encoding: chunked, "chunk1-" "chunk2-" "end\n" in 3 writes
//   /status?code=C     status C with body "not here\n"
//   /echo-header       200, body = value of the request header X-Mp-Test
//   /bytes?n=N&chunked=1  as /bytes, but chunked (no Content-Length)
//   /trickle?id=I      Content-Length 50 MB, 2 KB every 10 ms; the server records bytes written
//                      and whether the client closed; /trickle-status?id=I answers
//                      "closed=yes bytes=N" or "closed=no bytes=N"
//   /glob/I/...        any path: counted per id I, decoded path remembered; /glob-count?id=I
//                      answers "count=N path=P" (P percent-decoded)
//   /rawurl/...        200, body = the request target exactly as it arrived (bytes as latin1)
//   /raw/NAME          a hand-written, broken answer written straight to the socket:
//                      cl-conflict (two different Content-Length), bad-chunk (chunk size "zz"),
//                      big-header (~72 KiB header block), header-kb?n=K (K 1 KiB header lines,
//                      well-formed), ssh ("SSH-2.0-x\r\n", then closes)
// Echo: echoes every byte; after it has received "bye\n" it echoes and ends the connection.
import http from "node:http";
import net from "node:net";
import { AddressInfo } from "node:net";

export interface TestServers {
  /** "http://127.0.0.1:PORT" */
  httpBase: string;
  /** "http://[::1]:PORT" when IPv6 loopback works, else undefined */
  httpBase6?: string;
  httpPort: number;
  echoPort: number;
  /** true when the echo server also answers on ::1 */
  echo6: boolean;
  close(): Promise<void>;
}

function rangeBody(): Buffer {
  const b = Buffer.alloc(100);
  for (let i = 0; i < 100; i++) b[i] = 97 + (i % 26);
  return b;
}

interface Trickle {
  bytes: number;
  closed: boolean;
}

/** Per-server state of the endpoints that count what clients did. */
interface State {
  trickles: Map<string, Trickle>;
  globs: Map<string, { count: number; path: string }>;
}

function text(res: http.ServerResponse, body: string, status = 200): void {
  const b = Buffer.from(body, "latin1");
  res.writeHead(status, { "Content-Type": "text/plain", "Content-Length": String(b.length) });
  res.end(b);
}

function headerLines(count: number): string {
  let h = "";
  for (let i = 0; i < count; i++) h += `X-Pad-${i}: ${"p".repeat(1010)}\r\n`;
  return h;
}

/** Answers nobody should accept, written past Node's response writer. */
function raw(req: http.IncomingMessage, name: string, u: URL): void {
  const sock = req.socket;
  let out: string;
  if (name === "cl-conflict") out = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 12\r\n\r\nhello world\n";
  else if (name === "bad-chunk") out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
  else if (name === "big-header") out = "HTTP/1.1 200 OK\r\n" + headerLines(72) + "Content-Length: 2\r\n\r\nok";
  else if (name === "header-kb") {
    const k = Math.max(0, Math.min(200, Number(u.searchParams.get("n") ?? "1") | 0));
    out = "HTTP/1.1 200 OK\r\n" + headerLines(k) + "Content-Length: 2\r\nConnection: close\r\n\r\nok";
  } else if (name === "ssh") {
    sock.write("SSH-2.0-x\r\n");
    setTimeout(() => sock.destroy(), 200);
    return;
  } else out = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  sock.end(Buffer.from(out, "latin1"));
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, base: () => string, st: State): void {
  const u = new URL(req.url ?? "/", "http://x");
  const p = u.pathname;
  if (p.startsWith("/raw/")) {
    raw(req, p.substring(5), u);
  } else if (p.startsWith("/rawurl/")) {
    text(res, req.url ?? "");
  } else if (p.startsWith("/glob/")) {
    const rest = p.substring(6);
    const id = rest.substring(0, Math.max(0, rest.indexOf("/")));
    const g = st.globs.get(id) ?? { count: 0, path: "" };
    g.count++;
    try {
      g.path = decodeURIComponent(p);
    } catch {
      g.path = p;
    }
    st.globs.set(id, g);
    text(res, "glob\n");
  } else if (p === "/glob-count") {
    const g = st.globs.get(u.searchParams.get("id") ?? "");
    text(res, g ? `count=${g.count} path=${g.path}` : "count=0 path=");
  } else if (p === "/trickle") {
    const id = u.searchParams.get("id") ?? "";
    const tr: Trickle = { bytes: 0, closed: false };
    st.trickles.set(id, tr);
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(50_000_000) });
    const piece = Buffer.alloc(2048, "t");
    const iv = setInterval(() => {
      if (tr.bytes + piece.length > 50_000_000) {
        clearInterval(iv);
        return;
      }
      res.write(piece);
      tr.bytes += piece.length;
    }, 10);
    res.on("close", () => {
      clearInterval(iv);
      tr.closed = true;
    });
  } else if (p === "/trickle-status") {
    const tr = st.trickles.get(u.searchParams.get("id") ?? "");
    text(res, tr ? `closed=${tr.closed ? "yes" : "no"} bytes=${tr.bytes}` : "closed=unknown bytes=0");
  } else if (p === "/hello") {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "12" });
    res.end("hello world\n");
  } else if (p === "/bytes") {
    const n = Math.max(0, Math.min(50_000_000, Number(u.searchParams.get("n") ?? "0") | 0));
    if (u.searchParams.get("chunked") === "1") res.writeHead(200, { "Content-Type": "application/octet-stream" });
    else res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(n) });
    const piece = Buffer.alloc(16384, "x");
    let left = n;
    const pump = (): void => {
      while (left > 0) {
        const k = Math.min(left, piece.length);
        left -= k;
        if (!res.write(k === piece.length ? piece : piece.subarray(0, k))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  } else if (p === "/range") {
    const body = rangeBody();
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (!m) {
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": "100", "Accept-Ranges": "bytes" });
      res.end(body);
      return;
    }
    const first = Number(m[1]);
    const last = m[2] === "" ? 99 : Math.min(99, Number(m[2]));
    if (first > last || first > 99) {
      res.writeHead(416, { "Content-Range": "bytes */100", "Content-Length": "0" });
      res.end();
      return;
    }
    res.writeHead(206, {
      "Content-Type": "application/octet-stream",
      "Content-Range": `bytes ${first}-${last}/100`,
      "Content-Length": String(last - first + 1),
    });
    res.end(body.subarray(first, last + 1));
  } else if (p === "/redirect") {
    const k = Number(u.searchParams.get("n") ?? "1") | 0;
    let loc: string;
    if (k <= 1) loc = "/hello";
    else if (k === 2) loc = "redirect?n=1";
    else loc = `${base()}/redirect?n=${k - 1}`;
    res.writeHead(302, { Location: loc, "Content-Length": "0" });
    res.end();
  } else if (p === "/slow") {
    const ms = Number(u.searchParams.get("ms") ?? "2000") | 0;
    const t = setTimeout(() => {
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "5" });
      res.end("slow\n");
    }, ms);
    res.on("close", () => clearTimeout(t));
  } else if (p === "/chunked") {
    res.writeHead(200, { "Content-Type": "text/plain" }); // no length: Node uses chunked
    res.write("chunk1-");
    setTimeout(() => {
      res.write("chunk2-");
      setTimeout(() => res.end("end\n"), 20);
    }, 20);
  } else if (p === "/status") {
    const c = Number(u.searchParams.get("code") ?? "404") | 0;
    res.writeHead(c >= 100 && c <= 599 ? c : 500, { "Content-Type": "text/plain", "Content-Length": "9" });
    res.end("not here\n");
  } else if (p === "/echo-header") {
    const v = req.headers["x-mp-test"];
    const s = Buffer.from(typeof v === "string" ? v : "");
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": String(s.length) });
    res.end(s);
  } else {
    res.writeHead(404, { "Content-Length": "0" });
    res.end();
  }
}

function listen(server: net.Server, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onErr = (): void => resolve(false);
    server.once("error", onErr);
    server.listen({ port: 0, host, ipv6Only: false }, () => {
      server.off("error", onErr);
      resolve(true);
    });
  });
}

/** Probe whether ::1 is usable (containers often have IPv6 disabled). */
function ipv6Loopback(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "::1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function startServers(): Promise<TestServers> {
  let httpPort = 0;
  const state: State = { trickles: new Map(), globs: new Map() };
  // insecureHTTPParser: request targets with raw non-ASCII bytes must reach /rawurl, so the
  // test can see what a host put on the wire instead of a 400 from the server.
  const httpServer = http.createServer({ insecureHTTPParser: true, maxHeaderSize: 65536 }, (req, res) =>
    handle(req, res, () => `http://127.0.0.1:${httpPort}`, state),
  );
  httpServer.keepAliveTimeout = 1000;
  // "::" with ipv6Only false takes both families; fall back to IPv4 only
  if (!(await listen(httpServer, "::"))) {
    if (!(await listen(httpServer, "127.0.0.1"))) throw new Error("cannot listen for HTTP");
  }
  httpPort = (httpServer.address() as AddressInfo).port;

  const sockets = new Set<net.Socket>();
  const echoServer = net.createServer((sock) => {
    sockets.add(sock);
    let seen = "";
    sock.on("data", (d) => {
      sock.write(d);
      seen = (seen + d.toString("latin1")).slice(-8);
      if (seen.endsWith("bye\n")) sock.end();
    });
    sock.on("error", () => undefined);
    sock.on("close", () => sockets.delete(sock));
  });
  if (!(await listen(echoServer, "::"))) {
    if (!(await listen(echoServer, "127.0.0.1"))) throw new Error("cannot listen for echo");
  }
  const echoPort = (echoServer.address() as AddressInfo).port;
  const v6 = await ipv6Loopback(httpPort);
  const echo6 = v6 && (await ipv6Loopback(echoPort));

  return {
    httpBase: `http://127.0.0.1:${httpPort}`,
    httpBase6: v6 ? `http://[::1]:${httpPort}` : undefined,
    httpPort,
    echoPort,
    echo6,
    close: async () => {
      for (const s of sockets) s.destroy();
      httpServer.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => httpServer.close(() => r())),
        new Promise<void>((r) => echoServer.close(() => r())),
      ]);
    },
  };
}
