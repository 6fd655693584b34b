import test from "ava";
import { readFileSync, readdirSync } from "node:fs";
import { ProbeError } from "../../core/util/errors";
import { applyHlsMedia, parseHls, parseHlsMedia } from "../../core/measurements/ott/manifest/hls";
import { parseManifest } from "../../core/measurements/ott/manifest/detect";
import { Manifest } from "../../core/measurements/ott/manifest/model";
import * as S from "../fixtures/manifests/synthetic";

const DIR = new URL("../fixtures/manifests/hls/", import.meta.url).pathname;
const BASE = "https://cdn.example.com/vod/show/";
const load = (f: string): string => readFileSync(DIR + f, "utf8");
const parse = (f: string): Manifest => parseHls(load(f), BASE + f);
function err(f: () => unknown): ProbeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProbeError) return e;
    throw e;
  }
  throw new Error("no error");
}

const CHECKED = new Set<string>();
const check = (f: string): Manifest => {
  CHECKED.add(f);
  return parse(f);
};
const fails = (f: string, code: string, msg: string) => (t: { is: (a: unknown, b: unknown) => void; true: (a: boolean, m?: string) => void }) => {
  CHECKED.add(f);
  const e = err(() => parse(f));
  t.is(e.code, code);
  t.true(e.message.indexOf(msg) >= 0, e.message);
};

test("master.m3u8: 4 variants, comment before #EXTM3U tolerated", (t) => {
  const m = check("master.m3u8");
  t.is(m.kind, "hls");
  t.true(m.hls!.master);
  t.deepEqual(m.renditions.map((r) => r.bandwidth), [240000, 40000, 440000, 1928000]);
  t.is(m.renditions[0].width, 396);
  t.is(m.renditions[0].height, 224);
  t.is(m.renditions[1].width, undefined);
  t.is(m.renditions[3].height, 540);
  t.deepEqual(m.renditions.map((r) => r.mediaUrl), [BASE + "media.m3u8", BASE + "media1.m3u8", BASE + "media2.m3u8", BASE + "media3.m3u8"]);
  t.deepEqual(m.renditions[0].segments, []);
  t.is(m.warnings.length, 1);
});

test("alternateVideo.m3u8: VIDEO/AUDIO groups", (t) => {
  const m = check("alternateVideo.m3u8");
  t.is(m.renditions.length, 1);
  const r = m.renditions[0];
  t.is(r.bandwidth, 754857);
  t.is(r.codecs, "mp4a.40.2,avc1.4d401e");
  t.is(r.videoGroup, "500kbs");
  t.is(r.audioGroup, "aac");
  t.is(r.mediaUrl, BASE + "Angle1/500kbs/prog_index.m3u8");
  t.is(m.alternates!.length, 3);
  t.is(m.alternates![0].mediaUrl, undefined);
  t.is(m.alternates![2].mediaUrl, BASE + "Angle3/500kbs/prog_index.m3u8");
  t.is(m.audio!.length, 1);
  t.is(m.audio![0].lang, "eng");
  t.is(m.audio![0].mediaUrl, BASE + "eng/prog_index.m3u8");
});

test("multipleVideo.m3u8", (t) => {
  const m = check("multipleVideo.m3u8");
  t.deepEqual(m.renditions.map((r) => r.bandwidth), [300000, 754857]);
  t.is(m.renditions[0].mediaUrl, BASE + "Angle1/200kbs/prog_index.m3u");
  t.is(m.alternates!.length, 6);
  t.is(m.audio!.length, 1);
});

test("multipleAudioGroupsCombinedMain.m3u8: spaces after commas, UTF-8 names", (t) => {
  const m = check("multipleAudioGroupsCombinedMain.m3u8");
  t.deepEqual(m.renditions.map((r) => r.bandwidth), [195023, 260000, 591680, 650000]);
  t.deepEqual(m.renditions.map((r) => r.audioGroup), ["audio-lo", "audio-lo", "audio-hi", "audio-hi"]);
  t.is(m.renditions[2].codecs, "mp4a.40.2, avc1.64001e");
  // CODECS="mp4a.40.5" alone: an audio-only variant (RFC 8216 allows it), not video
  t.deepEqual(m.renditions.map((r) => r.type), ["audio", "video", "video", "video"]);
  t.is(m.renditions[0].mediaUrl, BASE + "lo/prog_index.m3u8");
  t.is(m.audio!.length, 6);
  t.is(m.audio![0].mediaUrl, undefined);
  t.is(m.audio![1].name, "Français");
  t.is(m.audio![1].mediaUrl, BASE + "frelo/prog_index.m3u8");
  t.is(m.audio![5].lang, "sp");
});

