// Static HTTP server for the OTT media (tools/testkit/ott-media.ts), with a shared-bottleneck
// rate limit, fault routes, live emulation and a request log. Node http only, 127.0.0.1 port 0
// unless told otherwise.
//
// Routes (every <path> is relative to the media dir, e.g. hls_ts/master.m3u8):
//   /<path>                          the file. Content-Type by name, Content-Length, Accept-Ranges;
//                                    "Range: bytes=a-b | a- | -n" (one range) -> 206 + Content-Range,
//                                    unsatisfiable -> 416 + "Content-Range: bytes */size"; several
//                                    ranges -> 200 with the whole file. HEAD = headers only.
//   /status/<code>/<anything>        answers <code> (200..599) with a short text body.
//   /redirect/<n>/<path>             n >= 2: 302 to /redirect/<n-1>/<path>; n = 1: 302 to /<path>;
//                                    n = 0: serves <path>. Location is an absolute path (relative
//                                    reference, no scheme/host), so exactly n redirects happen and
//                                    the final URL is /<path>: relative URIs in it resolve normally.
//   /missing/<rend>/<k>/<path>       the same tree, but segment k (0-based, presentation order) of
//                                    rendition <rend> is gone:
//                                      hls_ts|hls_fmp4: <rend> = directory ("480k", "audio"); that
//                                        media playlist's k-th URI is rewritten to "missing-<name>"
//                                        (a file that does not exist -> 404);
//                                      dash|dash_timeline: <rend> = Representation id ("1"); the file
//                                        chunk-<rend>-<k+startNumber, 5 digits>.m4s answers 404
//                                        (a template MPD cannot name one segment differently);
//                                      mss: <rend> = QualityLevels bitrate ("480000"); the k-th
//                                        Fragments(...) file of QualityLevels(<rend>) answers 404.
//                                    e.g. /missing/480k/3/hls_ts/master.m3u8 = "HLS master where
//                                    rendition 480k segment 3 is missing"; use missingPath() below.
//   /live/<hls_ts|hls_fmp4>/...      media playlists become a sliding-window live playlist: no
//                                    ENDLIST / PLAYLIST-TYPE, the last `liveWindow` (3) segments
//                                    of the VOD list looped forever; EXT-X-MEDIA-SEQUENCE = number of
//                                    segments gone out of the window, advancing with wall time
//                                    since server start (one segment per EXTINF duration); an
//                                    EXT-X-DISCONTINUITY where the loop wraps, with a matching
//                                    EXT-X-DISCONTINUITY-SEQUENCE. At start the window is full.
//                                    Master playlists and segments are served as in the VOD tree.
//   /live/<dash|dash_timeline>/manifest.mpd  not implemented (404).
//
// Pacing: setRate(bytesPerSec) limits the response BODIES of all connections together through
// one token bucket (burst = 50 ms of rate, min 4 KB), like a bottleneck link: chunks of at most
// `chunkBytes` (default 8 KB) go out on a 5 ms timer, round-robin over the responses that are
// waiting, honouring socket back-pressure. setRate(undefined) = unlimited (a response already
// being paced continues unpaced). Headers are never delayed. Extra latency: setDelay(ms) holds
// every response (before its headers) that long.
//
// Request log: one RequestLog per request, pushed when the response finishes or the connection
// closes: method, url (as requested), status, bytes (body bytes written), startMs/endMs
// (performance.now() - server start), range header, aborted.
import http from "node:http";
import { AddressInfo, Socket } from "node:net";
import { readFileSync, readdirSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, normalize, sep } from "node:path";
import { performance } from "node:perf_hooks";

export interface RequestLog {
  method: string;
  url: string;
  status: number;
  /** body bytes handed to the socket (for an aborted response: up to the abort) */
  bytes: number;
  startMs: number;
  endMs: number;
  range?: string;
  /** the client went away before the body was complete */
  aborted: boolean;
}

