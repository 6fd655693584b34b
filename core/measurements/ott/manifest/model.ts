// One model for HLS, DASH and Smooth Streaming manifests, shaped for a player emulator:
//  - HLS: parse the master playlist -> renditions carry `mediaUrl` and no segments; fetch
//    each media playlist and parse it with parseHlsMedia (hls.ts), which fills the segments.
//    A media playlist given directly yields one rendition with its segments.
//  - DASH and MSS: every rendition comes with its segment list.
// All times are milliseconds. Where the source is exact (integer ticks and a timescale,
// decimal seconds) the value is computed from exact integers and rounded once, to the
// microsecond: whole milliseconds stay exact integers, others carry up to 3 decimals.
import { ProbeError } from "../../../util/errors";
import { fmtNum } from "../../../util/num";

export type ManifestKind = "hls" | "dash" | "mss";
export type MediaType = "video" | "audio" | "text";

export interface Segment {
  /** Absolute URL (resolved against the manifest and every BaseURL). */
  url: string;
  /** Inclusive byte range [first, last], as in an HTTP Range header. */
  byteRange?: [number, number];
  durationMs: number;
  /** Presentation time of the segment start, from the start of the presentation. */
  startMs: number;
  /** HLS media sequence number, DASH $Number$, MSS fragment index. */
  number?: number;
  /** A discontinuity precedes this segment (HLS tag, DASH period boundary). */
  discontinuity?: boolean;
  /** The init section changes here: fetch this before the segment (HLS EXT-X-MAP, DASH new period). */
  initSegment?: Segment;
  /** HLS EXT-X-KEY in force (METHOD other than NONE). */
  keyMethod?: string;
  keyUrl?: string;
  /** DASH period index the segment belongs to. */
  period?: number;
  /** HLS #EXT-X-GAP: the segment has no media and is not requested (a gap, not a failure). */
  gap?: boolean;
}

export interface Rendition {
  /** HLS: position in the master ("0", "1", ...) or the group/name; DASH: Representation@id; MSS: StreamIndex name + QualityLevel index. */
  id: string;
  type: MediaType;
  /** Peak bits per second (HLS BANDWIDTH, DASH @bandwidth, MSS Bitrate); 0 when not declared. */
  bandwidth: number;
  averageBandwidth?: number;
  width?: number;
  height?: number;
  frameRate?: number;
  codecs?: string;
  mimeType?: string;
  lang?: string;
  name?: string;
  /** HLS EXT-X-MEDIA GROUP-ID or DASH AdaptationSet@id. */
  group?: string;
  /** HLS STREAM-INF AUDIO / VIDEO / SUBTITLES group references. */
  audioGroup?: string;
  videoGroup?: string;
  subtitlesGroup?: string;
  /** HLS: the media playlist to fetch (segments empty until parsed). Absent for renditions muxed into the variant. */
  mediaUrl?: string;
  /** Init section of the first segment (HLS EXT-X-MAP, DASH Initialization). */
  initSegment?: Segment;
  /** DASH SegmentBase@indexRange (sidx) of the single whole-file segment. */
  indexRange?: [number, number];
  segments: Segment[];
}

export interface Period {
  id?: string;
  startMs: number;
  durationMs?: number;
}

