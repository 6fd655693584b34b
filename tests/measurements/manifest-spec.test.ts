// Manifests as players read them (issue 9 item 4), on small fixtures written from the
// specifications (tests/fixtures/manifests/spec/, each file says which clauses): DASH
// periods joined by content, not @id; period bounds; Smooth MajorVersion 1, skipped
// streams, {CustomAttributes}; HLS gaps, delta updates, low-latency parts, stray empty tags;
// errors in the specification's words; windowed expansion of compact forms.
import test from "ava";
import { readFileSync } from "node:fs";
import { ProbeError } from "../../core/util/errors";
import { parseDash } from "../../core/measurements/ott/manifest/dash";
import { parseHls, parseHlsMedia } from "../../core/measurements/ott/manifest/hls";
import { parseMss } from "../../core/measurements/ott/manifest/mss";

const DIR = new URL("../fixtures/manifests/spec/", import.meta.url).pathname;
const load = (f: string): string => readFileSync(DIR + f, "utf8");
const B = "http://127.0.0.1:8080/show/";

function err(f: () => unknown): ProbeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProbeError) return e;
    throw e;
  }
  throw new Error("no error");
}

test("DASH: two periods whose Representation ids change join by type, codec and resolution, in bandwidth order", (t) => {
  const m = parseDash(load("dash-two-periods-new-ids.mpd"), B + "m.mpd");
  t.deepEqual(m.renditions.map((r) => [r.id, r.bandwidth, r.height]), [["v240", 300000, 240], ["v720", 2000000, 720]]);
  const lo = m.renditions[0].segments;
  const hi = m.renditions[1].segments;
  t.deepEqual(lo.map((s) => [s.url.slice(B.length), s.startMs, s.durationMs, s.period]), [
    ["p1/v240-1.m4s", 0, 2000, 0], ["p1/v240-2.m4s", 2000, 2000, 0], ["p1/v240-3.m4s", 4000, 2000, 0],
    ["p2/ad-lo-1.m4s", 6000, 2000, 1], ["p2/ad-lo-2.m4s", 8000, 2000, 1], ["p2/ad-lo-3.m4s", 10000, 2000, 1],
  ]);
  t.deepEqual(hi.map((s) => s.url.slice(B.length)), ["p1/v720-1.m4s", "p1/v720-2.m4s", "p1/v720-3.m4s", "p2/ad-hi-1.m4s", "p2/ad-hi-2.m4s", "p2/ad-hi-3.m4s"]);
  // the new period starts with a discontinuity and its own init section
  t.true(hi[3].discontinuity);
  t.is(hi[3].initSegment!.url, B + "p2/init-ad-hi.mp4");
  t.is(m.renditions[1].initSegment!.url, B + "p1/init-v720.mp4");
  t.deepEqual(m.audio!.map((r) => [r.id, r.segments.length]), [["a", 6]]);
  t.is(m.audio![0].segments[3].url, B + "p2/ad-a-1.m4s");
});

test("DASH: Period@duration, the next Period@start and the MPD duration bound a period; later segments dropped, the straddling one clipped", (t) => {
  const m = parseDash(load("dash-period-end.mpd"), B + "m.mpd");
  t.deepEqual(m.periods, [{ id: "0", startMs: 0, durationMs: 6000 }, { id: "1", startMs: 6000, durationMs: 5000 }]);
  t.deepEqual(m.renditions[0].segments.map((s) => [s.url.slice(B.length), s.startMs, s.durationMs]), [
    ["a1.m4s", 0, 4000], ["a2.m4s", 4000, 2000], ["b1.m4s", 6000, 4000], ["b2.m4s", 10000, 1000],
  ]);
  t.is(m.durationMs, 11000);
});

test("DASH: a negative presentationTimeOffset is called negative", (t) => {
  const e = err(() => parseDash(load("dash-negative-pto.mpd"), B + "m.mpd"));
  t.is(e.code, "EMANIFEST");
  t.regex(e.message, /presentationTimeOffset="-2000" is negative/);
});

test("DASH: a SegmentTimeline with r=99990 expands only the window a session plays", (t) => {
  const text = load("dash-timeline-r99990.mpd");
  const all = parseDash(text, B + "m.mpd");
  t.is(all.renditions[0].segments.length, 99991);
  const w = parseDash(text, B + "m.mpd", { windowMs: 40000 });
  const segs = w.renditions[1].segments;
  t.is(segs.length, 20);
  t.deepEqual([segs[0].url, segs[19].url, segs[19].startMs, segs[19].number], [B + "hi/0.m4s", B + "hi/38000.m4s", 38000, 20]);
  // live: the window is counted back from the live edge
  const live = parseDash(text.replace('type="static"', 'type="dynamic" availabilityStartTime="2024-01-01T00:00:00Z"'), B + "m.mpd", { windowMs: 10000 });
  const ls = live.renditions[0].segments;
  t.deepEqual(ls.map((s) => s.number), [99987, 99988, 99989, 99990, 99991]);
  t.is(ls[4].startMs, 199980000);
});

