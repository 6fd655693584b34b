// What a session measured, summarised per measurement cycle: the mPlane OTT probe's
// columns (bandwidth.nominal.kbps, http.*, qos.*) and miniprobe's QoE columns. Pure
// functions of the session record, so they are pinned by conformance vectors.
//
// Request score (0..100), for every HTTP request the player made:
//   0 when it failed: no answer (timeout, refused, reset...), a status outside 2xx, or
//     (manifests) a text that does not parse;
//   else 100 x R x S, with R = max(0.5, 1 - 0.1 x redirects) (each redirect costs a
//     round trip before the content: 10 points, at most 50) and, for media, the speed
//     factor S = min(1, media duration / download time) (content that arrives slower
//     than real time cannot play smoothly); S = 1 for manifests and init sections.
// qos.manifest  = mean score of the manifest requests (master, media playlists, live
//                 refreshes) made from the session start to the end of the cycle: a
//                 cycle without a manifest request inherits the earlier ones.
// qos.content   = mean score of the media requests (init, video, audio) started in the
//                 cycle; absent ("*") when there were none (e.g. the buffer was full).
// qos.aggregate = mean of qos.manifest and qos.content (those present).
// qos.level     = min(qos.aggregate, playback), the weakest of delivery and playback;
//                 playback = 100 - 100 x (stall time / playing time in the cycle)
//                 - 5 x (stalls begun in the cycle), clamped to 0..100, and 0 when
//                 playback had not started by the end of the cycle.
// All four are rounded to integers.
import { ProbeError } from "../../util/errors";

/** "gap": an HLS #EXT-X-GAP segment, not requested (no HTTP, not a failure, not scored). */
export type RequestKind = "manifest" | "init" | "video" | "audio" | "gap";

export interface RequestRecord {
  kind: RequestKind;
  url: string;
  /** Video ladder index (0 = lowest bandwidth); -1 for manifests and audio. */
  level: number;
  /** Declared bandwidth of the rendition, bit/s (0 for manifests). */
  bandwidth: number;
  /** Session-relative monotonic ms. */
  startMs: number;
  endMs: number;
  /** Wall clock at the start, ms since the epoch. */
  wallMs: number;
  /** HTTP status; 0 when no answer came. */
  status: number;
  redirects: number;
  bytes: number;
  /** Time to first byte (ms) when the host saw it. */
  ttfbMs?: number;
  /** Error code when the request failed (host error, EHTTP for a non-2xx status, EMANIFEST). */
  error?: string;
  /** Media duration the request carried (0 for manifests and init sections). */
  mediaMs: number;
  /** Video segment that feeds playback (parallel mode downloads others only to measure them). */
  played: boolean;
  width?: number;
  height?: number;
  frameRate?: number;
  /** Buffer level (ms) right after the media arrived. */
  bufferMs?: number;
}

export interface SessionRecord {
  requests: RequestRecord[];
  stalls: { startMs: number; endMs: number }[];
  /** Session-relative ms at which playback started (the startup delay). */
  playStartMs?: number;
  /** Session-relative ms at which the session ended. */
  endMs: number;
}

export interface CycleSummary {
  nominalKbps?: number;
  httpCodeMax?: number;
  redirectMax?: number;
  qosManifest?: number;
  qosContent?: number;
  qosAggregate?: number;
  qosLevel: number;
  startupMs?: number;
  stalls: number;
  stallMs: number;
  switches: number;
  avgKbps?: number;
  throughputKbps?: number;
  mos?: number;
  lastLevel?: number;
  segments: number;
  failed: number;
  /** #EXT-X-GAP segments passed over (not requested) in the cycle. */
  gaps: number;
}

export function requestFailed(r: RequestRecord): boolean {
  return r.error !== undefined || r.status < 200 || r.status > 299;
}