export interface Manifest {
  kind: ManifestKind;
  /** URL the manifest was fetched from (base for relative references). */
  url: string;
  live: boolean;
  /** Total presentation duration when known (VOD, or declared). */
  durationMs?: number;
  /** DASH minBufferTime. */
  minBufferMs?: number;
  /** HLS EXT-X-TARGETDURATION. */
  targetDurationMs?: number;
  /** How often a live manifest should be reloaded (DASH minimumUpdatePeriod, HLS target duration). */
  refreshMs?: number;
  /** DASH timeShiftBufferDepth / MSS DVRWindowLength. */
  timeShiftMs?: number;
  /** DASH suggestedPresentationDelay. */
  presentationDelayMs?: number;
  /** DASH availabilityStartTime as written. */
  availabilityStartTime?: string;
  /** DASH Location (where to reload from). */
  location?: string;
  /**
   * The ladder a player adapts over: video (or muxed) renditions; for audio-only
   * content, the audio renditions (then `audio` is absent).
   */
  renditions: Rendition[];
  /** Separate audio renditions (HLS EXT-X-MEDIA TYPE=AUDIO, DASH audio sets, MSS audio). */
  audio?: Rendition[];
  /** Subtitle / caption renditions. */
  text?: Rendition[];
  /** HLS alternative video renditions (EXT-X-MEDIA TYPE=VIDEO). */
  alternates?: Rendition[];
  /** HLS I-frame playlists: recognised, kept out of the ladder. */
  iframes?: Rendition[];
  /** DASH periods. */
  periods?: Period[];
  /** HLS media playlist details. */
  hls?: HlsInfo;
  /** Tolerated irregularities, each naming where ("line 4: ..."). */
  warnings: string[];
}

export interface HlsInfo {
  master: boolean;
  version?: number;
  mediaSequence?: number;
  discontinuitySequence?: number;
  playlistType?: "VOD" | "EVENT";
  endList?: boolean;
  independentSegments?: boolean;
  /** LL-HLS EXT-X-PART-INF PART-TARGET and the number of EXT-X-PART tags seen (parts are not segments). */
  partTargetMs?: number;
  parts?: number;
  /** Segments marked #EXT-X-GAP. */
  gaps?: number;
  /** EXT-X-START TIME-OFFSET. */
  startOffsetMs?: number;
}

/** Bounds applied by every parser. */
export interface ManifestLimits {
  /** Largest manifest text. Default 4 MiB. */
  maxBytes: number;
  /** Most segments in one rendition. Default 100000. */
  maxSegments: number;
  /** Most segments in the whole manifest (memory bound on small devices). Default 200000. */
  maxTotalSegments: number;
  /** Most renditions (all lists together). Default 1000. */
  maxRenditions: number;
  /** Longest single segment. Default 24 h. */
  maxSegmentMs: number;
  /** Longest presentation / period. Default 366 days. */
  maxDurationMs: number;
  /** Most periods (DASH). Default 1000. */
  maxPeriods: number;
}

export const DEFAULT_LIMITS: ManifestLimits = {
  maxBytes: 4194304,
  maxSegments: 100000,
  maxTotalSegments: 200000,
  maxRenditions: 1000,
  maxSegmentMs: 86400000,
  maxDurationMs: 31622400000,
  maxPeriods: 1000,
};

export interface ParseOptions {
  limits?: Partial<ManifestLimits>;
  /** Wall clock (ms since epoch) for live DASH templates without a timeline; none = refuse. */
  nowMs?: number;
  /**
   * Presentation time a session can play (its duration plus the buffer), ms: only segments
   * inside it are expanded from compact forms (DASH timelines and templates) or kept from long
   * lists (HLS) — from the start of a VOD, back from the live edge of live content. Absent:
   * everything (within the limits).
   */
  windowMs?: number;
}

export function limitsOf(opts?: ParseOptions): ManifestLimits {
  const l = opts !== undefined && opts.limits !== undefined ? opts.limits : {};
  return {
    maxBytes: l.maxBytes !== undefined ? l.maxBytes : DEFAULT_LIMITS.maxBytes,
    maxSegments: l.maxSegments !== undefined ? l.maxSegments : DEFAULT_LIMITS.maxSegments,
    maxTotalSegments: l.maxTotalSegments !== undefined ? l.maxTotalSegments : DEFAULT_LIMITS.maxTotalSegments,
    maxRenditions: l.maxRenditions !== undefined ? l.maxRenditions : DEFAULT_LIMITS.maxRenditions,
    maxSegmentMs: l.maxSegmentMs !== undefined ? l.maxSegmentMs : DEFAULT_LIMITS.maxSegmentMs,
    maxDurationMs: l.maxDurationMs !== undefined ? l.maxDurationMs : DEFAULT_LIMITS.maxDurationMs,
    maxPeriods: l.maxPeriods !== undefined ? l.maxPeriods : DEFAULT_LIMITS.maxPeriods,
  };
}