test("iFramePlaylist.m3u8: I-frame playlists kept out of the ladder", (t) => {
  const m = check("iFramePlaylist.m3u8");
  t.is(m.renditions.length, 9);
  const r = m.renditions[0];
  t.is(r.bandwidth, 3971374);
  t.is(r.averageBandwidth, 2778321);
  t.is(r.width, 1280);
  t.is(r.frameRate, 23.976);
  t.is(r.codecs, "hvc1.2.4.L123.B0");
  t.is(r.mediaUrl, BASE + "sdr_720/prog_index.m3u8");
  t.is(m.renditions[8].bandwidth, 29983769);
  t.is(m.iframes!.length, 9);
  t.is(m.iframes![0].bandwidth, 593626);
  t.is(m.iframes![0].mediaUrl, BASE + "sdr_720/iframe_index.m3u8");
  t.is(m.hls!.version, 7);
  t.true(m.hls!.independentSegments);
});

const RANGES: [number, number][] = [
  [0, 522827], [522828, 1110327], [1110328, 1823411], [1823412, 2299991], [2299992, 2835603],
];

test("playlist.m3u8: 17 byte-range segments", (t) => {
  const m = check("playlist.m3u8");
  const s = m.renditions[0].segments;
  t.is(s.length, 17);
  t.false(m.live);
  t.is(m.durationMs, 161416.7);
  t.is(m.targetDurationMs, 10000);
  for (let i = 0; i < RANGES.length; i++) t.deepEqual(s[i].byteRange, RANGES[i]);
  t.is(s[0].url, BASE + "hls_450k_video.ts");
  t.deepEqual(s[16].byteRange, [8353216, 8397771]);
  t.is(s[16].durationMs, 1416.7);
  t.is(s[16].startMs, 160000);
  t.is(s[16].number, 16);
});

test("byteRange.m3u8: whole first segment, implicit offset", (t) => {
  const m = check("byteRange.m3u8");
  const s = m.renditions[0].segments;
  t.is(s.length, 17);
  t.is(s[0].byteRange, undefined);
  t.deepEqual(s[1].byteRange, [522828, 1110327]);
  t.is(s[2].url, BASE + "hls_450k_video2.ts");
  t.deepEqual(s[2].byteRange, [1110328, 1823411]);
  t.true(m.warnings[0].indexOf("line 13") === 0);
});

test("llhls-byte-range.m3u8: empty offset, parts tolerated", (t) => {
  const m = check("llhls-byte-range.m3u8");
  const s = m.renditions[0].segments;
  t.is(s.length, 17);
  t.deepEqual(s[0].byteRange, [0, 587499]);
  t.deepEqual(s[1].byteRange, [522828, 1110327]);
  t.deepEqual(s[2].byteRange, [1110328, 1823411]);
  t.is(m.hls!.parts, 7);
  t.false(m.live);
  t.true(m.warnings.some((w) => w.indexOf("line 7:") === 0));
});

test("llhls.m3u8: live, media sequence 266, init, parts", (t) => {
  const m = check("llhls.m3u8");
  const r = m.renditions[0];
  t.true(m.live);
  t.is(m.durationMs, undefined);
  t.is(m.refreshMs, 4000);
  t.is(r.segments.length, 7);
  t.is(r.initSegment!.url, BASE + "init.mp4");
  t.is(r.segments[0].number, 266);
  t.is(r.segments[0].durationMs, 4000.08);
  t.is(r.segments[6].url, BASE + "fileSequence272.mp4");
  t.is(r.segments[6].number, 272);
  t.is(r.segments[6].startMs, 24000.48);
  t.is(m.hls!.partTargetMs, 333.34);
  t.is(m.hls!.parts, 27);
});

test("fmp4.m3u8: EXT-X-MAP with BYTERANGE", (t) => {
  const m = check("fmp4.m3u8");
  const r = m.renditions[0];
  t.is(r.initSegment!.url, BASE + "main.mp4");
  t.deepEqual(r.initSegment!.byteRange, [0, 719]);
  t.deepEqual(r.segments.map((s) => s.byteRange), [[720, 5667229], [5667230, 11528806]]);
  t.deepEqual(r.segments.map((s) => s.durationMs), [6006, 6006]);
  t.deepEqual(r.segments.map((s) => s.number), [1, 2]);
  t.is(m.durationMs, 12012);
});

