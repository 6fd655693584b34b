// ott-download end to end: the built probe on Node (in-process, through the Agent), native
// QuickJS (qjs + curl) and Lua 5.1 / LuaJIT (luasocket) against the local OTT server
// (real ffmpeg media, tools/testkit/ott-media.ts; pacing, faults and live emulation,
// tools/testkit/ott-server.ts). Sessions are short (VOD sessions return as soon as the
// last segment is in: the rest of the playout is computed, not waited for) and
// independent sessions run concurrently.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "../../core/agent/agent.ts";
import { measurements } from "../../core/measurements/index.ts";
import { readMessage } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { OTT_COLUMNS, OTT_DETAIL_COLUMNS } from "../../core/measurements/ott/index.ts";
import { createHost } from "../../targets/node/host.ts";
import { ottMedia, ottMediaFacts, OttMediaFacts } from "../../tools/testkit/ott-media.ts";
import { missingPath, startOttServer, OttServer } from "../../tools/testkit/ott-server.ts";
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

let media: string;
let facts: OttMediaFacts;
let server: OttServer;
test.before(async () => {
  media = await ottMedia();
  facts = ottMediaFacts(media);
  server = await startOttServer({ root: media });
});
test.after.always(async () => {
  await server?.close();
});

type Pkg = "hls_ts" | "hls_fmp4" | "dash" | "dash_timeline" | "mss";