test("Smooth: MajorVersion 1; text, sparse and zoetrope streams skipped with a note; {CustomAttributes} filled in", (t) => {
  const m = parseMss(load("mss-v1-sparse.ismc"), "http://127.0.0.1:8080/v.ism/Manifest");
  t.deepEqual(m.renditions.map((r) => [r.id, r.bandwidth]), [["video/0", 350000], ["video/1", 1500000]]);
  t.is(m.renditions[0].segments[1].url, "http://127.0.0.1:8080/v.ism/QualityLevels(350000,hardware=low)/Fragments(video=20000000)");
  t.is(m.renditions[1].segments[0].url, "http://127.0.0.1:8080/v.ism/QualityLevels(1500000)/Fragments(video=0)");
  t.deepEqual(m.audio!.map((r) => r.segments.length), [3]);
  t.is(m.text, undefined);
  t.is(m.warnings.length, 3);
  t.regex(m.warnings[0], /"captions" Type="text" Subtype="CAPT" is not played, skipped/);
  t.regex(m.warnings[1], /"ads" Type="text" Subtype="SCMD" is not played/);
  t.regex(m.warnings[2], /"thumbs" zoetrope/);
  t.regex(err(() => parseMss(load("mss-v1-sparse.ismc").replace('MajorVersion="1"', 'MajorVersion="3"'), "http://h/M")).message, /unsupported MajorVersion 3/);
});

test("HLS: #EXT-X-GAP segments are marked, numbered and counted", (t) => {
  const m = parseHlsMedia(load("hls-gap.m3u8"), B + "v/index.m3u8");
  t.deepEqual(m.segments.map((s) => [s.number, s.gap === true]), [[10, false], [11, false], [12, true], [13, false]]);
  t.is(m.info.gaps, 1);
});

test("HLS: #EXT-X-SKIP delta update keeps media sequence numbers right", (t) => {
  const m = parseHlsMedia(load("hls-skip-delta.m3u8"), B + "v/index.m3u8");
  t.true(m.live);
  t.deepEqual(m.segments.map((s) => [s.url.slice(B.length), s.number]), [["v/seg103.ts", 103], ["v/seg104.ts", 104], ["v/seg105.ts", 105]]);
  t.is(m.segments[0].startMs, 18000);
  t.regex(err(() => parseHlsMedia("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-SKIP:SKIPPED-SEGMENTS=x\n", B)).message, /#EXT-X-SKIP needs SKIPPED-SEGMENTS/);
});

test("HLS: low-latency parts are counted and not fetched; whole segments only", (t) => {
  const m = parseHlsMedia(load("hls-ll-parts.m3u8"), B + "v/index.m3u8");
  t.deepEqual(m.segments.map((s) => [s.url.slice(B.length), s.number, s.durationMs]), [["v/seg20.m4s", 20, 4000], ["v/seg21.m4s", 21, 2000]]);
  t.is(m.info.parts, 4);
  t.is(m.info.partTargetMs, 1000);
  t.is(m.initSegment!.url, B + "v/init.mp4");
});

test("HLS: stray empty tags are ignored with a warning naming the tag", (t) => {
  const master = parseHls(load("hls-master-stray-empty.m3u8"), B + "master.m3u8");
  t.true(master.hls!.master);
  t.deepEqual(master.renditions.map((r) => r.bandwidth), [800000, 2400000]);
  t.deepEqual(master.warnings, ["line 4: empty #EXT-X-TARGETDURATION in a master playlist ignored"]);
  const media = parseHlsMedia(load("hls-media-empty-tags.m3u8"), B + "v/index.m3u8");
  t.deepEqual(media.segments.map((s) => s.number), [0, 1]);
  t.deepEqual(media.warnings, ["line 5: empty #EXT-X-MEDIA-SEQUENCE ignored"]);
});

test("HLS: a long VOD playlist keeps only the window's head; a live one the tail before the edge", (t) => {
  const lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:7"];
  for (let i = 0; i < 5000; i++) lines.push("#EXTINF:2.0,", `s${i}.ts`);
  const live = lines.join("\n") + "\n";
  const vod = live + "#EXT-X-ENDLIST\n";
  const v = parseHlsMedia(vod, B + "i.m3u8", { windowMs: 10000 });
  t.deepEqual(v.segments.map((s) => s.number), [7, 8, 9, 10, 11]);
  t.is(v.durationMs, 10000000);
  const l = parseHlsMedia(live, B + "i.m3u8", { windowMs: 10000 });
  t.deepEqual(l.segments.map((s) => s.number), [5002, 5003, 5004, 5005, 5006]);
  t.is(l.segments[4].url, B + "s4999.ts");
  t.is(parseHlsMedia(vod, B + "i.m3u8").segments.length, 5000);
});
