import test from "ava";
import { readFileSync, readdirSync } from "node:fs";
import { ProbeError } from "../../core/util/errors";
import { fillTemplate, parseDash, parseIsoDurationUs } from "../../core/measurements/ott/manifest/dash";
import { parseManifest } from "../../core/measurements/ott/manifest/detect";
import { Manifest } from "../../core/measurements/ott/manifest/model";
import * as S from "../fixtures/manifests/synthetic";

const DIR = new URL("../fixtures/manifests/dash/", import.meta.url).pathname;
const BASE = "https://cdn.example.com/dash/show/";
const CHECKED = new Set<string>();
const load = (f: string): string => readFileSync(DIR + f, "utf8");
const check = (f: string): Manifest => {
  CHECKED.add(f);
  return parseDash(load(f), BASE + f);
};
function err(f: () => unknown): ProbeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProbeError) return e;
    throw e;
  }
  throw new Error("no error");
}

test("ISO 8601 durations", (t) => {
  t.is(parseIsoDurationUs("PT1H2M3.5S"), 3723500000);
  t.is(parseIsoDurationUs("P1D"), 86400000000);
  t.is(parseIsoDurationUs("P1DT12H"), 129600000000);
  t.is(parseIsoDurationUs("PT5.972633333S"), 5972633);
  t.is(parseIsoDurationUs("PT0S"), 0);
  t.is(parseIsoDurationUs("1S"), undefined);
  t.is(parseIsoDurationUs("PT"), undefined);
  t.is(parseIsoDurationUs("P1H"), undefined);
});

test("template identifiers and widths", (t) => {
  t.is(fillTemplate("$RepresentationID$/$Number%05d$-$Time$-$Bandwidth$$$.m4s", "v", 800, 42, 9000), "v/00042-9000-800$.m4s");
  t.is(err(() => fillTemplate("$Foo$", "v", 1, 1, 1)).code, "EMANIFEST");
  t.is(err(() => fillTemplate("$Number", "v", 1, 1, 1)).code, "EMANIFEST");
});

test("segmentBase.mpd / locations.mpd / 608-captions.mpd: one whole-file segment from the inherited BaseURL", (t) => {
  for (const f of ["segmentBase.mpd", "locations.mpd", "608-captions.mpd"]) {
    const m = check(f);
    t.false(m.live);
    t.is(m.durationMs, 6000);
    t.is(m.minBufferMs, 2000);
    t.is(m.renditions.length, 1);
    const r = m.renditions[0];
    t.is(r.id, "482");
    t.is(r.bandwidth, 449000);
    t.is(r.width, 482);
    t.is(r.height, 270);
    t.is(r.frameRate, 2997 / 125);
    t.is(r.codecs, "avc1.420015");
    t.deepEqual(r.segments, [{ url: "https://www.example.com/1080p.ts", startMs: 0, durationMs: 6000, number: 1, period: 0 }]);
  }
  t.is(check("locations.mpd").location, "https://www.example.com/updates");
});

test("audio-only.mpd: SegmentBase with Initialization and indexRange; audio becomes the ladder", (t) => {
  const m = check("audio-only.mpd");
  t.is(m.audio, undefined);
  t.deepEqual(m.renditions.map((r) => [r.id, r.bandwidth, r.lang, r.type]), [["0", 130803, "en", "audio"], ["1", 130405, "es", "audio"]]);
  const r = m.renditions[0];
  t.is(r.initSegment!.url, "http://example.com/audio_en_2c_128k_aac.mp4");
  t.deepEqual(r.initSegment!.byteRange, [0, 785]);
  t.deepEqual(r.indexRange, [786, 1009]);
  t.is(r.segments.length, 1);
  t.is(r.segments[0].durationMs, 60000);
});

test("vtt_codecs.mpd: AdaptationSet templates inherited, per-language audio, text sets", (t) => {
  const m = check("vtt_codecs.mpd");
  t.deepEqual(m.renditions.map((r) => r.id), ["482", "720"]);
  const v = m.renditions[1];
  t.is(v.bandwidth, 3971000);
  t.is(v.initSegment!.url, "https://www.example.com/720/init.m4f");
  t.is(v.segments.length, 4); // 6 s / (46046/24000 s)
  t.is(v.segments[0].url, "https://www.example.com/720/0.m4f");
  t.is(v.segments[1].startMs, 1918.583);
  t.is(v.segments[3].startMs, 5755.75);
  t.is(v.segments[3].durationMs, 244.25); // clipped to the period end
  t.deepEqual(m.audio!.map((r) => r.id + "/" + r.lang), ["63000/en", "125000/en", "63000/es", "125000/es"]);
  t.is(m.audio![2].segments[3].url, "https://www.example.com/63000/es/3.m4f");
  t.is(m.audio![0].segments[1].startMs, 1984);
  t.deepEqual(m.text!.map((r) => r.segments[0].url), ["https://example.com/en.dash", "https://example.com/es.vtt"]);
});

