// ott-download end to end: the built probe on Node (in-process, through the Agent), native
// QuickJS (qjs + curl) and Lua 5.1 / LuaJIT (luasocket) against the local OTT server
// (real ffmpeg media, tools/testkit/ott-media.ts; pacing, faults and live emulation,
// tools/testkit/ott-server.ts). Sessions are short (VOD sessions return as soon as the
// last segment is in: the rest of the playout is computed, not waited for) and
// independent sessions run concurrently.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "../../core/agent/agent.ts";
import { measurements } from "../../core/measurements/index.ts";
import { readMessage } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { OTT_COLUMNS, OTT_DETAIL_COLUMNS } from "../../core/measurements/ott/index.ts";
import { createHost } from "../../targets/node/host.ts";
import { ottMedia, ottMediaFacts, OttMediaFacts, writeTwoPeriodDash } from "../../tools/testkit/ott-media.ts";
import { missingPath } from "../../tools/testkit/ott-server.ts";
import { startOttServerProcess, OttServerProcess } from "../../tools/testkit/ott-server-proc.ts";
import { performance } from "node:perf_hooks";
import { QJS, runtimeMissing } from "../support/probe-cli.ts";

type Row = Record<string, string>;

const RUNTIMES: { name: string; argv?: string[] }[] = [
  { name: "node" },
  { name: "qjs", argv: [QJS, "dist/miniprobe.js"] },
  { name: "lua5.1", argv: ["lua5.1", "dist/miniprobe.lua"] },
  { name: "luajit", argv: ["luajit", "dist/miniprobe.lua"] },
];

const tmp = mkdtempSync(join(tmpdir(), "ott-run-"));
let seq = 0;

interface SpecOpts {
  url: string;
  label?: string;
  mode?: string;
  abr?: string;
  level?: number;
  bufferS?: number;
  spanS?: number;
  protocol?: string;
}

function spec(o: SpecOpts): object {
  const span = `${o.spanS ?? 12}s`;
  return {
    specification: "measure",
    label: o.label ?? "ott-download",
    when: `now + ${span} / ${span}`,
    parameters: {
      "content.url": o.url,
      "ott.protocol": o.protocol ?? "auto",
      "ott.mode": o.mode ?? "adaptive",
      "ott.abr": o.abr ?? "throughput",
      "ott.level": String(o.level ?? 0),
      "ott.buffer.s": String(o.bufferS ?? 10),
      "ott.http.timeout.ms": "5000",
    },
    results: [],
  };
}

function rowsOf(msg: { results?: string[]; resultvalues?: string[][]; message?: string }): Row[] {
  if (!msg.resultvalues || !msg.results) throw new Error(`not a result: ${JSON.stringify(msg).slice(0, 500)}`);
  return msg.resultvalues.map((vals) => Object.fromEntries(msg.results!.map((c, i) => [c, vals[i]])));
}

async function runNode(s: object): Promise<Row[]> {
  const host = createHost({ logLevel: "error" });
  const agent = new Agent(host, measurements);
  const out = await agent.handle(toStatement(s));
  return rowsOf(out as never);
}

// The agent takes a parsed statement: go through the same reader the CLI uses.
function toStatement(s: object): never {
  return readMessage(parseJson(JSON.stringify(s))) as never;
}

function runProc(argv: string[], s: object): Promise<Row[]> {
  const file = join(tmp, `spec-${seq++}.json`);
  writeFileSync(file, JSON.stringify(s));
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], [...argv.slice(1), "--once", file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), 60000);
    p.on("close", (code) => {
      clearTimeout(timer);
      try {
        resolve(rowsOf(JSON.parse(out)));
      } catch (e) {
        reject(new Error(`${argv[0]} exited ${code}: ${(e as Error).message}\n${out.slice(0, 1000)}\n${err.slice(0, 2000)}`));
      }
    });
  });
}

function run(rt: string, s: object): Promise<Row[]> {
  const r = RUNTIMES.find((x) => x.name === rt)!;
  return r.argv ? runProc(r.argv, s) : runNode(s);
}