export interface OttServerOptions {
  /** media dir (from ottMedia()) */
  root: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (any free port) */
  port?: number;
  /** initial pacing rate, bytes/s; undefined = unlimited */
  rate?: number;
  /** largest paced write, default 8192 */
  chunkBytes?: number;
  /** live window in segments, default 3 */
  liveWindow?: number;
  /** clock for live emulation in ms (default performance.now); tests may pass a fake one */
  clock?: () => number;
  /** keep at most this many log entries (oldest dropped), default 100000 */
  maxLog?: number;
}

export interface OttServer {
  /** "http://127.0.0.1:PORT" */
  base: string;
  port: number;
  requests: RequestLog[];
  setRate(bytesPerSec: number | undefined): void;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/** URL path for "packaging <path> where rendition <rend> segment k is missing". */
export function missingPath(rend: string, k: number, path: string): string {
  return `/missing/${encodeURIComponent(rend)}/${k}/${path.replace(/^\/+/, "")}`;
}

export function contentType(path: string): string {
  const base = path.split("/").pop() ?? "";
  if (base === "Manifest") return "text/xml; charset=utf-8";
  if (/^Fragments\(video=/.test(base)) return "video/mp4";
  if (/^Fragments\(audio=/.test(base)) return "audio/mp4";
  const ext = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1).toLowerCase() : "";
  switch (ext) {
    case "m3u8":
      return "application/vnd.apple.mpegurl";
    case "mpd":
      return "application/dash+xml";
    case "ts":
      return "video/mp2t";
    case "m4s":
      return "video/iso.segment";
    case "mp4":
      return "video/mp4";
    case "txt":
      return "text/plain; charset=utf-8";
    default:
      return "application/octet-stream";
  }
}

/** Parses one "bytes=" range against size: [start, end] inclusive, "none" (no/ignored header) or "bad" (416). */
export function parseRange(h: string | undefined, size: number): [number, number] | "none" | "bad" {
  if (h === undefined) return "none";
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(h);
  if (!m) return "none";
  if (m[1].includes(",")) return "none";
  const r = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(m[1]);
  if (!r || (r[1] === "" && r[2] === "")) return "bad";
  if (r[1] === "") {
    const n = Number(r[2]);
    if (n === 0 || size === 0) return "bad";
    return [Math.max(0, size - n), size - 1];
  }
  const a = Number(r[1]);
  const b = r[2] === "" ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (a >= size || b < a) return "bad";
  return [a, b];
}

// ---------------------------------------------------------------------------------------------
// Token bucket shared by every paced body of one server.

interface Pending {
  log: { bytes: number };
  body: Buffer;
  off: number;
  res: http.ServerResponse;
  waitingDrain: boolean;
  done: (ok: boolean) => void;
}

class Pacer {
  rate: number | undefined;
  private tokens = 0;
  private last = performance.now();
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private rr = 0;
  constructor(
    rate: number | undefined,
    private chunk: number,
  ) {
    this.rate = rate;
  }
  setRate(r: number | undefined): void {
    if (r !== undefined && !(r > 0)) throw new Error(`rate must be > 0 bytes/s, got ${r}`);
    this.rate = r;
    if (r === undefined) {
      for (const p of this.queue.splice(0)) this.flushAll(p);
      this.stop();
    }
  }
  /** Sends body through the bucket; resolves true when all of it was written, false if the client went away. */
  send(res: http.ServerResponse, body: Buffer, log: { bytes: number }): Promise<boolean> {
    if (this.rate === undefined || body.length === 0) {
      log.bytes += body.length;
      return new Promise((r) => res.end(body, () => r(true)));
    }
    return new Promise((done) => {
      const p: Pending = { log, body, off: 0, res, waitingDrain: false, done };
      res.on("close", () => {
        if (p.off < p.body.length) {
          this.remove(p);
          done(false);
        }
      });
      if (this.queue.length === 0) {
        this.last = performance.now();
        this.tokens = Math.min(this.tokens, this.burst());
      }
      this.queue.push(p);
      this.start();
    });
  }
  private flushAll(p: Pending): void {
    const rest = p.body.subarray(p.off);
    p.log.bytes += rest.length;
    p.off = p.body.length;
    p.res.end(rest, () => p.done(true));
  }
  private burst(): number {
    return Math.max(4096, (this.rate ?? 0) * 0.05);
  }
  private remove(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    if (this.queue.length === 0) this.stop();
  }
  private start(): void {
    if (!this.timer) this.timer = setInterval(() => this.tick(), 5);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
  private tick(): void {
    const now = performance.now();
    const rate = this.rate;
    if (rate === undefined) return;
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) / 1000) * rate);
    this.last = now;
    // Bounded: every pass of the inner loop removes tokens or ends the pass.
    for (let guard = 0; guard < 10000 && this.tokens >= 1; guard++) {
      const ready = this.queue.filter((p) => !p.waitingDrain);
      if (ready.length === 0) break;
      const p = ready[this.rr++ % ready.length];
      const n = Math.min(this.chunk, Math.floor(this.tokens), p.body.length - p.off);
      if (n <= 0) break;
      const piece = p.body.subarray(p.off, p.off + n);
      p.off += n;
      p.log.bytes += n;
      this.tokens -= n;
      if (p.off >= p.body.length) {
        this.remove(p);
        p.res.end(piece, () => p.done(true));
      } else if (!p.res.write(piece)) {
        p.waitingDrain = true;
        p.res.once("drain", () => {
          p.waitingDrain = false;
        });
      }
    }
  }
  close(): void {
    this.stop();
    for (const p of this.queue.splice(0)) p.done(false);
  }
}