test("multiperiod-segment-template.mpd: duration templates across two periods", (t) => {
  const m = check("multiperiod-segment-template.mpd");
  t.is(m.durationMs, 30000);
  t.deepEqual(m.periods, [{ id: "1", startMs: 0, durationMs: 15000 }, { id: "2", startMs: 15000, durationMs: 15000 }]);
  const v = m.renditions[0];
  t.is(v.segments.length, 6);
  t.deepEqual(v.segments.map((s) => s.startMs), [0, 5000, 10000, 15000, 20000, 25000]);
  t.deepEqual(v.segments.map((s) => s.number), [0, 1, 2, 0, 1, 2]);
  t.is(v.segments[3].url, "https://www.example.com/video/segment_0.m4f");
  t.true(v.segments[3].discontinuity);
  t.is(v.segments[3].initSegment, undefined); // same init in both periods
  t.is(m.audio![0].segments.length, 6);
  t.is(m.audio![0].segments[1].url, "https://www.example.com/audio/segment_1.m4f");
});

test("multiperiod-dynamic.mpd: timelines, startNumber, presentationTimeOffset per period", (t) => {
  const m = check("multiperiod-dynamic.mpd");
  t.true(m.live);
  t.is(m.durationMs, 36269);
  t.deepEqual(m.periods!.map((p) => p.startMs), [0, 5972.633, 10810.8, 24791.433, 27949.347]);
  const v = m.renditions[0];
  t.is(v.id, "default_video2000_0_1280x720");
  t.is(v.segments.length, 20);
  t.is(v.initSegment!.url, "https://example.com/default_video2000_0_1280x720/init0.m4f");
  t.is(v.segments[2].durationMs, 1968.633);
  t.is(v.segments[3].number, 3);
  t.is(v.segments[3].startMs, 5972.633);
  t.is(v.segments[3].initSegment!.url, "https://example.com/default_video2000_0_1280x720/init1.m4f");
  // Period 3: presentationTimeOffset 145145, no S@t: the timeline starts at the period start.
  t.is(v.segments[13].number, 13);
  t.is(v.segments[13].startMs, 24791.433);
  t.is(v.segments[13].durationMs, 967.633);
  t.is(v.segments[19].url, "https://example.com/default_video2000_0_1280x720/segment19.m4f");
  t.is(m.audio!.length, 2);
  t.is(m.audio![0].segments[0].durationMs, 1996.916);
});

test("multiperiod-startnumber.mpd: $Number%03d$, PTO equal to the first t", (t) => {
  const m = check("multiperiod-startnumber.mpd");
  t.true(m.live);
  t.is(m.refreshMs, 2000);
  t.is(m.timeShiftMs, 180000);
  t.is(m.availabilityStartTime, "2021-03-18T20:00:36Z");
  t.deepEqual(m.periods!.map((p) => p.startMs), [100000, 103000, 107000, 111000]);
  t.deepEqual(m.renditions.map((r) => r.id), ["D", "E", "F", "A", "B", "C"]);
  const d = m.renditions[0];
  t.is(d.segments.length, 10);
  t.deepEqual(d.segments.slice(0, 3).map((s) => [s.url, s.startMs, s.durationMs, s.number]), [
    ["http://example.com/video/D/D500.m4f", 100000, 1000, 500],
    ["http://example.com/video/D/D501.m4f", 101000, 1000, 501],
    ["http://example.com/video/D/D502.m4f", 102000, 1000, 502],
  ]);
  t.is(d.segments[9].url, "http://example.com/video/D/D864.m4f");
  t.is(d.segments[9].startMs, 113000);
  const a = m.audio![0];
  t.is(a.segments[0].url, "http://example.com/audio/500.m4f");
});