const available = RUNTIMES.filter((r) => !r.argv || !runtimeMissing(r.argv)).map((r) => r.name);

// At most two CPU-bound sessions at a time in this whole file (ava runs its tests
// concurrently): on a 2-core machine twenty at once made an unconstrained loopback link
// look constrained. Sessions whose pace is set by a bottleneck or by the wall clock (paced
// links, live) use little CPU and have their own two slots, so the file stays short.
class Limiter {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await f();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
  /** Runs every job through the limiter; results in order. */
  all<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
    return Promise.all(jobs.map((j) => this.run(j)));
  }
}
const cpuBound = new Limiter(2);
const paced = new Limiter(2);

/**
 * The baseline a player could reach on this machine right now: curl, one fresh process per
 * request (as the QuickJS host fetches), downloading the lowest and the highest level's
 * first segment; harmonic mean in kbit/s, like the ABR's own estimate.
 */
async function curlKbps(urls: string[]): Promise<number> {
  let inv = 0;
  for (const url of urls) {
    const t0 = performance.now();
    const bytes = await new Promise<number>((resolve, reject) => {
      const p = spawn("curl", ["-s", "--globoff", "-o", "/dev/null", "-w", "%{size_download}", "--", url], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => p.kill("SIGKILL"), 30000);
      p.on("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(Number(out));
        else reject(new Error(`curl ${url} exited ${code}`));
      });
    });
    inv += 1 / ((bytes * 8) / Math.max(performance.now() - t0, 0.001));
  }
  return urls.length / inv;
}

let media: string;
let facts: OttMediaFacts;
let server: OttServerProcess;
test.before(async () => {
  media = await ottMedia();
  facts = ottMediaFacts(media);
  server = await startOttServerProcess({ root: media });
  // warm the server process up (its first requests compile code), so the first baselines
  // measure the link, not the server's start
  for (const pkg of ["hls_ts", "hls_fmp4", "dash", "mss"] as Pkg[]) await curlKbps(edgeSegments(pkg).map((p) => `${server.base}/${p}`));
});
test.after.always(async () => {
  await server?.close();
});

type Pkg = "hls_ts" | "hls_fmp4" | "dash" | "dash_timeline" | "mss";

function topKbps(pkg: Pkg): number {
  if (pkg === "hls_ts" || pkg === "hls_fmp4") return Math.max(...facts[pkg].filter((r) => r.name !== "audio").map((r) => r.bandwidth)) / 1000;
  return Math.max(...facts[pkg].map((r) => r.bandwidth)) / 1000;
}

// make-media.sh's audio is 64 kbit/s, every video level is above 100 kbit/s.
const isVideoLevel = (bw: number): boolean => bw > 100000;

/** The lowest and the highest video level's first media segment, as paths relative to the media dir. */
function edgeSegments(pkg: Pkg): string[] {
  if (pkg === "hls_ts" || pkg === "hls_fmp4") {
    const v = facts[pkg].filter((r) => r.name !== "audio");
    return [v[0].segments[0].path, v[v.length - 1].segments[0].path];
  }
  const v = facts[pkg].filter((l) => isVideoLevel(l.bandwidth)).sort((a, b) => a.bandwidth - b.bandwidth);
  return [v[0].files[0].path, v[v.length - 1].files[0].path];
}

/** Media requests of a whole VOD play: every video segment once, the audio that goes with it, plus init sections (one per level played, fMP4 and DASH). */
function mediaRequests(pkg: Pkg): { min: number; max: number } {
  let video: number;
  let audio: number;
  let levels: number;
  if (pkg === "hls_ts" || pkg === "hls_fmp4") {
    const v = facts[pkg].filter((r) => r.name !== "audio");
    video = v[0].segments.length;
    audio = facts[pkg].find((r) => r.name === "audio")!.segments.length;
    levels = v.length;
  } else {
    const v = facts[pkg].filter((l) => isVideoLevel(l.bandwidth));
    video = v[0].files.length;
    audio = facts[pkg].find((l) => !isVideoLevel(l.bandwidth))!.files.length;
    levels = v.length;
  }
  const inits = pkg === "hls_fmp4" || pkg === "dash" || pkg === "dash_timeline";
  // audio is fetched up to the end of the video (its last segment may lie beyond it)
  return { min: 2 * Math.min(video, audio) + (inits ? 2 : 0), max: video + audio + (inits ? levels + 1 : 0) };
}

