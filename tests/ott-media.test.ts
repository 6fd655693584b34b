// The OTT test infrastructure itself: real ffmpeg media (tools/ott/make-media.sh via
// tools/testkit/ott-media.ts), the local server (tools/testkit/ott-server.ts), the netns link
// (tools/testkit/netns-link.ts) and the curl baseline (tools/bench/ott-curl.ts).
// Manifests are checked with plain string handling on purpose (the project's parsers are
// tested against this media elsewhere).
import test from "ava";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { hlsFacts, hlsSegmentsOf, ottMedia, ottMediaFacts, ottMediaKey } from "../tools/testkit/ott-media.ts";
import { livePlaylist, missingPath, OttServer, parseRange, startOttServer } from "../tools/testkit/ott-server.ts";
import { createNetnsLink, netnsUnavailable } from "../tools/testkit/netns-link.ts";
import { curlRuns, curlThroughput } from "../tools/bench/ott-curl.ts";

const run = promisify(execFile);
const VIDEO_KBPS = [160, 480, 1000, 2000];
let media: string;

test.before(async (t) => {
  const t0 = Date.now();
  media = await ottMedia();
  t.log(`media ${media} ready in ${Date.now() - t0} ms`);
});

async function withServer<T>(fn: (s: OttServer) => Promise<T>, opts: { rate?: number; clock?: () => number } = {}): Promise<T> {
  const s = await startOttServer({ root: media, ...opts });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const get = async (url: string, init?: RequestInit): Promise<{ status: number; body: Buffer; headers: Headers; url: string }> => {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(30000) });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()), headers: r.headers, url: r.url };
};
const file = (rel: string): Buffer => readFileSync(join(media, rel));