test("diff-init-key.m3u8: init and key changes", (t) => {
  const m = check("diff-init-key.m3u8");
  const r = m.renditions[0];
  const s = r.segments;
  t.true(m.live);
  t.is(s.length, 11);
  t.is(r.initSegment!.url, "http://media.example.com/init52.mp4");
  t.is(s[0].initSegment, undefined);
  t.is(s[0].keyMethod, "AES-128");
  t.is(s[0].keyUrl, "https://priv.example.com/key.php?r=52");
  t.is(s[0].number, 7794);
  t.is(s[3].initSegment!.url, "http://media.example.com/init53-A.mp4");
  t.is(s[3].keyUrl, "https://priv.example.com/key.php?r=53");
  t.is(s[4].initSegment!.url, "http://media.example.com/init53-B.mp4");
  t.is(s[5].keyUrl, "https://priv.example.com/key.php?r=54");
  t.is(s[7].keyMethod, undefined);
  t.is(s[9].keyUrl, "https://priv.example.com/key.php?r=54-b");
  t.is(s[10].keyMethod, undefined);
  t.is(s[10].initSegment!.url, "http://media.example.com/init54-E.mp4");
  t.is(s[1].durationMs, 15000);
  t.is(s[0].durationMs, 2833);
});

test("encrypted.m3u8", (t) => {
  const m = check("encrypted.m3u8");
  const s = m.renditions[0].segments;
  t.is(s.length, 6);
  t.is(s[4].keyUrl, "https://priv.example.com/key.php?r=54");
  t.is(s[5].keyMethod, undefined);
  t.is(s[0].url, "http://media.example.com/fileSequence52-A.ts");
});

test("disc-sequence.m3u8", (t) => {
  const m = check("disc-sequence.m3u8");
  const s = m.renditions[0].segments;
  t.deepEqual(s.map((x) => x.durationMs), [10000, 19000, 10000, 11000]);
  t.deepEqual(s.map((x) => x.discontinuity === true), [false, false, true, false]);
  t.is(s[3].startMs, 39000);
  t.is(m.hls!.discontinuitySequence, 3);
});

test("absoluteUris / whiteSpace / domainUris: URI resolution", (t) => {
  const want = ["http://example.com/00001.ts", "https://example.com/00002.ts", "https://example.com/00003.ts", "http://example.com/00004.ts"];
  t.deepEqual(check("absoluteUris.m3u8").renditions[0].segments.map((s) => s.url), want);
  t.deepEqual(check("whiteSpace.m3u8").renditions[0].segments.map((s) => s.url), want);
  t.deepEqual(check("domainUris.m3u8").renditions[0].segments.map((s) => s.url), [
    "https://cdn.example.com/00001.ts", "https://cdn.example.com/subdir/00002.ts", "https://cdn.example.com/00003.ts", "https://cdn.example.com/00004.ts",
  ]);
});

test("mediaSequence / twoMediaSequences", (t) => {
  const a = check("mediaSequence.m3u8");
  t.deepEqual(a.renditions[0].segments.map((s) => s.durationMs), [6640, 6080, 6600, 5000]);
  t.is(a.durationMs, 24320);
  t.is(a.renditions[0].segments[0].url, "https://cdn.example.com/test/ts-files/tvy7/8a5e2822668b5370f4eb1438b2564fb7ab12ffe1-hi720.ts");
  const b = check("twoMediaSequences.m3u8");
  t.deepEqual(b.renditions[0].segments.map((s) => s.number), [11, 12, 13, 14]);
  t.true(b.warnings[0].indexOf("line 4") === 0);
});

test("ALLOW-CACHE variants are ignored", (t) => {
  for (const f of ["allowCacheInvalid.m3u8", "emptyAllowCache.m3u8", "invalidAllowCache.m3u8"]) {
    const s = check(f).renditions[0].segments;
    t.is(s.length, 1);
    t.deepEqual(s[0].byteRange, [0, 522827]);
    t.is(s[0].durationMs, 10000);
  }
});

