import { fmtNum } from "../../../core/util/num";
import { parseHls } from "../../../core/measurements/ott/manifest/hls";
// Conformance vectors for the OTT player's pure logic: ABR rules, the playback/stall
// clock, request scores, the MOS estimate and the per-cycle summary.
import { JSON_NULL, JsonObject, JsonValue } from "../../../core/util/json";
import { ProbeError } from "../../../core/util/errors";
import { bbaRate, bbaZones, chooseByBuffer, chooseByThroughput, harmonicMean } from "../../../core/measurements/ott/abr";
import { Playback } from "../../../core/measurements/ott/playback";
import { audioOnly, findSegment } from "../../../core/measurements/ott/player";
import { CycleSummary, RequestKind, RequestRecord, SessionRecord, mosEstimate, p1203Pv, requestScore, stallFactor, summarizeCycle } from "../../../core/measurements/ott/scores";
import { Rendition, Segment } from "../../../core/measurements/ott/manifest/model";
import { VectorFn } from "./types";

function nums(v: JsonValue | undefined, what: string): number[] {
  if (!Array.isArray(v)) throw new ProbeError("EINPUT", what + " must be an array");
  const out: number[] = [];
  for (const x of v) out.push(x as number);
  return out;
}

function opt(o: JsonObject, k: string): number | undefined {
  const v = o[k];
  return typeof v === "number" ? v : undefined;
}

function r4(x: number): number {
  return Math.floor(x * 10000 + 0.5) / 10000;
}

function request(o: JsonObject): RequestRecord {
  const r: RequestRecord = {
    kind: o["kind"] as RequestKind,
    url: typeof o["url"] === "string" ? (o["url"] as string) : "u",
    level: opt(o, "level") !== undefined ? (opt(o, "level") as number) : -1,
    bandwidth: opt(o, "bandwidth") !== undefined ? (opt(o, "bandwidth") as number) : 0,
    startMs: o["startMs"] as number,
    endMs: o["endMs"] as number,
    wallMs: 0,
    status: opt(o, "status") !== undefined ? (opt(o, "status") as number) : 200,
    redirects: opt(o, "redirects") !== undefined ? (opt(o, "redirects") as number) : 0,
    bytes: opt(o, "bytes") !== undefined ? (opt(o, "bytes") as number) : 0,
    mediaMs: opt(o, "mediaMs") !== undefined ? (opt(o, "mediaMs") as number) : 0,
    played: o["played"] === true,
  };
  if (typeof o["error"] === "string") r.error = o["error"] as string;
  const w = opt(o, "width");
  if (w !== undefined) r.width = w;
  const h = opt(o, "height");
  if (h !== undefined) r.height = h;
  const f = opt(o, "frameRate");
  if (f !== undefined) r.frameRate = f;
  return r;
}

function session(o: JsonObject): SessionRecord {
  const reqs: RequestRecord[] = [];
  for (const x of o["requests"] as JsonValue[]) reqs.push(request(x as JsonObject));
  const stalls: { startMs: number; endMs: number }[] = [];
  const st = o["stalls"];
  if (Array.isArray(st)) for (const x of st) stalls.push({ startMs: (x as number[])[0], endMs: (x as number[])[1] });
  const s: SessionRecord = { requests: reqs, stalls: stalls, endMs: o["endMs"] as number };
  const ps = opt(o, "playStartMs");
  if (ps !== undefined) s.playStartMs = ps;
  return s;
}

function summaryJson(c: CycleSummary): JsonObject {
  const o: JsonObject = { qosLevel: c.qosLevel, stalls: c.stalls, stallMs: c.stallMs, switches: c.switches, segments: c.segments, failed: c.failed };
  const add = (k: string, v: number | undefined): void => {
    if (v !== undefined) o[k] = r4(v);
  };
  if (c.gaps > 0) o["gaps"] = c.gaps;
  add("nominalKbps", c.nominalKbps);
  add("httpCodeMax", c.httpCodeMax);
  add("redirectMax", c.redirectMax);
  add("qosManifest", c.qosManifest);
  add("qosContent", c.qosContent);
  add("qosAggregate", c.qosAggregate);
  add("startupMs", c.startupMs);
  add("avgKbps", c.avgKbps);
  add("throughputKbps", c.throughputKbps);
  add("mos", c.mos);
  add("lastLevel", c.lastLevel);
  return o;
}

function segments(v: JsonValue): Segment[] {
  const out: Segment[] = [];
  for (const x of v as JsonValue[]) {
    const o = x as JsonObject;
    const s: Segment = { url: "s", startMs: o["startMs"] as number, durationMs: o["durationMs"] as number };
    const n = opt(o, "number");
    if (n !== undefined) s.number = n;
    out.push(s);
  }
  return out;
}