test("media: 4 video renditions + audio in every packaging (string checks)", (t) => {
  for (const pkg of ["hls_ts", "hls_fmp4"]) {
    const master = file(`${pkg}/master.m3u8`).toString();
    const video = master.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF:") && l.includes("RESOLUTION="));
    t.is(video.length, 4, pkg);
    const bw = video.map((l) => Number(/BANDWIDTH=(\d+)/.exec(l)![1]));
    t.deepEqual([...bw].sort((a, b) => a - b), bw, `${pkg} ascending`);
    // ffmpeg 5.1 writes BANDWIDTH = 1.1 * (video + audio bit rate)
    bw.forEach((b, i) => t.is(b, Math.round((VIDEO_KBPS[i] * 1000 + 64000) * 1.1), `${pkg} BANDWIDTH ${b}`));
    t.regex(master, /#EXT-X-MEDIA:TYPE=AUDIO,.*URI="audio\/index.m3u8"/);
    t.regex(master, /CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
  }
  t.regex(file("hls_fmp4/160k/index.m3u8").toString(), /#EXT-X-MAP:URI="init_0\.mp4"/);
  for (const pkg of ["dash", "dash_timeline"]) {
    const mpd = file(`${pkg}/manifest.mpd`).toString();
    const reps = [...mpd.matchAll(/<Representation id="(\d+)" mimeType="video\/mp4"[^>]*bandwidth="(\d+)"/g)].map((m) => Number(m[2]));
    t.deepEqual(reps, VIDEO_KBPS.map((k) => k * 1000), pkg);
    t.regex(mpd, /mimeType="audio\/mp4"[^>]*bandwidth="64000"/);
    t.is(mpd.includes("<SegmentTimeline>"), pkg === "dash_timeline", `${pkg} SegmentTimeline`);
    t.regex(mpd, /media="chunk-\$RepresentationID\$-\$Number%05d\$\.m4s"/);
  }
  const ism = file("mss/Manifest").toString();
  t.regex(ism, /<StreamIndex Type="video" QualityLevels="4" Chunks="6" Url="QualityLevels\(\{bitrate\}\)\/Fragments\(video=\{start time\}\)">/);
  const ql = [...ism.matchAll(/<QualityLevel Index="\d+" Bitrate="(\d+)" FourCC="H264"/g)].map((m) => Number(m[1]));
  t.deepEqual(ql, VIDEO_KBPS.map((k) => k * 1000));
  t.regex(ism, /<QualityLevel Index="0" Bitrate="64000" FourCC="AACL"/);
});

test("media: facts (durations, segment counts, measured bit rates) are sane", (t) => {
  const f = ottMediaFacts(media);
  t.is(f.dur, 12);
  for (const pkg of ["hls_ts", "hls_fmp4"] as const) {
    const video = f[pkg].filter((r) => r.name !== "audio");
    t.deepEqual(video.map((r) => r.nominalBps), VIDEO_KBPS.map((k) => k * 1000));
    for (const r of video) {
      t.is(r.segments.length, 6, `${pkg}/${r.name}`);
      t.is(Math.round(r.durationSec * 1000), 12000);
      // CBR: within -10% / +25% of nominal (TS adds packet overhead)
      t.true(r.measuredBps > r.nominalBps! * 0.9 && r.measuredBps < r.nominalBps! * 1.25, `${pkg}/${r.name} ${r.measuredBps}`);
    }
    if (pkg === "hls_fmp4") t.truthy(video[0].init);
  }
  for (const pkg of ["dash", "dash_timeline", "mss"] as const) {
    t.is(f[pkg].length, 5, pkg);
    for (const r of f[pkg]) t.is(r.files.length, r.bandwidth === 64000 ? (pkg === "mss" ? 6 : 7) : 6, `${pkg} ${r.id}`);
  }
  t.log(
    f.hls_ts.map((r) => `hls_ts ${r.name}: ${r.segments.length} segs ${r.durationSec.toFixed(3)} s ${r.totalBytes} B ${r.measuredBps} b/s`).join("\n"),
  );
});

test("server: every segment of every HLS media playlist is served with 200 and the right length", async (t) => {
  await withServer(async (s) => {
    let n = 0;
    for (const pkg of ["hls_ts", "hls_fmp4"] as const) {
      for (const r of hlsFacts(media, pkg)) {
        const pl = await get(`${s.base}/${pkg}/${r.name}/index.m3u8`);
        t.is(pl.status, 200);
        t.is(pl.headers.get("content-type"), "application/vnd.apple.mpegurl");
        const uris = hlsSegmentsOf(pl.body.toString()).map((x) => x.uri);
        const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(pl.body.toString())?.[1];
        for (const u of map ? [map, ...uris] : uris) {
          const rel = `${pkg}/${r.name}/${u}`;
          const res = await get(new URL(u, `${s.base}/${pkg}/${r.name}/index.m3u8`).href);
          t.is(res.status, 200, rel);
          t.is(Number(res.headers.get("content-length")), file(rel).length, rel);
          t.true(res.body.equals(file(rel)), rel);
          t.is(res.headers.get("content-type"), u.endsWith(".ts") ? "video/mp2t" : u.endsWith(".mp4") ? "video/mp4" : "video/iso.segment");
          n++;
        }
      }
    }
    t.log(`${n} HLS segments checked`);
    t.true(s.requests.every((r) => r.status === 200 && !r.aborted));
  });
});

test("server: DASH template URLs and the MSS Manifest's implied URLs all exist", async (t) => {
  await withServer(async (s) => {
    for (const pkg of ["dash", "dash_timeline"]) {
      const mpd = (await get(`${s.base}/${pkg}/manifest.mpd`)).body.toString();
      t.is((await get(`${s.base}/${pkg}/manifest.mpd`)).headers.get("content-type"), "application/dash+xml");
      for (let id = 0; id < 5; id++) {
        t.true(mpd.includes(`<Representation id="${id}"`));
        t.is((await get(`${s.base}/${pkg}/init-${id}.m4s`)).status, 200);
        for (let num = 1; num <= 6; num++) t.is((await get(`${s.base}/${pkg}/chunk-${id}-${String(num).padStart(5, "0")}.m4s`)).status, 200, `${pkg} ${id} ${num}`);
        t.is((await get(`${s.base}/${pkg}/chunk-${id}-00008.m4s`)).status, 404);
      }
    }
    // MSS: t of chunk 0 (t= attribute, or 0), then + d; URL = Url with {bitrate}, {start time}
    const ism = (await get(`${s.base}/mss/Manifest`)).body.toString();
    let urls = 0;
    for (const si of ism.split("<StreamIndex ").slice(1)) {
      const tmpl = /Url="([^"]+)"/.exec(si)![1];
      const rates = [...si.matchAll(/Bitrate="(\d+)"/g)].map((m) => m[1]);
      let time = 0;
      for (const c of si.matchAll(/<c n="\d+"(?: t="(\d+)")? d="(\d+)"/g)) {
        if (c[1] !== undefined) time = Number(c[1]);
        for (const b of rates) {
          const u = tmpl.replace("{bitrate}", b).replace("{start time}", String(time));
          const r = await get(`${s.base}/mss/${u}`);
          t.is(r.status, 200, u);
          t.is(r.headers.get("content-type"), u.includes("video=") ? "video/mp4" : "audio/mp4");
          // same file with the parentheses and '=' percent-encoded, as some clients send them
          t.is((await get(`${s.base}/mss/${encodeURIComponent(u.split("/")[0])}/${encodeURIComponent(u.split("/")[1])}`)).status, 200);
          urls++;
        }
        time += Number(c[2]);
      }
    }
    t.is(urls, 4 * 6 + 6);
    t.is((await get(`${s.base}/mss/Manifest`)).headers.get("content-type"), "text/xml; charset=utf-8");
  });
});

test("server: Range requests return the exact bytes; 416 when unsatisfiable; HEAD", async (t) => {
  await withServer(async (s) => {
    const rel = "hls_ts/480k/seg_002.ts";
    const whole = file(rel);
    const size = whole.length;
    const cases: [string, number, number][] = [
      ["bytes=0-0", 0, 0],
      ["bytes=100-1099", 100, 1099],
      ["bytes=1000-", 1000, size - 1],
      ["bytes=-500", size - 500, size - 1],
      [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1],
    ];
    for (const [h, a, b] of cases) {
      const r = await get(`${s.base}/${rel}`, { headers: { Range: h } });
      t.is(r.status, 206, h);
      t.is(r.headers.get("content-range"), `bytes ${a}-${b}/${size}`, h);
      t.is(Number(r.headers.get("content-length")), b - a + 1, h);
      t.true(r.body.equals(whole.subarray(a, b + 1)), h);
    }
    for (const h of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, "bytes=-0", "bytes=5-2"]) {
      const r = await get(`${s.base}/${rel}`, { headers: { Range: h } });
      t.is(r.status, 416, h);
      t.is(r.headers.get("content-range"), `bytes */${size}`, h);
    }
    // curl's own range handling, as a second client
    const { stdout } = await run("curl", ["-s", "-r", "7-16", `${s.base}/${rel}`], { encoding: "buffer" });
    t.true((stdout as unknown as Buffer).equals(whole.subarray(7, 17)));
    const head = await fetch(`${s.base}/${rel}`, { method: "HEAD" });
    t.is(head.status, 200);
    t.is(Number(head.headers.get("content-length")), size);
    t.is(head.headers.get("accept-ranges"), "bytes");
    t.is(s.requests.at(-1)!.method, "HEAD");
    t.is(s.requests.at(-1)!.bytes, 0);
    t.is((await fetch(`${s.base}/${rel}`, { method: "POST" })).status, 405);
    t.is((await get(`${s.base}/../../etc/passwd`)).status, 404);
    t.is((await get(`${s.base}/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
  });
  t.deepEqual(parseRange("bytes=0-1,5-6", 10), "none");
  t.deepEqual(parseRange("items=0-1", 10), "none");
});

test("server: redirect chains and status routes", async (t) => {
  await withServer(async (s) => {
    let url = `${s.base}/redirect/3/hls_ts/master.m3u8`;
    const hops: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await fetch(url, { redirect: "manual" });
      if (r.status !== 302) {
        t.is(r.status, 200);
        t.true(Buffer.from(await r.arrayBuffer()).equals(file("hls_ts/master.m3u8")));
        break;
      }
      await r.arrayBuffer();
      const loc = r.headers.get("location")!;
      t.true(loc.startsWith("/"), "relative reference (absolute path)");
      hops.push(loc);
      url = new URL(loc, url).href;
    }
    t.deepEqual(hops, ["/redirect/2/hls_ts/master.m3u8", "/redirect/1/hls_ts/master.m3u8", "/hls_ts/master.m3u8"]);
    const followed = await get(`${s.base}/redirect/5/hls_ts/480k/seg_000.ts`);
    t.is(followed.status, 200);
    t.is(followed.url, `${s.base}/hls_ts/480k/seg_000.ts`);
    t.is((await get(`${s.base}/redirect/0/hls_ts/master.m3u8`)).status, 200);
    const { stdout } = await run("curl", ["-s", "-L", "-o", "/dev/null", "-w", "%{num_redirects} %{http_code} %{url_effective}", `${s.base}/redirect/4/dash/manifest.mpd`]);
    t.is(stdout, `4 200 ${s.base}/dash/manifest.mpd`);
    for (const code of [400, 403, 404, 410, 429, 500, 502, 503, 504]) {
      const r = await get(`${s.base}/status/${code}/hls_ts/160k/seg_000.ts`);
      t.is(r.status, code);
      t.is(r.body.toString(), `status ${code}\n`);
    }
    t.is((await get(`${s.base}/status/204/x`)).status, 204);
    t.is((await get(`${s.base}/status/99/x`)).status, 400);
    t.is((await get(`${s.base}/nope.m3u8`)).status, 404);
  });
});

test("server: /missing/ makes exactly the chosen segment 404", async (t) => {
  await withServer(async (s) => {
    // HLS: master where rendition 480k segment 3 is missing; walk every playlist from the master
    const masterUrl = `${s.base}${missingPath("480k", 3, "hls_ts/master.m3u8")}`;
    const master = (await get(masterUrl)).body.toString();
    const failed: string[] = [];
    let ok = 0;
    for (const uri of master.split("\n").filter((l) => l.endsWith(".m3u8") && !l.startsWith("#"))) {
      const plUrl = new URL(uri, masterUrl).href;
      const pl = await get(plUrl);
      t.is(pl.status, 200);
      for (const seg of hlsSegmentsOf(pl.body.toString())) {
        const r = await get(new URL(seg.uri, plUrl).href);
        if (r.status === 200) ok++;
        else failed.push(`${r.status} ${new URL(seg.uri, plUrl).pathname}`);
      }
    }
    t.deepEqual(failed, ["404 /missing/480k/3/hls_ts/480k/missing-seg_003.ts"]);
    t.is(ok, 4 * 6 + 7 - 1);
    // fMP4 variant, first segment
    const pl = (await get(`${s.base}${missingPath("audio", 0, "hls_fmp4/audio/index.m3u8")}`)).body.toString();
    t.is(hlsSegmentsOf(pl)[0].uri, "missing-seg_000.m4s");
    // DASH: Representation 1, k = 2 -> chunk-1-00003.m4s (startNumber 1)
    for (const pkg of ["dash", "dash_timeline"]) {
      const p = (f: string) => `${s.base}${missingPath("1", 2, `${pkg}/${f}`)}`;
      t.is((await get(p("manifest.mpd"))).status, 200);
      t.is((await get(p("chunk-1-00003.m4s"))).status, 404);
      t.is((await get(p("chunk-1-00002.m4s"))).status, 200);
      t.is((await get(p("chunk-2-00003.m4s"))).status, 200);
      t.is((await get(p("init-1.m4s"))).status, 200);
    }
    // MSS: QualityLevels(480000), k = 1 -> Fragments(video=20800000)
    const m = (f: string) => `${s.base}${missingPath("480000", 1, `mss/${f}`)}`;
    t.is((await get(m("QualityLevels(480000)/Fragments(video=20800000)"))).status, 404);
    t.is((await get(m("QualityLevels(480000)/Fragments(video=800000)"))).status, 200);
    t.is((await get(m("QualityLevels(160000)/Fragments(video=20800000)"))).status, 200);
    t.is((await get(m("Manifest"))).status, 200);
  });
});

test.serial("server: pacing at 300 kB/s, ~1.1 MB over two parallel downloads, takes bytes/300k (±20%)", async (t) => {
  await withServer(
    async (s) => {
      const segs = ["hls_ts/2000k/seg_001.ts", "hls_ts/2000k/seg_002.ts"];
      const total = segs.reduce((a, p) => a + file(p).length, 0);
      t.true(total > 1_000_000);
      const t0 = performance.now();
      const bodies = await Promise.all(segs.map((p) => get(`${s.base}/${p}`)));
      const sec = (performance.now() - t0) / 1000;
      const expect = total / 300_000;
      t.log(`${total} B in ${sec.toFixed(3)} s (expected ${expect.toFixed(3)} s) = ${Math.round(total / sec)} B/s`);
      t.true(sec > expect * 0.8 && sec < expect * 1.2, `${sec} s`);
      bodies.forEach((b, i) => t.true(b.body.equals(file(segs[i]))));
      // the two shared the bottleneck: both ended near the end, not one after the other
      const logs = s.requests.filter((r) => segs.some((p) => r.url.endsWith(p)));
      t.true(Math.min(...logs.map((l) => l.endMs - l.startMs)) / 1000 > expect * 0.6);
      t.deepEqual(logs.map((l) => l.bytes).sort(), segs.map((p) => file(p).length).sort());
      // curl through the same pacer, and the unpaced server is much faster
      const r = await curlThroughput(`${s.base}/${segs[0]}`, 1);
      t.true(r > 240_000 && r < 360_000, `curl ${r} B/s`);
      s.setRate(undefined);
      const fast = await curlThroughput(`${s.base}/${segs[0]}`, 1);
      t.true(fast > 3_000_000, `unpaced curl ${fast} B/s`);
    },
    { rate: 300_000 },
  );
});

test.serial("server: aborted paced download is logged as aborted and stops consuming the bucket", async (t) => {
  await withServer(
    async (s) => {
      const ac = new AbortController();
      const r = await fetch(`${s.base}/hls_ts/2000k/seg_000.ts`, { signal: ac.signal });
      const reader = r.body!.getReader();
      await reader.read();
      ac.abort();
      await reader.read().catch(() => undefined);
      for (let i = 0; i < 50 && s.requests.length === 0; i++) await new Promise((x) => setTimeout(x, 20));
      t.is(s.requests.length, 1);
      t.true(s.requests[0].aborted);
      t.true(s.requests[0].bytes < file("hls_ts/2000k/seg_000.ts").length);
      const t0 = performance.now();
      const small = await get(`${s.base}/hls_ts/160k/seg_000.ts`);
      t.is(small.status, 200);
      const sec = (performance.now() - t0) / 1000;
      t.true(sec < (small.body.length / 200_000) * 1.3 + 0.1, `${sec}`);
    },
    { rate: 200_000 },
  );
});

test("server: live HLS playlist slides with time (fake clock) and in real time", async (t) => {
  let now = 0;
  await withServer(
    async (s) => {
      const seqOf = (pl: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(pl)![1]);
      const pl = async () => (await get(`${s.base}/live/hls_ts/480k/index.m3u8`)).body.toString();
      const p0 = await pl();
      t.false(p0.includes("#EXT-X-ENDLIST"));
      t.false(p0.includes("PLAYLIST-TYPE"));
      t.is(seqOf(p0), 0);
      t.deepEqual(hlsSegmentsOf(p0).map((x) => x.uri), ["seg_000.ts", "seg_001.ts", "seg_002.ts"]);
      now = 2000;
      t.is(seqOf(await pl()), 1);
      now = 7999;
      t.deepEqual(hlsSegmentsOf(await pl()).map((x) => x.uri), ["seg_003.ts", "seg_004.ts", "seg_005.ts"]);
      now = 8000; // wraps: seg_004, seg_005, DISCONTINUITY, seg_000
      const w = await pl();
      t.is(seqOf(w), 4);
      t.regex(w, /#EXTINF:2\.000000,\nseg_004\.ts\n#EXTINF:2\.000000,\nseg_005\.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2\.000000,\nseg_000\.ts\n$/);
      t.regex(w, /#EXT-X-DISCONTINUITY-SEQUENCE:0/);
      now = 12000 * 10 + 1;
      const far = await pl();
      t.is(seqOf(far), 60);
      t.regex(far, /#EXT-X-DISCONTINUITY-SEQUENCE:10/);
      // segments and master under /live/ are the VOD files
      t.is((await get(`${s.base}/live/hls_ts/480k/seg_000.ts`)).body.length, file("hls_ts/480k/seg_000.ts").length);
      t.is((await get(`${s.base}/live/hls_ts/master.m3u8`)).status, 200);
      const f = (await get(`${s.base}/live/hls_fmp4/480k/index.m3u8`)).body.toString();
      t.regex(f, /#EXT-X-MAP:URI="init_1\.mp4"/);
    },
    { clock: () => now },
  );
  await withServer(async (s) => {
    const seq = async () => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec((await get(`${s.base}/live/hls_ts/audio/index.m3u8`)).body.toString())![1]);
    const a = await seq();
    await new Promise((r) => setTimeout(r, 2200));
    const b = await seq();
    t.is(a, 0);
    t.is(b, 1);
  });
  // the function itself, audio (7 segments, last 0.021 s)
  const audio = file("hls_ts/audio/index.m3u8").toString();
  t.is(hlsSegmentsOf(livePlaylist(audio, 0, 3)).length, 3);
});

test.serial("netns link: curl through tbf 4mbit gets ~500 kB/s (±15%)", async (t) => {
  const why = netnsUnavailable();
  if (why) {
    t.log(`skipped: ${why}`);
    t.pass();
    return;
  }
  const link = await createNetnsLink({ root: media, rate: "4mbit" });
  t.teardown(() => link.close());
  const url = `${link.base}/hls_ts/2000k/seg_001.ts`;
  const runs = await curlRuns(url, 3, { prefix: link.clientExec });
  const rate = await curlThroughput(url, 3, { prefix: link.clientExec });
  t.log(`runs ${runs.map((r) => Math.round(r.rate)).join(", ")} B/s; median of 3 more ${Math.round(rate)} B/s\n${link.tcStats()}`);
  t.true(Math.abs(rate - 500_000) / 500_000 < 0.15, `${rate}`);
  // the root namespace cannot reach it (nothing leaves the two namespaces)
  const { stdout } = await run("ip", ["netns", "list"]);
  t.true(stdout.includes(link.srvNs) && stdout.includes(link.cliNs));
  await link.close();
  t.false((await run("ip", ["netns", "list"])).stdout.includes(link.srvNs));
});

test("ottMedia: one build per key, concurrent callers share it; stale lock is broken", async (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), "mp-ott-cache-"));
  t.teardown(() => rmSync(cacheDir, { recursive: true, force: true }));
  const opts = { dur: 2, cacheDir, ladder: "l:320x180:100 h:640x360:300" };
  // a stale lock left by a dead process
  const key = ottMediaKey(opts);
  mkdirSync(join(cacheDir, `${key}.lock`));
  writeFileSync(join(cacheDir, `${key}.lock`, "pid"), "999999999");
  const t0 = Date.now();
  const [a, b, c] = await Promise.all([ottMedia(opts), ottMedia(opts), ottMedia(opts)]);
  t.log(`tiny set built in ${Date.now() - t0} ms`);
  t.is(a, b);
  t.is(b, c);
  t.true(existsSync(join(a, "mss/Manifest")));
  t.false(existsSync(join(cacheDir, `${key}.lock`)));
  t.regex(readFileSync(join(a, "hls_ts/master.m3u8"), "utf8"), /BANDWIDTH=\d+,RESOLUTION=640x360/);
  t.not(ottMediaKey(opts), ottMediaKey({ ...opts, dur: 4 }));
});