// ---------------------------------------------------------------------------------------------
// Live HLS: VOD media playlist -> sliding window.

export function livePlaylist(vod: string, elapsedMs: number, window: number): string {
  const header: string[] = [];
  const segs: { dur: number; lines: string[] }[] = [];
  let cur: string[] = [];
  let sawSeg = false;
  for (const raw of vod.split("\n")) {
    const l = raw.trim();
    if (l === "" || l === "#EXT-X-ENDLIST" || l.startsWith("#EXT-X-PLAYLIST-TYPE") || l.startsWith("#EXT-X-MEDIA-SEQUENCE")) continue;
    if (!sawSeg && !l.startsWith("#EXTINF") && (l.startsWith("#EXTM3U") || l.startsWith("#EXT-X-VERSION") || l.startsWith("#EXT-X-TARGETDURATION") || l.startsWith("#EXT-X-MAP") || l.startsWith("#EXT-X-INDEPENDENT"))) {
      header.push(l);
      continue;
    }
    cur.push(l);
    if (l.startsWith("#EXTINF")) sawSeg = true;
    if (!l.startsWith("#")) {
      const inf = cur.find((x) => x.startsWith("#EXTINF:"));
      segs.push({ dur: inf ? parseFloat(inf.slice(8)) : 0, lines: cur });
      cur = [];
    }
  }
  const n = segs.length;
  if (n === 0) return vod;
  const loop = segs.reduce((a, s) => a + s.dur, 0);
  // Segment s (s = 0, 1, 2, ...) is segs[s % n] of loop floor(s / n); it is "published" when its
  // end time <= elapsed + window * (first segments' durations), so the window is full at start.
  const w = Math.max(1, Math.min(window, 1000));
  const ends: number[] = [];
  let acc = 0;
  for (const s of segs) ends.push((acc += s.dur));
  const head = segs.slice(0, Math.min(w, n)).reduce((a, s) => a + s.dur, 0);
  const t = Math.max(0, elapsedMs / 1000) + head;
  const loops = Math.floor(t / loop);
  let within = 0;
  while (within < n && ends[within] <= t - loops * loop + 1e-9) within++;
  const published = loops * n + within; // segments 0 .. published-1 exist
  const first = Math.max(0, published - w);
  const out = [...header, `#EXT-X-MEDIA-SEQUENCE:${first}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${Math.floor(first / n)}`];
  for (let s = first; s < published; s++) {
    if (s > first && s % n === 0) out.push("#EXT-X-DISCONTINUITY");
    out.push(...segs[s % n].lines);
  }
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------

export async function startOttServer(opts: OttServerOptions): Promise<OttServer> {
  const root = normalize(opts.root);
  const clock = opts.clock ?? (() => performance.now());
  const t0 = performance.now();
  const clock0 = clock();
  const pacer = new Pacer(opts.rate, Math.max(256, opts.chunkBytes ?? 8192));
  const requests: RequestLog[] = [];
  const maxLog = opts.maxLog ?? 100000;
  const sockets = new Set<Socket>();
  let delayMs = 0;
  const liveWindow = opts.liveWindow ?? 3;

  const fileOf = (rel: string): string | undefined => {
    const p = normalize(join(root, rel));
    return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep) ? p : undefined;
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, log: RequestLog): Promise<void> {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const method = req.method ?? "GET";
    const text = (status: number, body: string, extra: http.OutgoingHttpHeaders = {}): Promise<void> => {
      const b = Buffer.from(body);
      const empty = status === 204 || status === 304;
      const h: http.OutgoingHttpHeaders = empty ? { ...extra } : { "Content-Type": "text/plain; charset=utf-8", "Content-Length": b.length, ...extra };
      res.writeHead(status, h);
      if (empty || method === "HEAD") return new Promise((r) => res.end(() => r()));
      log.bytes += b.length;
      return new Promise((r) => res.end(b, () => r()));
    };
    if (method !== "GET" && method !== "HEAD") return text(405, "method not allowed\n", { Allow: "GET, HEAD" });
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      return text(400, "bad url\n");
    }
    let parts = path.split("/").filter((x) => x !== "");

    // /status/<code>/...
    if (parts[0] === "status") {
      const code = Number(parts[1]);
      if (!Number.isInteger(code) || code < 200 || code > 599) return text(400, "status code must be 200..599\n");
      return text(code, `status ${code}\n`);
    }
    // /redirect/<n>/<path>
    if (parts[0] === "redirect") {
      const n = Number(parts[1]);
      if (!Number.isInteger(n) || n < 0 || n > 1000) return text(400, "redirect count must be 0..1000\n");
      const rest = parts.slice(2).map(encodeURIComponent).join("/");
      if (n >= 1) return text(302, "redirect\n", { Location: n === 1 ? `/${rest}` : `/redirect/${n - 1}/${rest}` });
      parts = parts.slice(2);
    }
    // /missing/<rend>/<k>/<path>
    let missing: { rend: string; k: number } | undefined;
    if (parts[0] === "missing") {
      const k = Number(parts[2]);
      if (parts.length < 4 || !Number.isInteger(k) || k < 0) return text(400, "use /missing/<rendition>/<k>/<path>\n");
      missing = { rend: parts[1], k };
      parts = parts.slice(3);
    }
    // /live/<path>
    let live = false;
    if (parts[0] === "live") {
      live = true;
      parts = parts.slice(1);
    }
    const rel = parts.join("/");
    const file = fileOf(rel);
    if (!file) return text(404, "not found\n");

    if (missing && isMissing(rel, missing)) return text(404, "missing (by request)\n");

    let st;
    try {
      st = await stat(file);
    } catch {
      return text(404, "not found\n");
    }
    if (!st.isFile()) return text(404, "not found\n");

    let body = await readFile(file);
    const isMediaPlaylist = /(^|\/)(hls_ts|hls_fmp4)\/[^/]+\/[^/]+\.m3u8$/.test(rel);
    let dynamic = false;
    if (missing && isMediaPlaylist && parts[1] === missing.rend) {
      body = Buffer.from(rewriteMissingHls(body.toString("utf8"), missing.k));
      dynamic = true;
    }
    if (live && /^(dash|dash_timeline)\//.test(rel) && rel.endsWith(".mpd")) return text(404, "live DASH not implemented\n");
    if (live && isMediaPlaylist) {
      body = Buffer.from(livePlaylist(body.toString("utf8"), clock() - clock0, liveWindow));
      dynamic = true;
    }

    const size = body.length;
    const headers: http.OutgoingHttpHeaders = {
      "Content-Type": contentType(rel),
      "Accept-Ranges": "bytes",
      "Cache-Control": dynamic || live ? "no-cache" : "max-age=3600",
    };
    if (!dynamic) headers["Last-Modified"] = st.mtime.toUTCString();
    const range = parseRange(req.headers.range, size);
    if (range === "bad") return text(416, "range not satisfiable\n", { "Content-Range": `bytes */${size}` });
    let status = 200;
    if (range !== "none") {
      status = 206;
      headers["Content-Range"] = `bytes ${range[0]}-${range[1]}/${size}`;
      body = body.subarray(range[0], range[1] + 1);
    }
    headers["Content-Length"] = body.length;
    res.writeHead(status, headers);
    if (method === "HEAD") {
      await new Promise<void>((r) => res.end(() => r()));
      return;
    }
    await pacer.send(res, body, log);
  }

  function isMissing(rel: string, m: { rend: string; k: number }): boolean {
    const p = rel.split("/");
    if ((p[0] === "dash" || p[0] === "dash_timeline") && p.length === 2) {
      const mm = /^chunk-(.+)-(\d+)\.m4s$/.exec(p[1]);
      if (!mm || mm[1] !== m.rend) return false;
      const mpd = fileOf(`${p[0]}/manifest.mpd`);
      let start = 1;
      try {
        // startNumber of that Representation (simple string search, default 1)
        const txt = readFileSync(mpd!, "utf8");
        const rep = txt.indexOf(`<Representation id="${m.rend}"`);
        const sn = rep >= 0 ? /startNumber="(\d+)"/.exec(txt.slice(rep)) : null;
        if (sn) start = Number(sn[1]);
      } catch {
        /* default */
      }
      return Number(mm[2]) === start + m.k;
    }
    if (p[0] === "mss" && p.length === 3 && p[1] === `QualityLevels(${m.rend})`) {
      const dir = fileOf(`mss/${p[1]}`)!;
      const frs = mssFragments(dir);
      return frs[m.k] === p[2];
    }
    return false;
  }

  const server = http.createServer((req, res) => {
    const log: RequestLog = { method: req.method ?? "", url: req.url ?? "", status: 0, bytes: 0, startMs: performance.now() - t0, endMs: 0, range: req.headers.range, aborted: false };
    let finished = false;
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      log.status = res.statusCode;
      log.endMs = performance.now() - t0;
      log.aborted = !finished;
      requests.push(log);
      if (requests.length > maxLog) requests.splice(0, requests.length - maxLog);
    };
    res.on("finish", () => {
      finished = true;
      record();
    });
    res.on("close", record);
    handle(req, res, log).catch((e: Error) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`internal error: ${e.message}\n`);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(opts.port ?? 0, host, () => res());
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  let closed = false;
  return {
    base: `http://${hostInUrl}:${port}`,
    port,
    requests,
    setRate: (r) => pacer.setRate(r),
    setDelay: (ms) => {
      delayMs = Math.max(0, Math.min(ms, 600000));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      pacer.close();
      const done = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}

function mssFragments(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith("Fragments("))
    .sort((a, b) => Number(/=(\d+)\)/.exec(a)?.[1] ?? 0) - Number(/=(\d+)\)/.exec(b)?.[1] ?? 0));
}

/** The k-th (0-based) media segment URI of an HLS media playlist becomes "missing-<uri basename>". */
export function rewriteMissingHls(playlist: string, k: number): string {
  let i = -1;
  return playlist
    .split("\n")
    .map((l) => {
      const s = l.trim();
      if (s === "" || s.startsWith("#")) return l;
      i++;
      if (i !== k) return l;
      const slash = s.lastIndexOf("/");
      return `${s.slice(0, slash + 1)}missing-${s.slice(slash + 1)}`;
    })
    .join("\n");
}