const n = (r: Row, c: string): number => Number(r[c]);

test("capabilities: ott-download and ott-download-detail with the original probe's columns first", (t) => {
  const agent = new Agent(createHost({ logLevel: "error" }), measurements);
  const caps = agent.capabilities().filter((c) => c.label === "ott-download" || c.label === "ott-download-detail");
  t.is(caps.length, 2);
  t.deepEqual(caps[0].results.slice(0, 8), ["time", "bandwidth.nominal.kbps", "http.code.max", "http.redirectcount.max", "qos.manifest", "qos.content", "qos.aggregate", "qos.level"]);
  t.deepEqual(caps[0].results, OTT_COLUMNS);
  t.deepEqual(caps[1].results, OTT_DETAIL_COLUMNS);
  t.is(caps[0].when, "now ... future / 10s");
  t.is(caps[0].parameters["ott.mode"], "adaptive,fixed,parallel");
});

// Speed: nothing below expects a number of milliseconds. Properties that hold at any speed
// are always checked; those that need an unconstrained link (the top level reached, every
// request faster than real time, no stall) are checked when curl, measured on the same
// path just before the session, shows that the link is unconstrained right now.
const SAFETY = 0.85;

test("DONE-WHEN 1: unconstrained HLS (TS and fMP4), DASH (Number and Timeline) and Smooth: every segment played, top level reached, HTTP 200, qos 100, no stalls, on every runtime", async (t) => {
  t.timeout(900000);
  const pkgs: [Pkg, string][] = [
    ["hls_ts", "hls_ts/master.m3u8"], ["hls_fmp4", "hls_fmp4/master.m3u8"], ["dash", "dash/manifest.mpd"],
    ["dash_timeline", "dash_timeline/manifest.mpd"], ["mss", "mss/Manifest"],
  ];
  // A span far longer than the content: a VOD session returns once its last segment is in,
  // so the span only bounds a slow machine; it never decides what is played.
  const spanS = 60;
  const jobs: (() => Promise<string[]>)[] = [];
  for (const rt of available) {
    for (const [pkg, path] of pkgs) {
      jobs.push(async () => {
        const baseKbps = await curlKbps(edgeSegments(pkg).map((p) => `${server.base}/${p}`));
        const rows = await run(rt, spec({ url: `${server.base}/${path}`, spanS }));
        const bad: string[] = [];
        const r = rows[0];
        const top = topKbps(pkg);
        const unconstrained = baseKbps * SAFETY >= 2 * top;
        const want: Row = { "http.code.max": "200", "http.redirectcount.max": "0", "qos.manifest": "100", "ott.segments.failed": "0" };
        if (unconstrained) {
          Object.assign(want, {
            "bandwidth.nominal.kbps": String(Math.round(top)), "qos.content": "100", "qos.aggregate": "100", "qos.level": "100",
            bufferstalls: "0", "ott.stall.ms": "0", "ott.level.last": "3",
          });
        } else {
          t.log(`${rt} ${pkg}: curl reached ${Math.round(baseKbps)} kbit/s, not 2 x the top level's ${top} / ${SAFETY}: speed-dependent checks skipped`);
        }
        if (rows.length !== 1) bad.push(`${rt} ${pkg}: ${rows.length} rows`);
        for (const k of Object.keys(want)) if (r[k] !== want[k]) bad.push(`${rt} ${pkg}: ${k} = ${r[k]}, want ${want[k]} (curl ${Math.round(baseKbps)} kbit/s)`);
        const startup = n(r, "ott.startup.ms");
        if (!(startup >= 0 && startup < spanS * 1000)) bad.push(`${rt} ${pkg}: startup ${r["ott.startup.ms"]}`);
        if (!(n(r, "ott.mos") >= 1 && n(r, "ott.mos") <= 5)) bad.push(`${rt} ${pkg}: mos ${r["ott.mos"]}`);
        const m = mediaRequests(pkg);
        const segs = n(r, "ott.segments");
        if (!(segs >= m.min && segs <= m.max)) bad.push(`${rt} ${pkg}: ${segs} media requests, want ${m.min}..${m.max} (every segment once)`);
        return bad;
      });
    }
  }
  const bad = (await cpuBound.all(jobs)).flat();
  t.deepEqual(bad, []);
  t.true(available.includes("qjs") && available.includes("lua5.1"), `runtimes available: ${available.join(", ")}`);
});

