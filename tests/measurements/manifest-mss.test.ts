import test from "ava";
import { readFileSync } from "node:fs";
import { ProbeError } from "../../core/util/errors";
import { detectManifest, parseManifest } from "../../core/measurements/ott/manifest/detect";
import { fillMssTemplate, parseMss } from "../../core/measurements/ott/manifest/mss";
import * as S from "../fixtures/manifests/synthetic";

const DIR = new URL("../fixtures/manifests/mss/", import.meta.url).pathname;
const URL0 = "http://ms.example.com/media/Big.ism/Manifest";
const load = (f: string): string => readFileSync(DIR + f, "utf8");
function err(f: () => unknown): ProbeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProbeError) return e;
    throw e;
  }
  throw new Error("no error");
}

test("Url template", (t) => {
  t.is(fillMssTemplate("QualityLevels({bitrate})/Fragments(video={start time})", 2962000, 20020000), "QualityLevels(2962000)/Fragments(video=20020000)");
});

test("vod.ismc: 3 video levels, 1 audio, text skipped, c with t/d/r", (t) => {
  const m = parseMss(load("vod.ismc"), URL0);
  t.is(m.kind, "mss");
  t.false(m.live);
  t.is(m.durationMs, 60160);
  t.deepEqual(m.renditions.map((r) => [r.id, r.bandwidth, r.width, r.height, r.codecs]), [
    ["video/0", 2962000, 1280, 720, "AVC1"],
    ["video/1", 1427000, 848, 480, "AVC1"],
    ["video/2", 477000, 424, 240, "AVC1"],
  ]);
  const v = m.renditions[1].segments;
  t.is(v.length, 31);
  t.is(v[0].url, "http://ms.example.com/media/Big.ism/QualityLevels(1427000)/Fragments(video=0)");
  t.is(v[1].url, "http://ms.example.com/media/Big.ism/QualityLevels(1427000)/Fragments(video=20020000)");
  t.is(v[1].startMs, 2002);
  t.is(v[29].durationMs, 2002);
  t.is(v[30].startMs, 60060);
  t.is(v[30].durationMs, 100);
  t.is(v[30].number, 30);
  const a = m.audio![0];
  t.is(a.bandwidth, 128000);
  t.is(a.lang, "eng");
  t.is(a.codecs, "AACL");
  t.is(a.segments.length, 31);
  t.deepEqual(a.segments.slice(0, 3).map((s) => [s.startMs, s.durationMs]), [[0, 2005.333], [2005.333, 1984], [3989.333, 2005.334]]);
  t.is(a.segments[30].url, "http://ms.example.com/media/Big.ism/QualityLevels(128000)/Fragments(aac_eng=601386685)");
  t.is(a.segments[30].startMs + a.segments[30].durationMs, 60160);
  // the text stream is not played: skipped, with a note naming it
  t.is(m.text, undefined);
  t.true(m.warnings.some((w) => w.includes("StreamIndex") && w.includes("Type=\"text\"") && w.includes("skipped")), m.warnings.join("; "));
});

test("live.ismc: IsLive, DVR window, large start times kept exact", (t) => {
  const m = parseMss(load("live.ismc"), URL0);
  t.true(m.live);
  t.is(m.durationMs, undefined);
  t.is(m.timeShiftMs, 120000);
  const v = m.renditions[0].segments;
  t.is(v.length, 4);
  t.is(v[0].url, "http://ms.example.com/media/Big.ism/QualityLevels(5000000)/Fragments(video=170000000000000)");
  t.is(v[3].url, "http://ms.example.com/media/Big.ism/QualityLevels(5000000)/Fragments(video=170000060000000)");
  t.is(v[0].startMs, 17000000000);
  t.is(v[3].startMs, 17000006000);
  t.is(m.audio![0].segments.length, 4);
});

test("detection", (t) => {
  t.is(detectManifest(load("vod.ismc")), "mss");
  t.is(parseManifest(load("live.ismc"), URL0).kind, "mss");
});

test("hostile and malformed manifests give typed errors", (t) => {
  const t0 = Date.now();
  t.is(err(() => parseMss(S.MSS_R_HUGE, URL0)).code, "ELIMIT");
  t.true(Date.now() - t0 < 500);
  t.is(err(() => parseMss(S.MSS_NO_BITRATE, URL0)).code, "EMANIFEST");
  t.is(err(() => parseMss("<SmoothStreamingMedia MajorVersion=\"2\"/>", URL0)).code, "EMANIFEST");
  t.is(err(() => parseMss("<MPD/>", URL0)).code, "EMANIFEST");
  t.is(err(() => parseMss(S.BILLION_LAUGHS.replace(/MPD/g, "SmoothStreamingMedia"), URL0)).code, "EMANIFEST");
  t.is(err(() => parseMss(load("vod.ismc"), URL0, { limits: { maxSegments: 30 } })).code, "ELIMIT");
});