export const fns: { [name: string]: VectorFn } = {
  /** in {samples: bit/s[], window} -> harmonic mean or null. */
  "ott.harmonicMean": (i) => {
    const o = i as JsonObject;
    const v = harmonicMean(nums(o["samples"], "samples"), o["window"] as number);
    return v === undefined ? JSON_NULL : r4(v);
  },
  /** in {bandwidths, estimate (null = none), safety} -> level. */
  "ott.chooseByThroughput": (i) => {
    const o = i as JsonObject;
    return chooseByThroughput(nums(o["bandwidths"], "bandwidths"), opt(o, "estimate"), o["safety"] as number);
  },
  /** in {bufferMs, segmentMs} -> {reservoirMs, cushionMs}. */
  "ott.bbaZones": (i) => {
    const o = i as JsonObject;
    const z = bbaZones(o["bufferMs"] as number, o["segmentMs"] as number);
    return { reservoirMs: z.reservoirMs, cushionMs: z.cushionMs };
  },
  /** in {bandwidths, current, levelMs, reservoirMs, cushionMs} -> {rate, level}. */
  "ott.chooseByBuffer": (i) => {
    const o = i as JsonObject;
    const bw = nums(o["bandwidths"], "bandwidths");
    const lv = o["levelMs"] as number;
    const r = o["reservoirMs"] as number;
    const c = o["cushionMs"] as number;
    return { rate: r4(bbaRate(bw, lv, r, c)), level: chooseByBuffer(bw, o["current"] as number, lv, r, c) };
  },
  /**
   * in {startupMs, events: [[t, "media", ms] | [t, "complete"] | [t, "finish"] | [t, "level"]]}
   * -> {playStartMs|null, playedMs, stalls: [[start, end]...], levels: [level at each "level" event]}.
   */
  "ott.playback": (i) => {
    const o = i as JsonObject;
    const p = new Playback(0, o["startupMs"] as number);
    const levels: JsonValue[] = [];
    for (const e of o["events"] as JsonValue[]) {
      const ev = e as JsonValue[];
      const t = ev[0] as number;
      const op = ev[1] as string;
      if (op === "media") p.addMedia(t, ev[2] as number);
      else if (op === "complete") p.complete(t);
      else if (op === "finish") p.finish(t);
      else if (op === "level") levels.push(p.level(t));
      else throw new ProbeError("EINPUT", "unknown playback event " + op);
    }
    const stalls: JsonValue[] = [];
    for (const s of p.stalls) stalls.push([s.startMs, s.endMs]);
    return { playStartMs: p.playStartMs === undefined ? JSON_NULL : p.playStartMs, playedMs: p.playedMs, stalls: stalls, levels: levels };
  },
  /** in a request record (kind, startMs, endMs, status, redirects, mediaMs, error) -> score 0..100. */
  "ott.requestScore": (i) => r4(requestScore(request(i as JsonObject))),
  /** in {kbps, width, height, fps} -> Pv (4 decimals). */
  "ott.p1203Pv": (i) => {
    const o = i as JsonObject;
    return r4(p1203Pv(o["kbps"] as number, o["width"] as number, o["height"] as number, o["fps"] as number));
  },
  /** in {stalls, stallMs} -> factor (4 decimals). */
  "ott.stallFactor": (i) => {
    const o = i as JsonObject;
    return r4(stallFactor(o["stalls"] as number, o["stallMs"] as number));
  },
  /** in {segments: request records, stalls, stallMs} -> MOS or null. */
  "ott.mos": (i) => {
    const o = i as JsonObject;
    const segs: RequestRecord[] = [];
    for (const x of o["segments"] as JsonValue[]) segs.push(request(x as JsonObject));
    const m = mosEstimate(segs, o["stalls"] as number, o["stallMs"] as number);
    return m === undefined ? JSON_NULL : m;
  },
  /** in {session: {requests, stalls: [[s, e]], playStartMs?, endMs}, fromMs, toMs} -> cycle summary. */
  "ott.summarize": (i) => {
    const o = i as JsonObject;
    return summaryJson(summarizeCycle(session(o["session"] as JsonObject), o["fromMs"] as number, o["toMs"] as number));
  },
  /** in {segments: [{startMs, durationMs, number?}], number?, timeMs} -> index or null. */
  "ott.findSegment": (i) => {
    const o = i as JsonObject;
    const segs = segments(o["segments"]);
    const pos: { number?: number; timeMs: number } = { timeMs: o["timeMs"] as number };
    const n = opt(o, "number");
    if (n !== undefined) pos.number = n;
    const s = findSegment(segs, pos);
    return s === undefined ? JSON_NULL : segs.indexOf(s);
  },
  /** in {codecs?, width?} -> whether the HLS parser types such a variant audio only. */
  "ott.audioOnly": (i) => {
    const o = i as JsonObject;
    let attrs = "BANDWIDTH=1";
    if (typeof o["codecs"] === "string") attrs = attrs + ",CODECS=\"" + (o["codecs"] as string) + "\"";
    const w = opt(o, "width");
    if (w !== undefined) attrs = attrs + ",RESOLUTION=" + fmtNum(w) + "x" + fmtNum(w);
    const m = parseHls("#EXTM3U\n#EXT-X-STREAM-INF:" + attrs + "\nv.m3u8\n", "http://127.0.0.1/master.m3u8");
    return audioOnly(m.renditions[0]);
  },
};