test("DONE-WHEN 2: on a 1.5 Mbit/s bottleneck adaptive stays below the top without stalling; fixed top level stalls", async (t) => {
  t.timeout(900000);
  const rate = 187500;
  const rts = available.filter((r) => r !== "luajit");
  const jobs: (() => Promise<string[]>)[] = [];
  for (const rt of rts) {
    for (const mode of ["adaptive", "fixed"]) {
      jobs.push(async () => {
        // one bottleneck per session, so two sessions at a time do not share it
        const srv = await startOttServerProcess({ root: media, rate });
        try {
          const s = spec({ url: `${srv.base}/hls_ts/master.m3u8`, mode, level: 3, bufferS: mode === "fixed" ? 2 : 10, spanS: 12 });
          const r = (await run(rt, s))[0];
          const bad: string[] = [];
          const info = `${rt} ${mode}: ${JSON.stringify(r)}`;
          if (mode === "adaptive") {
            if (!(n(r, "ott.level.last") < 3)) bad.push(`${info}: ended on the top level`);
            if (r.bufferstalls !== "0") bad.push(`${info}: stalled`);
            // a paced link can be slower than its rate on a busy machine, never faster
            // (beyond the bucket's 50 ms burst per request)
            const tp = n(r, "ott.throughput.kbps");
            if (!(tp > 0 && tp < ((rate * 8) / 1000) * 1.3)) bad.push(`${info}: throughput above the bottleneck`);
          } else {
            if (!(n(r, "bufferstalls") >= 1)) bad.push(`${info}: no stall`);
            if (!(n(r, "qos.level") < 100)) bad.push(`${info}: qos.level 100`);
            if (r["ott.level.last"] !== "3") bad.push(`${info}: not on level 3`);
          }
          return bad;
        } finally {
          await srv.close();
        }
      });
    }
  }
  t.deepEqual((await paced.all(jobs)).flat(), []);
});

test("faults: 404 and 500 manifests, a redirect chain, a missing segment (session continues)", async (t) => {
  t.timeout(900000);
  const rts = available.filter((r) => r !== "luajit");
  const cases: { name: string; url: string; mode?: string; level?: number; check: (r: Row) => string | undefined }[] = [
    {
      name: "404", url: `${server.base}/status/404/x.m3u8`,
      check: (r) => (r["http.code.max"] === "404" && r["qos.manifest"] === "0" && r["qos.level"] === "0" && r["ott.segments"] === "0" ? undefined : "404"),
    },
    {
      name: "500", url: `${server.base}/status/500/x.mpd`,
      check: (r) => (r["http.code.max"] === "500" && r["qos.manifest"] === "0" && r["qos.aggregate"] === "0" ? undefined : "500"),
    },
    {
      name: "redirect", url: `${server.base}/redirect/3/hls_ts/master.m3u8`,
      check: (r) =>
        r["http.redirectcount.max"] === "3" && r["http.code.max"] === "200" && n(r, "qos.manifest") < 100 && n(r, "qos.manifest") >= 70 &&
        r["ott.segments.failed"] === "0" && n(r, "qos.content") > 0 && n(r, "qos.level") < 100
          ? undefined
          : "redirect",
    },
    {
      name: "missing", url: `${server.base}${missingPath("480k", 2, "hls_ts/master.m3u8")}`, mode: "fixed", level: 1,
      check: (r) =>
        // the missing segment scores 0, so content is at most the others' share, at any speed
        r["http.code.max"] === "404" && r["ott.segments.failed"] === "1" && n(r, "qos.content") > 0 &&
        n(r, "qos.content") <= Math.round((100 * (n(r, "ott.segments") - 1)) / n(r, "ott.segments")) &&
        r["qos.manifest"] === "100" && n(r, "ott.segments") === mediaRequests("hls_ts").min
          ? undefined
          : "missing",
    },
  ];
  const jobs: (() => Promise<string | undefined>)[] = [];
  for (const rt of rts) {
    for (const c of cases) {
      jobs.push(() =>
        run(rt, spec({ url: c.url, mode: c.mode, level: c.level, spanS: 60 })).then((rows) => {
          const why = c.check(rows[0]);
          return why === undefined ? undefined : `${rt} ${c.name}: ${JSON.stringify(rows[0])}`;
        }),
      );
    }
  }
  t.deepEqual((await cpuBound.all(jobs)).filter((x) => x !== undefined), []);
});