export function requestScore(r: RequestRecord): number {
  if (requestFailed(r)) return 0;
  let rf = 1 - 0.1 * r.redirects;
  if (rf < 0.5) rf = 0.5;
  let sf = 1;
  const dl = r.endMs - r.startMs;
  if (r.mediaMs > 0 && dl > r.mediaMs) sf = r.mediaMs / dl;
  return 100 * rf * sf;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function round(x: number): number {
  return Math.floor(x + 0.5);
}

function round2(x: number): number {
  return Math.floor(x * 100 + 0.5) / 100;
}

// ---------------------------------------------------------------- MOS estimate
//
// A P.1203.1 mode-0-style estimate (bitstream-free: only bitrate, resolution and frame
// rate of each segment), with the coefficients of ITU-T P.1203.1 mode 0 as published
// in the open reference implementation (itu-p1203): for a segment of bitrate b (kbit/s,
// from its size and duration), coded resolution res = w x h, frame rate fps, and a
// 1920x1080 display:
//   quant   = 11.99835 - 2.99992 ln(41.24751 + ln b + ln(b^2/(res fps) + 0.13183))
//   MOScod  = clamp(4.66 - 0.07 exp(4.06 quant), 1, 5)
//   Dq      = clamp(100 - R(MOScod), 0, 100)
//   Du      = clamp(72.61 log10(0.32 (1920*1080/res - 1) + 1), 0, 100)   (upscaling; 0 if res >= display)
//   Dt      = (100 - Dq - Du)(30.98 - 1.29 fps)/(64.65 + fps) when fps < 24, else 0
//   Pv      = MOS(100 - clamp(Dq + Du + Dt, 0, 100))
// with MOS(Q) = 1.05 + 0.0385 Q + 7e-6 Q (Q - 60)(100 - Q) (clamped to 1.05..4.9) and R its
// inverse (found by bisection). The session's video quality is the duration-weighted mean
// Pv of the played segments; stalls then scale it down (Hossfeld et al., 2012, the
// YouTube stalling model's exponential, not P.1203.3's integration):
//   MOS = 1 + (Pv - 1) exp(-(0.15 L + 0.19) N),  N stalls, L their mean length in s.
// LIMITS: an estimate, not P.1203. No audio quality, no memory/recency effects, no
// quality-switch or startup-delay penalty, no device/display modes; frame rate is taken
// as 24 when the manifest does not give it; segments of unknown resolution are left out
// (no resolution at all: no MOS). Rounded to 2 decimals.

const MOS_MAX = 4.9;
const MOS_MIN = 1.05;
const LN10 = 2.302585092994046;
const DISPLAY_PIXELS = 1920 * 1080;

export function mosFromR(q: number): number {
  if (q <= 0) return MOS_MIN;
  if (q >= 100) return MOS_MAX;
  const m = MOS_MIN + ((MOS_MAX - MOS_MIN) / 100) * q + q * (q - 60) * (100 - q) * 7.0e-6;
  return clamp(m, MOS_MIN, MOS_MAX);
}

export function rFromMos(mos: number): number {
  const m = clamp(mos, MOS_MIN, MOS_MAX);
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (mosFromR(mid) < m) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P.1203.1 mode-0-style video quality (1.05..4.9) of one segment. */
export function p1203Pv(bitrateKbps: number, width: number, height: number, frameRate: number): number {
  if (!(bitrateKbps > 0) || !(width > 0) || !(height > 0) || !(frameRate > 0)) {
    throw new ProbeError("EINPUT", "bitrate, resolution and frame rate must be positive");
  }
  const res = width * height;
  const b = bitrateKbps;
  const quant = 11.99835 - 2.99992 * Math.log(41.24751 + Math.log(b) + Math.log((b * b) / (res * frameRate) + 0.13183));
  const mosCod = clamp(4.66 - 0.07 * Math.exp(4.06 * quant), 1, 5);
  const dq = clamp(100 - rFromMos(mosCod), 0, 100);
  let scale = DISPLAY_PIXELS / res;
  if (scale < 1) scale = 1;
  const du = clamp((72.61 * Math.log(0.32 * (scale - 1) + 1)) / LN10, 0, 100);
  let dt = 0;
  if (frameRate < 24) dt = ((100 - dq - du) * (30.98 - 1.29 * frameRate)) / (64.65 + frameRate);
  const d = clamp(dq + du + dt, 0, 100);
  return mosFromR(100 - d);
}

/** Stalling factor applied to the video quality: exp(-(0.15 L + 0.19) N). */
export function stallFactor(stalls: number, stallMs: number): number {
  if (stalls <= 0) return 1;
  const meanS = stallMs / stalls / 1000;
  return Math.exp(-(0.15 * meanS + 0.19) * stalls);
}

/** The MOS estimate from played segments and stalls (undefined without a segment of known resolution). */
export function mosEstimate(segs: RequestRecord[], stalls: number, stallMs: number): number | undefined {
  let wsum = 0;
  let qsum = 0;
  for (const r of segs) {
    if (r.width !== undefined && r.height !== undefined && r.mediaMs > 0 && !requestFailed(r)) {
      const kbps = r.bytes > 0 ? (r.bytes * 8) / r.mediaMs : r.bandwidth / 1000;
      if (kbps > 0) {
        const fps = r.frameRate !== undefined && r.frameRate > 0 ? r.frameRate : 24;
        qsum = qsum + p1203Pv(kbps, r.width, r.height, fps) * r.mediaMs;
        wsum = wsum + r.mediaMs;
      }
    }
  }
  if (wsum === 0) return undefined;
  const pv = qsum / wsum;
  return round2(1 + (pv - 1) * stallFactor(stalls, stallMs));
}

// ---------------------------------------------------------------- cycle summary

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  const lo = a0 > b0 ? a0 : b0;
  const hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

/** Summary of the cycle [fromMs, toMs) (session-relative) of a session. */
export function summarizeCycle(s: SessionRecord, fromMs: number, toMs: number): CycleSummary {
  const end = toMs < s.endMs ? toMs : s.endMs;
  const out: CycleSummary = { qosLevel: 0, stalls: 0, stallMs: 0, switches: 0, segments: 0, failed: 0, gaps: 0 };
  let manSum = 0;
  let manN = 0;
  let conSum = 0;
  let conN = 0;
  let bytes = 0;
  let dlMs = 0;
  let wBits = 0;
  let wMs = 0;
  let prevLevel = -1;
  const played: RequestRecord[] = [];
  for (const r of s.requests) {
    if (r.kind === "gap") {
      if (r.startMs >= fromMs && r.startMs < toMs) out.gaps = out.gaps + 1;
      continue;
    }
    const inCycle = r.startMs >= fromMs && r.startMs < toMs;
    if (r.kind === "manifest" && r.startMs < toMs) {
      manSum = manSum + requestScore(r);
      manN = manN + 1;
    }
    const isPlayedVideo = r.kind === "video" && r.played && !requestFailed(r);
    if (isPlayedVideo && !inCycle && r.startMs < fromMs) prevLevel = r.level;
    if (!inCycle) continue;
    if (r.status > 0 && (out.httpCodeMax === undefined || r.status > out.httpCodeMax)) out.httpCodeMax = r.status;
    if (out.redirectMax === undefined || r.redirects > out.redirectMax) out.redirectMax = r.redirects;
    if (r.kind !== "manifest") {
      conSum = conSum + requestScore(r);
      conN = conN + 1;
      out.segments = out.segments + 1;
      if (requestFailed(r)) out.failed = out.failed + 1;
      else if (r.kind !== "init") {
        bytes = bytes + r.bytes;
        dlMs = dlMs + (r.endMs - r.startMs);
      }
    }
    if (r.kind === "video" && !requestFailed(r)) {
      const kbps = r.bandwidth / 1000;
      if (out.nominalKbps === undefined || kbps > out.nominalKbps) out.nominalKbps = kbps;
    }
    if (isPlayedVideo) {
      if (prevLevel >= 0 && r.level !== prevLevel) out.switches = out.switches + 1;
      prevLevel = r.level;
      out.lastLevel = r.level;
      wBits = wBits + r.bandwidth * r.mediaMs;
      wMs = wMs + r.mediaMs;
      played.push(r);
    }
  }
  if (manN > 0) out.qosManifest = round(manSum / manN);
  if (conN > 0) out.qosContent = round(conSum / conN);
  if (out.qosManifest !== undefined && out.qosContent !== undefined) out.qosAggregate = round((manSum / manN + conSum / conN) / 2);
  else if (out.qosManifest !== undefined) out.qosAggregate = out.qosManifest;
  else if (out.qosContent !== undefined) out.qosAggregate = out.qosContent;
  if (wMs > 0) out.avgKbps = wBits / wMs / 1000;
  if (dlMs > 0) out.throughputKbps = (bytes * 8) / dlMs;
  for (const st of s.stalls) {
    if (st.startMs >= fromMs && st.startMs < toMs) out.stalls = out.stalls + 1;
    out.stallMs = out.stallMs + overlap(st.startMs, st.endMs, fromMs, end);
  }
  if (s.playStartMs !== undefined && s.playStartMs >= fromMs && s.playStartMs < toMs) out.startupMs = s.playStartMs;
  let playback = 0;
  if (s.playStartMs !== undefined && s.playStartMs < end) {
    const from = s.playStartMs > fromMs ? s.playStartMs : fromMs;
    const active = end - from;
    playback = active > 0 ? clamp(100 - (100 * out.stallMs) / active - 5 * out.stalls, 0, 100) : 100;
  } else if (s.playStartMs !== undefined && s.playStartMs === end && end === s.endMs) {
    playback = 100;
  }
  const agg = out.qosAggregate !== undefined ? out.qosAggregate : 0;
  out.qosLevel = round(agg < playback ? agg : playback);
  out.mos = mosEstimate(played, out.stalls, out.stallMs);
  return out;
}