test("invalid PLAYLIST-TYPE values are warned about, not fatal", (t) => {
  for (const f of ["emptyPlaylistType.m3u8", "invalidPlaylistType.m3u8"]) {
    const m = check(f);
    t.is(m.renditions[0].segments.length, 6);
    t.is(m.renditions[0].segments[5].durationMs, 8000);
    t.is(m.durationMs, 58000);
    t.false(m.live);
    t.true(m.warnings[0].indexOf("line 2") === 0);
  }
  const x = check("extXPlaylistTypeInvalidPlaylist.m3u8");
  t.is(x.renditions[0].segments.length, 1);
  t.is(x.renditions[0].segments[0].number, 1);
  t.is(x.renditions[0].segments[0].durationMs, 6640);
});

test("missing EXTINF", fails("missingExtinf.m3u8", "EMANIFEST", "line 8"));
test("missing segment duration", fails("missingSegmentDuration.m3u8", "EMANIFEST", "line 8"));
test("live missing segment duration", fails("liveMissingSegmentDuration.m3u8", "EMANIFEST", "line 8"));
test("negative target duration", fails("manifestExtTTargetdurationNegative.m3u8", "EMANIFEST", "line 2"));
test("no #EXTM3U", fails("manifestNoExtM3u.m3u8", "EMANIFEST", "#EXTM3U"));
test("start.m3u8 has no #EXTM3U", fails("start.m3u8", "EMANIFEST", "#EXTM3U"));

test("master then media playlist: the player flow", (t) => {
  const m = parseHls("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000\nv/fmp4.m3u8\n", "https://h/p/master.m3u8");
  const r = m.renditions[0];
  t.is(r.mediaUrl, "https://h/p/v/fmp4.m3u8");
  const media = parseHlsMedia(load("fmp4.m3u8"), r.mediaUrl!);
  applyHlsMedia(r, media);
  t.is(r.segments[0].url, "https://h/p/v/main.mp4");
  t.deepEqual(r.initSegment!.byteRange, [0, 719]);
  t.is(err(() => parseHlsMedia(load("master.m3u8"), BASE)).code, "EMANIFEST");
});

test("live window with discontinuity and relative URIs", (t) => {
  const m = parseHls(S.HLS_LIVE_WINDOW, "https://h/a/live/index.m3u8");
  const s = m.renditions[0].segments;
  t.true(m.live);
  t.is(s[0].url, "https://h/a/seg/1000.ts?token=abc");
  t.is(s[2].number, 1002);
  t.true(s[2].discontinuity);
  t.is(s[2].startMs, 12012);
  t.is(s[2].durationMs, 5005);
});

test("hostile and malformed playlists give typed errors", (t) => {
  t.is(err(() => parseHls(S.HLS_NO_BANDWIDTH, BASE)).code, "EMANIFEST");
  t.is(err(() => parseHls(S.HLS_ABSURD_EXTINF, BASE)).code, "EMANIFEST");
  t.is(err(() => parseHls(S.HLS_HUGE_EXTINF, BASE)).code, "EMANIFEST");
  t.is(err(() => parseHls(S.HLS_MIXED, BASE)).code, "EMANIFEST");
  t.is(err(() => parseHls(S.HLS_TRAILING_EXTINF, BASE)).message.indexOf("line 5"), 0);
  t.is(err(() => parseHls("", BASE)).code, "EMANIFEST");
  t.is(err(() => parseHls(load("playlist.m3u8"), BASE, { limits: { maxSegments: 5 } })).code, "ELIMIT");
  t.is(err(() => parseHls(load("playlist.m3u8"), BASE, { limits: { maxBytes: 100 } })).code, "ELIMIT");
  const big: string[] = ["#EXTM3U", "#EXT-X-TARGETDURATION:1"];
  for (let i = 0; i < 100001; i++) big.push("#EXTINF:1,\ns.ts");
  t.is(err(() => parseHls(big.join("\n"), BASE)).code, "ELIMIT");
});

test("detection routes every fixture to HLS", (t) => {
  for (const f of readdirSync(DIR)) {
    try {
      t.is(parseManifest(load(f), BASE + f).kind, "hls");
    } catch (e) {
      t.true(e instanceof ProbeError && e.code === "EMANIFEST", f);
    }
  }
});

test("every HLS fixture is checked by value above", (t) => {
  const all = readdirSync(DIR).sort();
  t.deepEqual(all.filter((f) => !CHECKED.has(f)), []);
});