test("synthetic: $Number%05d$, $Bandwidth$, duration template clipped at the period end", (t) => {
  const m = parseDash(S.DASH_TEMPLATE_NUMBER, "https://cdn.example.com/x/a.mpd");
  const v = m.renditions[1];
  t.is(v.initSegment!.url, "https://cdn.example.com/x/media/low/v2/init-00800000.mp4");
  t.is(v.segments.length, 16);
  t.is(v.segments[0].url, "https://cdn.example.com/x/media/low/v2/seg-00007-800000.m4s");
  t.is(v.segments[15].number, 22);
  t.is(v.segments[15].durationMs, 500);
  t.is(m.renditions[0].frameRate, 30000 / 1001);
});

test("synthetic: $Time$, r=-1 bounded by the next t and by the period end", (t) => {
  const m = parseDash(S.DASH_TIMELINE_TIME, "https://cdn.example.com/x/b.mpd");
  const v = m.renditions[0].segments;
  t.is(v.length, 9);
  t.deepEqual(v.map((s) => s.url.substring(s.url.length - 16)), [
    "000000000000.m4s", "000000060060.m4s", "000000120120.m4s", "000000300300.m4s", "000000330330.m4s",
    "000000360360.m4s", "000000420300.m4s", "000000480240.m4s", "000000540180.m4s",
  ]);
  t.is(v[8].durationMs, 1994);
  const a = m.audio![0].segments;
  t.is(a.length, 10);
  t.is(a[0].url, "https://cdn.example.com/x/a/96000.m4s");
  t.is(a[0].startMs, 0);
});

test("synthetic: SegmentList with mediaRange and a BaseURL chain", (t) => {
  const m = parseDash(S.DASH_SEGMENT_LIST, "https://cdn.example.com/x/c.mpd");
  const r = m.renditions[0];
  t.deepEqual(r.initSegment, { url: "http://cdn.example.org/a/c/movie.mp4", byteRange: [0, 861], durationMs: 0, startMs: 0, period: 0 });
  t.deepEqual(r.segments.map((s) => [s.url, s.byteRange, s.startMs, s.durationMs]), [
    ["http://cdn.example.org/a/c/movie.mp4", [862, 100861], 0, 4000],
    ["http://cdn.example.org/a/c/movie.mp4", [100862, 200000], 4000, 4000],
    ["http://cdn.example.org/a/c/tail.mp4", [0, 50000], 8000, 1500],
  ]);
});

test("synthetic: live template window from the current time", (t) => {
  const m = parseDash(S.DASH_DYNAMIC_NOW, "https://cdn.example.com/x/d.mpd", { nowMs: 1704067322500 });
  const s = m.renditions[0].segments;
  t.deepEqual(s.map((x) => x.number), [23, 24, 25, 26, 27, 28, 29, 30]);
  t.is(s[7].startMs, 116000);
  t.is(err(() => parseDash(S.DASH_DYNAMIC_NOW, "https://cdn.example.com/x/d.mpd")).code, "EMANIFEST");
});

test("hostile MPDs give typed errors, fast", (t) => {
  const u = "https://cdn.example.com/x/h.mpd";
  const t0 = Date.now();
  t.is(err(() => parseDash(S.DASH_R_HUGE, u)).code, "ELIMIT");
  t.is(err(() => parseDash(S.DASH_TOO_MANY, u)).code, "ELIMIT");
  t.is(err(() => parseDash(S.deepXml(500), u)).code, "ELIMIT");
  t.is(err(() => parseDash(S.BILLION_LAUGHS, u)).code, "EMANIFEST");
  t.true(Date.now() - t0 < 1000);
  t.is(err(() => parseDash(S.DASH_R_OPEN, u)).code, "EMANIFEST");
  t.is(err(() => parseDash(S.DASH_NO_BANDWIDTH, u)).message.indexOf("bandwidth") >= 0, true);
  t.is(err(() => parseDash(S.DASH_ABSURD, u)).code, "EMANIFEST");
  t.is(err(() => parseDash("<html/>", u)).code, "EMANIFEST");
  t.is(err(() => parseDash("<MPD><Period>", u)).code, "EMANIFEST");
  t.is(err(() => parseDash(load("vtt_codecs.mpd"), u, { limits: { maxTotalSegments: 10 } })).code, "ELIMIT");
});

test("detection routes every fixture to DASH", (t) => {
  for (const f of readdirSync(DIR)) t.is(parseManifest(load(f), BASE + f).kind, "dash");
});

test("every DASH fixture is checked by value above", (t) => {
  t.deepEqual(readdirSync(DIR).filter((f) => !CHECKED.has(f)), []);
});