test("live HLS: the media playlists are refreshed and segments follow the sliding window", async (t) => {
  t.timeout(900000);
  const rts = available.filter((r) => r !== "luajit");
  const jobs = rts.map((rt) => () =>
    run(rt, spec({ url: `${server.base}/live/hls_ts/master.m3u8`, label: "ott-download-detail", spanS: 10 })).then((rows) => ({ rt, rows })),
  );
  for (const { rt, rows } of await paced.all(jobs)) {
    const playlists = rows.filter((r) => r["ott.request"] === "manifest" && r.url.endsWith("/index.m3u8") && !r.url.includes("audio"));
    const video = rows.filter((r) => r["ott.request"] === "video");
    const byUrl = new Map<string, number>();
    for (const p of playlists) byUrl.set(p.url, (byUrl.get(p.url) ?? 0) + 1);
    t.true(Math.max(...byUrl.values()) >= 2, `${rt}: a video playlist was fetched more than once: ${JSON.stringify([...byUrl])}`);
    t.true(video.length >= 4, `${rt}: ${video.length} video segments in 10 s of live`);
    t.true(video.every((r) => r["http.code"] === "200"), `${rt}: every live segment answered 200`);
  }
});

test("two-period DASH whose Representation ids change: every segment of both periods is played, on lua5.1, qjs and Node", async (t) => {
  t.timeout(900000);
  const root = mkdtempSync(join(tmpdir(), "ott-2p-"));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const mpd = writeTwoPeriodDash(media, root);
  const srv = await startOttServerProcess({ root });
  t.teardown(() => srv.close());
  const rts = available.filter((r) => r !== "luajit");
  const jobs = rts.map((rt) => () =>
    run(rt, spec({ url: `${srv.base}/${mpd}`, label: "ott-download-detail", mode: "fixed", level: 1, spanS: 60 })).then((rows) => ({ rt, rows })),
  );
  for (const { rt, rows } of await cpuBound.all(jobs)) {
    const name = (r: Row): string => r.url.slice(r.url.lastIndexOf("/") + 1);
    const video = rows.filter((r) => r["ott.request"] === "video").map(name);
    const audio = rows.filter((r) => r["ott.request"] === "audio").map(name);
    // fixed level 1 = the second lowest video level, in both periods (ids "1" then "ad-1")
    t.deepEqual(video, [1, 2, 3, 4, 5, 6].map((k) => `chunk-1-0000${k}.m4s`), `${rt}: ${JSON.stringify(rows)}`);
    t.deepEqual(audio, [1, 2, 3, 4, 5, 6].map((k) => `chunk-4-0000${k}.m4s`), rt);
    t.true(rows.every((r) => r["ott.request"] === "manifest" || r["http.code"] === "200"), rt);
  }
});