/**
 * Puts renditions in their places: video is the ladder (audio aside); audio-only content
 * makes audio the ladder; neither is an error naming what was missing.
 */
export function assignLadder(m: Manifest, video: Rendition[], audio: Rendition[], text: Rendition[], missing: string): void {
  if (video.length > 0) {
    m.renditions = video;
    if (audio.length > 0) m.audio = audio;
  } else if (audio.length > 0) {
    m.renditions = audio;
  } else {
    throw manifestError(missing);
  }
  if (text.length > 0) m.text = text;
}

export function manifestError(message: string): ProbeError {
  return new ProbeError("EMANIFEST", message);
}

export function limitError(message: string): ProbeError {
  return new ProbeError("ELIMIT", message);
}

const MAX_EXACT = 9007199254740991;

/**
 * Media ticks to microseconds, exactly up to one final rounding: the whole seconds are
 * split off first so no product leaves the 2^53 range for any realistic timescale.
 */
export function ticksToUs(ticks: number, timescale: number): number {
  const neg = ticks < 0;
  const t = neg ? -ticks : ticks;
  const q = Math.floor(t / timescale);
  const r = t - q * timescale;
  const us = q * 1000000 + Math.floor((r * 1000000) / timescale + 0.5);
  return neg ? -us : us;
}

/** Microseconds to milliseconds (the one division; identical on every runtime). */
export function usToMs(us: number): number {
  return us / 1000;
}

/**
 * Decimal seconds ("6.00600", "10", "0.33334") to integer microseconds, exactly
 * (digits beyond the 6th decimal are rounded half up). Undefined when not a plain
 * non-negative decimal.
 */
export function secondsToUs(s: string): number | undefined {
  const dot = s.indexOf(".");
  const whole = dot < 0 ? s : s.substring(0, dot);
  const frac = dot < 0 ? "" : s.substring(dot + 1);
  if (whole.length === 0 && frac.length === 0) return undefined;
  if (whole.length > 12) return undefined;
  if (dot >= 0 && frac.length === 0) return undefined;
  for (let i = 0; i < whole.length; i++) {
    const c = whole.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  for (let i = 0; i < frac.length; i++) {
    const c = frac.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  let us = whole.length > 0 ? Number(whole) * 1000000 : 0;
  let f = 0;
  let scale = 100000;
  for (let i = 0; i < frac.length && i < 6; i++) {
    f = f + (frac.charCodeAt(i) - 48) * scale;
    scale = Math.floor(scale / 10);
  }
  if (frac.length > 6 && frac.charCodeAt(6) >= 53) f = f + 1;
  us = us + f;
  if (us > MAX_EXACT) return undefined;
  return us;
}

/** Strict non-negative integer below 2^53 (no sign, no fraction, no exponent). */
export function parseUint(s: string): number | undefined {
  if (s.length === 0 || s.length > 16) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(s);
  return n > MAX_EXACT ? undefined : n;
}

/** Trim ASCII whitespace. */
export function trimAscii(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a = a + 1;
  while (b > a && isWs(s.charCodeAt(b - 1))) b = b - 1;
  return s.substring(a, b);
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

export function lower(s: string): string {
  return s.toLowerCase();
}

export function ms(n: number): string {
  return fmtNum(n);
}

/** Count segments and enforce per-rendition and whole-manifest bounds. */
export class SegmentBudget {
  total = 0;
  constructor(readonly limits: ManifestLimits) {}
  /** Call before adding `n` segments to a rendition that already has `have`. */
  take(have: number, n: number, where: string): void {
    if (have + n > this.limits.maxSegments) {
      throw limitError(where + ": more than " + fmtNum(this.limits.maxSegments) + " segments in one rendition");
    }
    if (this.total + n > this.limits.maxTotalSegments) {
      throw limitError(where + ": more than " + fmtNum(this.limits.maxTotalSegments) + " segments in the manifest");
    }
    this.total = this.total + n;
  }
}