function topKbps(pkg: Pkg): number {
  if (pkg === "hls_ts" || pkg === "hls_fmp4") return Math.max(...facts[pkg].filter((r) => r.name !== "audio").map((r) => r.bandwidth)) / 1000;
  return Math.max(...facts[pkg].map((r) => r.bandwidth)) / 1000;
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

test("DONE-WHEN 1: unconstrained HLS (TS and fMP4), DASH (Number and Timeline) and Smooth: top nominal bandwidth, HTTP 200, qos 100, no stalls, on every runtime", async (t) => {
  const pkgs: [Pkg, string][] = [
    ["hls_ts", "hls_ts/master.m3u8"], ["hls_fmp4", "hls_fmp4/master.m3u8"], ["dash", "dash/manifest.mpd"],
    ["dash_timeline", "dash_timeline/manifest.mpd"], ["mss", "mss/Manifest"],
  ];
  const jobs: Promise<string[]>[] = [];
  for (const rt of available) {
    for (const [pkg, path] of pkgs) {
      jobs.push(
        run(rt, spec({ url: `${server.base}/${path}` })).then((rows) => {
          const bad: string[] = [];
          const r = rows[0];
          const want: Row = {
            "bandwidth.nominal.kbps": String(Math.round(topKbps(pkg))), "http.code.max": "200", "http.redirectcount.max": "0",
            "qos.manifest": "100", "qos.content": "100", "qos.aggregate": "100", "qos.level": "100", bufferstalls: "0", "ott.stall.ms": "0",
            "ott.segments.failed": "0",
          };
          if (rows.length !== 1) bad.push(`${rt} ${pkg}: ${rows.length} rows`);
          for (const k of Object.keys(want)) if (r[k] !== want[k]) bad.push(`${rt} ${pkg}: ${k} = ${r[k]}, want ${want[k]}`);
          if (!(n(r, "ott.startup.ms") >= 0 && n(r, "ott.startup.ms") < 5000)) bad.push(`${rt} ${pkg}: startup ${r["ott.startup.ms"]}`);
          if (!(n(r, "ott.mos") >= 1 && n(r, "ott.mos") <= 5)) bad.push(`${rt} ${pkg}: mos ${r["ott.mos"]}`);
          if (r["ott.level.last"] !== "3") bad.push(`${rt} ${pkg}: last level ${r["ott.level.last"]}`);
          return bad;
        }),
      );
    }
  }
  const bad = (await Promise.all(jobs)).flat();
  t.deepEqual(bad, []);
  t.true(available.includes("qjs") && available.includes("lua5.1"), `runtimes available: ${available.join(", ")}`);
});

test("DONE-WHEN 2: on a 1.5 Mbit/s bottleneck adaptive stays below the top without stalling; fixed top level stalls", async (t) => {
  const rts = available.filter((r) => r !== "luajit");
  const servers: OttServer[] = [];
  try {
    const jobs: Promise<string[]>[] = [];
    for (const rt of rts) {
      for (const mode of ["adaptive", "fixed"]) {
        const srv = await startOttServer({ root: media, rate: 187500 });
        servers.push(srv);
        const s = spec({ url: `${srv.base}/hls_ts/master.m3u8`, mode, level: 3, bufferS: mode === "fixed" ? 2 : 10, spanS: 12 });
        jobs.push(
          run(rt, s).then((rows) => {
            const r = rows[0];
            const bad: string[] = [];
            const info = `${rt} ${mode}: ${JSON.stringify(r)}`;
            if (mode === "adaptive") {
              if (!(n(r, "ott.level.last") < 3)) bad.push(`${info}: ended on the top level`);
              if (r.bufferstalls !== "0") bad.push(`${info}: stalled`);
              if (!(n(r, "ott.throughput.kbps") > 1000 && n(r, "ott.throughput.kbps") < 1600)) bad.push(`${info}: throughput`);
            } else {
              if (!(n(r, "bufferstalls") >= 1)) bad.push(`${info}: no stall`);
              if (!(n(r, "qos.level") < 100)) bad.push(`${info}: qos.level 100`);
              if (r["ott.level.last"] !== "3") bad.push(`${info}: not on level 3`);
            }
            return bad;
          }),
        );
      }
    }
    t.deepEqual((await Promise.all(jobs)).flat(), []);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
});

test("faults: 404 and 500 manifests, a redirect chain, a missing segment (session continues)", async (t) => {
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
        r["qos.content"] === "100" && n(r, "qos.level") < 100
          ? undefined
          : "redirect",
    },
    {
      name: "missing", url: `${server.base}${missingPath("480k", 2, "hls_ts/master.m3u8")}`, mode: "fixed", level: 1,
      check: (r) =>
        r["http.code.max"] === "404" && r["ott.segments.failed"] === "1" && n(r, "qos.content") < 100 && n(r, "qos.content") > 80 &&
        r["qos.manifest"] === "100" && n(r, "ott.segments") >= 11
          ? undefined
          : "missing",
    },
  ];
  const jobs: Promise<string | undefined>[] = [];
  for (const rt of rts) {
    for (const c of cases) {
      jobs.push(
        run(rt, spec({ url: c.url, mode: c.mode, level: c.level })).then((rows) => {
          const why = c.check(rows[0]);
          return why === undefined ? undefined : `${rt} ${c.name}: ${JSON.stringify(rows[0])}`;
        }),
      );
    }
  }
  t.deepEqual((await Promise.all(jobs)).filter((x) => x !== undefined), []);
});

test("live HLS: the media playlists are refreshed and segments follow the sliding window", async (t) => {
  const rts = available.filter((r) => r !== "luajit");
  const jobs = rts.map((rt) =>
    run(rt, spec({ url: `${server.base}/live/hls_ts/master.m3u8`, label: "ott-download-detail", spanS: 10 })).then((rows) => ({ rt, rows })),
  );
  for (const { rt, rows } of await Promise.all(jobs)) {
    const playlists = rows.filter((r) => r["ott.request"] === "manifest" && r.url.endsWith("/index.m3u8") && !r.url.includes("audio"));
    const video = rows.filter((r) => r["ott.request"] === "video");
    const byUrl = new Map<string, number>();
    for (const p of playlists) byUrl.set(p.url, (byUrl.get(p.url) ?? 0) + 1);
    t.true(Math.max(...byUrl.values()) >= 2, `${rt}: a video playlist was fetched more than once: ${JSON.stringify([...byUrl])}`);
    t.true(video.length >= 4, `${rt}: ${video.length} video segments in 10 s of live`);
    t.true(video.every((r) => r["http.code"] === "200"), `${rt}: every live segment answered 200`);
  }
});
