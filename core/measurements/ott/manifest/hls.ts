// HLS (RFC 8216, with LL-HLS tags tolerated) master and media playlists -> Manifest.
// Line-oriented, no regular expressions. Errors name the 1-based line.
import { fmtNum, parseNum } from "../../../util/num";
import { resolveUrl } from "../../../util/url";
import {
  HlsInfo,
  Manifest,
  ManifestLimits,
  ParseOptions,
  Rendition,
  Segment,
  SegmentBudget,
  limitError,
  limitsOf,
  manifestError,
  parseUint,
  secondsToUs,
  trimAscii,
  usToMs,
} from "./model";

interface Line {
  text: string;
  no: number;
}

/**
 * Non-empty, trimmed lines of a playlist, one at a time: a long playlist is read without
 * holding an array of all its lines (on Lua that array alone cost more than 100 MB for
 * 100k segments).
 */
class LineReader {
  private pos = 0;
  private no = 0;
  constructor(private readonly text: string) {
    if (text.substring(0, "\uFEFF".length) === "\uFEFF") this.pos = "\uFEFF".length;
  }
  next(): Line | undefined {
    const text = this.text;
    while (this.pos < text.length) {
      let nl = text.indexOf("\n", this.pos);
      if (nl < 0) nl = text.length;
      const raw = text.substring(this.pos, nl);
      this.pos = nl + 1;
      this.no = this.no + 1;
      const t = trimAscii(raw);
      if (t.length > 0) return { text: t, no: this.no };
    }
    return undefined;
  }
}

function readerOf(text: string, limits: ManifestLimits): LineReader {
  if (text.length > limits.maxBytes) throw limitError("playlist larger than " + fmtNum(limits.maxBytes) + " bytes");
  return new LineReader(text);
}

/** Most lines a master playlist may have (it is held whole; its renditions are bounded anyway). */
const MAX_MASTER_LINES = 100000;

function at(no: number, why: string): string {
  return "line " + fmtNum(no) + ": " + why;
}

/** Tag name and value ("#EXT-X-KEY:METHOD=..." -> ["#EXT-X-KEY", "METHOD=..."]). */
function splitTag(t: string): [string, string] {
  const c = t.indexOf(":");
  return c < 0 ? [t, ""] : [t.substring(0, c), t.substring(c + 1)];
}

/** Attribute list: KEY=VALUE pairs split on commas outside quotes; quoted values unquoted. */
export function parseAttributes(s: string): { names: string[]; values: { [k: string]: string } } {
  const names: string[] = [];
  const values: { [k: string]: string } = {};
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9 || s.charCodeAt(i) === 44)) i = i + 1;
    if (i >= n) break;
    const eq = s.indexOf("=", i);
    if (eq < 0) break;
    const key = trimAscii(s.substring(i, eq));
    let j = eq + 1;
    while (j < n && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j = j + 1;
    let value: string;
    if (j < n && s.charCodeAt(j) === 34) {
      const close = s.indexOf("\"", j + 1);
      const end = close < 0 ? n : close;
      value = s.substring(j + 1, end);
      const comma = s.indexOf(",", end);
      i = comma < 0 ? n : comma + 1;
    } else {
      const comma = s.indexOf(",", j);
      const end = comma < 0 ? n : comma;
      value = trimAscii(s.substring(j, end));
      i = end + 1;
    }
    if (key.length > 0) {
      if (values[key] === undefined) names.push(key);
      values[key] = value;
    }
  }
  return { names: names, values: values };
}

/** "n[@o]" -> [length, offset or -1]; undefined when malformed. */
function parseByteRange(s: string): [number, number] | undefined {
  const atSign = s.indexOf("@");
  const len = parseUint(atSign < 0 ? s : s.substring(0, atSign));
  if (len === undefined) return undefined;
  if (atSign < 0) return [len, -1];
  const off = parseUint(s.substring(atSign + 1));
  if (off === undefined) return undefined;
  return [len, off];
}

const MASTER_TAGS = ["#EXT-X-STREAM-INF", "#EXT-X-I-FRAME-STREAM-INF", "#EXT-X-MEDIA", "#EXT-X-SESSION-DATA", "#EXT-X-SESSION-KEY"];
const MEDIA_TAGS = ["#EXTINF", "#EXT-X-TARGETDURATION", "#EXT-X-MEDIA-SEQUENCE", "#EXT-X-ENDLIST", "#EXT-X-BYTERANGE", "#EXT-X-MAP", "#EXT-X-PART", "#EXT-X-DISCONTINUITY"];

function checkHeader(r: LineReader, warnings: string[]): void {
  // #EXTM3U must come first; blank lines and plain comments before it are tolerated.
  let first: Line | undefined = undefined;
  for (let line = r.next(); line !== undefined; line = r.next()) {
    if (first === undefined) first = line;
    const t = line.text;
    if (t === "#EXTM3U" || t.substring(0, 8) === "#EXTM3U ") return;
    if (t.substring(0, 4) === "#EXT" || t.substring(0, 1) !== "#") break;
    warnings.push(at(line.no, "comment before #EXTM3U"));
  }
  throw manifestError(first === undefined ? "empty playlist" : at(first.no, "playlist does not start with #EXTM3U"));
}

/** Whether the text names a master tag anywhere (a plain substring search, no allocation per line). */
function mentionsMasterTag(text: string): boolean {
  for (const tag of MASTER_TAGS) {
    let from = 0;
    // bounded: each pass moves past one occurrence
    for (let guard = 0; guard < 1000000; guard++) {
      const i = text.indexOf(tag, from);
      if (i < 0) break;
      const next = text.substring(i + tag.length, i + tag.length + 1);
      // "#EXT-X-MEDIA" is also the start of "#EXT-X-MEDIA-SEQUENCE"
      if (next !== "-") return true;
      from = i + tag.length;
    }
  }
  return false;
}

/** A tag written with a colon and nothing after it ("#EXT-X-TARGETDURATION:"). */
function emptyValue(t: string): boolean {
  const c = t.indexOf(":");
  return c >= 0 && trimAscii(t.substring(c + 1)).length === 0;
}

const VIDEO_CODECS = ["avc", "hvc", "hev", "vp8", "vp9", "vp09", "av01", "mp4v", "dvh", "dva"];

/** CODECS that name no video codec at all. */
export function audioOnlyCodecs(codecs: string): boolean {
  for (const c of codecs.split(",")) {
    const t = c.trim().toLowerCase();
    for (const v of VIDEO_CODECS) if (t.substring(0, v.length) === v) return false;
  }
  return true;
}

/** Parse any HLS playlist: a master (renditions with mediaUrl) or a media playlist (one rendition with segments). */
export function parseHls(text: string, url: string, opts?: ParseOptions): Manifest {
  const limits = limitsOf(opts);
  const warnings: string[] = [];
  const scan = readerOf(text, limits);
  checkHeader(scan, warnings);
  let master = false;
  let media = false;
  // Without any master tag in the text it is a media playlist: no line-by-line scan (a
  // long one is then read once, not twice).
  const mayBeMaster = mentionsMasterTag(text);
  for (let line = mayBeMaster ? scan.next() : undefined; line !== undefined; line = scan.next()) {
    const name = splitTag(line.text)[0];
    if (MASTER_TAGS.indexOf(name) >= 0) master = true;
    // a stray empty media tag in a master playlist is ignored, as players do (see parseMaster)
    if (MEDIA_TAGS.indexOf(name) >= 0 && !emptyValue(line.text)) media = true;
  }
  if (master && media) throw manifestError("playlist mixes master tags (variants) and media tags (segments)");
  const reader = readerOf(text, limits);
  checkHeader(reader, []);
  if (master) {
    const lines: Line[] = [];
    for (let line = reader.next(); line !== undefined; line = reader.next()) {
      if (lines.length >= MAX_MASTER_LINES) throw limitError("master playlist longer than " + fmtNum(MAX_MASTER_LINES) + " lines");
      lines.push(line);
    }
    return parseMaster(lines, 0, url, limits, warnings);
  }
  const m = parseMediaLines(reader, url, limits, warnings, opts);
  const r: Rendition = { id: "0", type: "video", bandwidth: 0, mediaUrl: url, segments: m.segments };
  if (m.initSegment !== undefined) r.initSegment = m.initSegment;
  return {
    kind: "hls",
    url: url,
    live: m.live,
    durationMs: m.live ? undefined : m.durationMs,
    targetDurationMs: m.targetDurationMs,
    refreshMs: m.live ? m.targetDurationMs : undefined,
    renditions: [r],
    hls: m.info,
    warnings: warnings,
  };
}

function resolutionOf(v: string): [number, number] | undefined {
  const x = v.indexOf("x");
  if (x < 0) return undefined;
  const w = parseUint(v.substring(0, x));
  const h = parseUint(v.substring(x + 1));
  if (w === undefined || h === undefined) return undefined;
  return [w, h];
}

function parseMaster(lines: Line[], first: number, url: string, limits: ManifestLimits, warnings: string[]): Manifest {
  const renditions: Rendition[] = [];
  const audio: Rendition[] = [];
  const text: Rendition[] = [];
  const alternates: Rendition[] = [];
  const iframes: Rendition[] = [];
  let count = 0;
  let version: number | undefined = undefined;
  let independent = false;
  let startOffsetMs: number | undefined = undefined;
  const bump = (no: number): void => {
    count = count + 1;
    if (count > limits.maxRenditions) throw limitError(at(no, "more than " + fmtNum(limits.maxRenditions) + " renditions"));
  };
  let i = first;
  while (i < lines.length) {
    const line = lines[i];
    i = i + 1;
    const t = line.text;
    if (t.substring(0, 1) !== "#") {
      warnings.push(at(line.no, "URI without #EXT-X-STREAM-INF ignored"));
    } else {
      const tag = splitTag(t);
      const name = tag[0];
      if (name === "#EXT-X-STREAM-INF" || name === "#EXT-X-I-FRAME-STREAM-INF") {
        const a = parseAttributes(tag[1]).values;
        const iframe = name === "#EXT-X-I-FRAME-STREAM-INF";
        bump(line.no);
        const bwText = a["BANDWIDTH"];
        if (bwText === undefined) throw manifestError(at(line.no, name + " has no BANDWIDTH"));
        const bw = parseUint(bwText);
        if (bw === undefined) throw manifestError(at(line.no, "BANDWIDTH is not a whole number: " + bwText));
        let uri: string | undefined = undefined;
        if (iframe) {
          uri = a["URI"];
          if (uri === undefined) throw manifestError(at(line.no, "#EXT-X-I-FRAME-STREAM-INF has no URI"));
        } else {
          // The URI is the next line that is not a tag or comment.
          while (i < lines.length && lines[i].text.substring(0, 1) === "#" && lines[i].text.substring(0, 4) !== "#EXT") i = i + 1;
          if (i >= lines.length || lines[i].text.substring(0, 1) === "#") {
            throw manifestError(at(line.no, "#EXT-X-STREAM-INF is not followed by a URI"));
          }
          uri = lines[i].text;
          i = i + 1;
        }
        const list = iframe ? iframes : renditions;
        const r: Rendition = {
          id: fmtNum(list.length),
          type: "video",
          bandwidth: bw,
          mediaUrl: resolveUrl(url, uri),
          segments: [],
        };
        if (a["AVERAGE-BANDWIDTH"] !== undefined) {
          const ab = parseUint(a["AVERAGE-BANDWIDTH"]);
          if (ab === undefined) throw manifestError(at(line.no, "AVERAGE-BANDWIDTH is not a whole number"));
          r.averageBandwidth = ab;
        }
        if (a["RESOLUTION"] !== undefined) {
          const res = resolutionOf(a["RESOLUTION"]);
          if (res === undefined) throw manifestError(at(line.no, "RESOLUTION is not WIDTHxHEIGHT: " + a["RESOLUTION"]));
          r.width = res[0];
          r.height = res[1];
        }
        if (a["FRAME-RATE"] !== undefined) {
          const fr = parseNum(a["FRAME-RATE"]);
          if (fr === undefined || fr <= 0 || fr > 1000) throw manifestError(at(line.no, "bad FRAME-RATE " + a["FRAME-RATE"]));
          r.frameRate = fr;
        }
        if (a["CODECS"] !== undefined) r.codecs = a["CODECS"];
        if (a["AUDIO"] !== undefined) r.audioGroup = a["AUDIO"];
        if (a["VIDEO"] !== undefined) r.videoGroup = a["VIDEO"];
        if (a["SUBTITLES"] !== undefined) r.subtitlesGroup = a["SUBTITLES"];
        // RFC 8216 lets a variant carry audio only (ffmpeg writes one for the audio group).
        if (r.codecs !== undefined && r.width === undefined && audioOnlyCodecs(r.codecs)) r.type = "audio";
        list.push(r);
      } else if (name === "#EXT-X-MEDIA") {
        const a = parseAttributes(tag[1]).values;
        bump(line.no);
        const type = a["TYPE"];
        const group = a["GROUP-ID"];
        const nm = a["NAME"];
        if (type === undefined || group === undefined || nm === undefined) {
          throw manifestError(at(line.no, "#EXT-X-MEDIA needs TYPE, GROUP-ID and NAME"));
        }
        const r: Rendition = { id: group + "/" + nm, type: "video", bandwidth: 0, group: group, name: nm, segments: [] };
        if (a["URI"] !== undefined) r.mediaUrl = resolveUrl(url, a["URI"]);
        if (a["LANGUAGE"] !== undefined) r.lang = a["LANGUAGE"];
        if (type === "AUDIO") {
          r.type = "audio";
          audio.push(r);
        } else if (type === "SUBTITLES" || type === "CLOSED-CAPTIONS") {
          r.type = "text";
          text.push(r);
        } else if (type === "VIDEO") {
          alternates.push(r);
        } else {
          throw manifestError(at(line.no, "unknown #EXT-X-MEDIA TYPE " + type));
        }
      } else if (MEDIA_TAGS.indexOf(name) >= 0) {
        warnings.push(at(line.no, "empty " + name + " in a master playlist ignored"));
      } else if (name === "#EXT-X-VERSION") {
        version = parseUint(tag[1]);
      } else if (name === "#EXT-X-INDEPENDENT-SEGMENTS") {
        independent = true;
      } else if (name === "#EXT-X-START") {
        const off = parseNum(parseAttributes(tag[1]).values["TIME-OFFSET"] !== undefined ? parseAttributes(tag[1]).values["TIME-OFFSET"] : "");
        if (off !== undefined) startOffsetMs = Math.floor(off * 1000000 + 0.5) / 1000;
      }
    }
  }
  if (renditions.length === 0) throw manifestError("master playlist has no #EXT-X-STREAM-INF variant");
  const info: HlsInfo = { master: true };
  if (version !== undefined) info.version = version;
  if (independent) info.independentSegments = true;
  if (startOffsetMs !== undefined) info.startOffsetMs = startOffsetMs;
  const m: Manifest = { kind: "hls", url: url, live: false, renditions: renditions, hls: info, warnings: warnings };
  if (audio.length > 0) m.audio = audio;
  if (text.length > 0) m.text = text;
  if (alternates.length > 0) m.alternates = alternates;
  if (iframes.length > 0) m.iframes = iframes;
  return m;
}

/** What a media playlist says: the segments of one rendition and its live-ness. */
export interface HlsMedia {
  live: boolean;
  durationMs: number;
  targetDurationMs?: number;
  initSegment?: Segment;
  segments: Segment[];
  info: HlsInfo;
  warnings: string[];
}

/** Parse a media playlist (fetched from `url`, the base for its URIs). */
export function parseHlsMedia(text: string, url: string, opts?: ParseOptions): HlsMedia {
  const limits = limitsOf(opts);
  const warnings: string[] = [];
  const reader = readerOf(text, limits);
  checkHeader(reader, warnings);
  return parseMediaLines(reader, url, limits, warnings, opts);
}

/** Fill a master rendition from its parsed media playlist. */
export function applyHlsMedia(r: Rendition, m: HlsMedia): void {
  r.segments = m.segments;
  if (m.initSegment !== undefined) r.initSegment = m.initSegment;
}

function sameInit(a: Segment | undefined, b: Segment | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.url !== b.url) return false;
  if (a.byteRange === undefined || b.byteRange === undefined) return a.byteRange === b.byteRange;
  return a.byteRange[0] === b.byteRange[0] && a.byteRange[1] === b.byteRange[1];
}

/** Tags whose value is required; written empty they are ignored with a warning naming them. */
const VALUE_TAGS = ["#EXT-X-TARGETDURATION", "#EXT-X-MEDIA-SEQUENCE", "#EXT-X-DISCONTINUITY-SEQUENCE", "#EXT-X-VERSION", "#EXT-X-PLAYLIST-TYPE", "#EXT-X-START", "#EXT-X-PART-INF"];

/**
 * Segments kept while a long playlist streams by: the head (for VOD, played from the
 * start) and a rolling tail (for live, played near the edge), each no longer than the
 * window; which one is used is known only at the end (#EXT-X-ENDLIST comes last).
 */
class Kept {
  head: Segment[] = [];
  tail: Segment[] = [];
  private tailFirst = 0;
  constructor(readonly windowUs: number | undefined) {}
  add(seg: Segment, startUs: number, endUs: number): void {
    const w = this.windowUs;
    if (w === undefined) {
      this.head.push(seg);
      return;
    }
    if (startUs < w) this.head.push(seg);
    this.tail.push(seg);
    // drop tail segments that ended more than a window before this one's end
    while (this.tailFirst < this.tail.length && (this.tail[this.tailFirst].startMs + this.tail[this.tailFirst].durationMs) * 1000 <= endUs - w) {
      this.tailFirst = this.tailFirst + 1;
    }
    if (this.tailFirst > 256 && this.tailFirst * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailFirst);
      this.tailFirst = 0;
    }
  }
  result(live: boolean): Segment[] {
    if (this.windowUs === undefined) return this.head;
    return live ? this.tail.slice(this.tailFirst) : this.head;
  }
}

function parseMediaLines(reader: LineReader, url: string, limits: ManifestLimits, warnings: string[], opts?: ParseOptions): HlsMedia {
  const budget = new SegmentBudget(limits);
  const kept = new Kept(opts !== undefined && opts.windowMs !== undefined ? Math.floor(opts.windowMs * 1000) : undefined);
  let listed = 0;
  /** Index of the next segment in the whole presentation (skipped segments count). */
  let index = 0;
  const info: HlsInfo = { master: false };
  let targetUs: number | undefined = undefined;
  let mediaSequence = 0;
  let seenSequence = false;
  let pendingUs: number | undefined = undefined;
  let pendingLine = 0;
  let pendingRange: [number, number] | undefined = undefined;
  let pendingDisc = false;
  let pendingGap = false;
  let lastRangeEnd = -1; // byte after the previous sub-range, -1 = none
  let lastRangeUri = "";
  let keyMethod: string | undefined = undefined;
  let keyUrl: string | undefined = undefined;
  let currentInit: Segment | undefined = undefined;
  let firstInit: Segment | undefined = undefined;
  let prevInit: Segment | undefined = undefined;
  let startUs = 0;
  let parts = 0;
  let gaps = 0;
  for (let line = reader.next(); line !== undefined; line = reader.next()) {
    const t = line.text;
    if (t.substring(0, 1) !== "#") {
      // A segment URI.
      if (pendingUs === undefined) throw manifestError(at(line.no, "segment URI without #EXTINF: " + t));
      budget.take(listed, 1, at(line.no, "media playlist"));
      listed = listed + 1;
      let range: [number, number] | undefined = undefined;
      if (pendingRange !== undefined) {
        let off = pendingRange[1];
        if (off < 0) {
          if (lastRangeEnd < 0) off = 0;
          else {
            off = lastRangeEnd;
            if (lastRangeUri !== t) warnings.push(at(line.no, "byte range without offset continues a different resource"));
          }
        }
        range = [off, off + pendingRange[0] - 1];
        lastRangeEnd = off + pendingRange[0];
        lastRangeUri = t;
      } else {
        lastRangeEnd = -1;
      }
      const seg: Segment = { url: resolveUrl(url, t), durationMs: usToMs(pendingUs), startMs: usToMs(startUs), number: index };
      if (range !== undefined) seg.byteRange = range;
      if (pendingDisc) seg.discontinuity = true;
      if (pendingGap) {
        seg.gap = true;
        gaps = gaps + 1;
      }
      if (keyMethod !== undefined) {
        seg.keyMethod = keyMethod;
        if (keyUrl !== undefined) seg.keyUrl = keyUrl;
      }
      if (listed === 1) firstInit = currentInit;
      else if (!sameInit(currentInit, prevInit) && currentInit !== undefined) seg.initSegment = currentInit;
      prevInit = currentInit;
      kept.add(seg, startUs, startUs + pendingUs);
      index = index + 1;
      startUs = startUs + pendingUs;
      if (startUs > limits.maxDurationMs * 1000) throw limitError(at(line.no, "playlist longer than the duration limit"));
      pendingUs = undefined;
      pendingRange = undefined;
      pendingDisc = false;
      pendingGap = false;
    } else {
      const tag = splitTag(t);
      const name = tag[0];
      const v = tag[1];
      if (VALUE_TAGS.indexOf(name) >= 0 && emptyValue(t)) {
        // players skip a tag they cannot read rather than the whole playlist
        warnings.push(at(line.no, "empty " + name + " ignored"));
      } else if (name === "#EXT-X-STREAM-INF" || name === "#EXT-X-I-FRAME-STREAM-INF") {
        throw manifestError(at(line.no, "a master playlist was given where a media playlist was expected"));
      } else if (name === "#EXTINF") {
        if (pendingUs !== undefined) throw manifestError(at(line.no, "#EXTINF follows #EXTINF (line " + fmtNum(pendingLine) + ") without a URI"));
        const comma = v.indexOf(",");
        const durText = trimAscii(comma < 0 ? v : v.substring(0, comma));
        if (comma < 0) warnings.push(at(line.no, "#EXTINF without a comma"));
        const us = secondsToUs(durText);
        if (us === undefined) throw manifestError(at(line.no, "bad #EXTINF duration: " + durText));
        if (us > limits.maxSegmentMs * 1000) throw manifestError(at(line.no, "#EXTINF duration " + durText + " s is absurd"));
        pendingUs = us;
        pendingLine = line.no;
      } else if (name === "#EXT-X-TARGETDURATION") {
        const us = secondsToUs(trimAscii(v));
        if (us === undefined) throw manifestError(at(line.no, "bad #EXT-X-TARGETDURATION: " + v));
        if (us > limits.maxSegmentMs * 1000) throw manifestError(at(line.no, "#EXT-X-TARGETDURATION " + v + " s is absurd"));
        targetUs = us;
      } else if (name === "#EXT-X-MEDIA-SEQUENCE" || name === "#EXT-X-DISCONTINUITY-SEQUENCE") {
        const n = parseUint(trimAscii(v));
        if (n === undefined) throw manifestError(at(line.no, "bad " + name + ": " + v));
        if (name === "#EXT-X-MEDIA-SEQUENCE") {
          if (seenSequence) warnings.push(at(line.no, "#EXT-X-MEDIA-SEQUENCE repeated; the last one is used"));
          if (listed > 0) warnings.push(at(line.no, "#EXT-X-MEDIA-SEQUENCE after the first segment"));
          seenSequence = true;
          mediaSequence = n;
        } else {
          info.discontinuitySequence = n;
        }
      } else if (name === "#EXT-X-BYTERANGE") {
        let br = parseByteRange(trimAscii(v));
        if (br === undefined) {
          const atSign = v.indexOf("@");
          const len = atSign >= 0 && trimAscii(v.substring(atSign + 1)) === "" ? parseUint(trimAscii(v.substring(0, atSign))) : undefined;
          if (len === undefined) throw manifestError(at(line.no, "bad #EXT-X-BYTERANGE: " + v));
          warnings.push(at(line.no, "#EXT-X-BYTERANGE with an empty offset"));
          br = [len, -1];
        }
        if (br[0] === 0) throw manifestError(at(line.no, "#EXT-X-BYTERANGE of zero bytes"));
        pendingRange = br;
      } else if (name === "#EXT-X-DISCONTINUITY") {
        pendingDisc = true;
      } else if (name === "#EXT-X-GAP") {
        // RFC 8216bis 4.4.4.7: the segment has no media; clients do not load it
        pendingGap = true;
      } else if (name === "#EXT-X-ENDLIST") {
        info.endList = true;
      } else if (name === "#EXT-X-PLAYLIST-TYPE") {
        const pt = trimAscii(v);
        if (pt === "VOD" || pt === "EVENT") info.playlistType = pt;
        else warnings.push(at(line.no, "unknown #EXT-X-PLAYLIST-TYPE '" + pt + "' ignored"));
      } else if (name === "#EXT-X-KEY") {
        const a = parseAttributes(v).values;
        const method = a["METHOD"];
        if (method === undefined) throw manifestError(at(line.no, "#EXT-X-KEY has no METHOD"));
        if (method === "NONE") {
          keyMethod = undefined;
          keyUrl = undefined;
        } else {
          keyMethod = method;
          keyUrl = a["URI"] !== undefined ? resolveUrl(url, a["URI"]) : undefined;
          if (keyUrl === undefined) throw manifestError(at(line.no, "#EXT-X-KEY METHOD=" + method + " has no URI"));
        }
      } else if (name === "#EXT-X-MAP") {
        const a = parseAttributes(v).values;
        if (a["URI"] === undefined) throw manifestError(at(line.no, "#EXT-X-MAP has no URI"));
        const init: Segment = { url: resolveUrl(url, a["URI"]), durationMs: 0, startMs: usToMs(startUs) };
        if (a["BYTERANGE"] !== undefined) {
          const br = parseByteRange(a["BYTERANGE"]);
          if (br === undefined || br[0] === 0) throw manifestError(at(line.no, "bad #EXT-X-MAP BYTERANGE: " + a["BYTERANGE"]));
          const off = br[1] < 0 ? 0 : br[1];
          init.byteRange = [off, off + br[0] - 1];
        }
        currentInit = init;
      } else if (name === "#EXT-X-VERSION") {
        const n = parseUint(trimAscii(v));
        if (n === undefined) warnings.push(at(line.no, "bad #EXT-X-VERSION ignored"));
        else info.version = n;
      } else if (name === "#EXT-X-INDEPENDENT-SEGMENTS") {
        info.independentSegments = true;
      } else if (name === "#EXT-X-PART-INF") {
        const pt = parseAttributes(v).values["PART-TARGET"];
        const us = pt !== undefined ? secondsToUs(pt) : undefined;
        if (us === undefined) throw manifestError(at(line.no, "#EXT-X-PART-INF needs a PART-TARGET"));
        info.partTargetMs = usToMs(us);
      } else if (name === "#EXT-X-PART") {
        // Low-latency parts are counted, not fetched: the player requests whole segments
        // only (parts repeat their bytes), and a part at the live edge whose segment is not
        // complete yet waits for the next reload, as a non-LL client does.
        parts = parts + 1;
      } else if (name === "#EXT-X-SKIP") {
        // Playlist delta update (RFC 8216bis 4.4.5.2): SKIPPED-SEGMENTS segments that the
        // client already has are left out before the first listed one; numbering goes on
        // from them so media sequence numbers stay right.
        const skText = parseAttributes(v).values["SKIPPED-SEGMENTS"];
        const sk = skText !== undefined ? parseUint(trimAscii(skText)) : undefined;
        if (sk === undefined) throw manifestError(at(line.no, "#EXT-X-SKIP needs SKIPPED-SEGMENTS as a whole number"));
        if (listed > 0) throw manifestError(at(line.no, "#EXT-X-SKIP after the first segment"));
        if (sk > limits.maxSegments) throw limitError(at(line.no, "#EXT-X-SKIP skips more than " + fmtNum(limits.maxSegments) + " segments"));
        index = index + sk;
        if (targetUs !== undefined) startUs = startUs + sk * targetUs;
        warnings.push(at(line.no, "#EXT-X-SKIP: delta playlist, " + fmtNum(sk) + " earlier segments are not listed"));
      } else if (name === "#EXT-X-START") {
        const off = parseAttributes(v).values["TIME-OFFSET"];
        const n = off !== undefined ? parseNum(off) : undefined;
        if (n !== undefined) info.startOffsetMs = Math.floor(n * 1000000 + 0.5) / 1000;
      }
      // Other tags (PROGRAM-DATE-TIME, ALLOW-CACHE, SERVER-CONTROL, PRELOAD-HINT,
      // RENDITION-REPORT, DATERANGE, ...) and comments do not change the segment list.
    }
  }
  if (pendingUs !== undefined) throw manifestError(at(pendingLine, "#EXTINF is not followed by a segment URI"));
  if (targetUs === undefined) {
    if (listed === 0) throw manifestError("media playlist has no #EXT-X-TARGETDURATION and no segments");
    warnings.push("no #EXT-X-TARGETDURATION");
  }
  info.mediaSequence = mediaSequence;
  if (parts > 0) info.parts = parts;
  if (gaps > 0) info.gaps = gaps;
  const live = info.endList !== true && info.playlistType !== "VOD";
  if (info.endList !== true && info.playlistType === "VOD") warnings.push("VOD playlist without #EXT-X-ENDLIST");
  if (listed === 0 && !live) throw manifestError("media playlist has no segments");
  const segments = kept.result(live);
  for (let k = 0; k < segments.length; k++) segments[k].number = mediaSequence + (segments[k].number as number);
  const out: HlsMedia = { live: live, durationMs: usToMs(startUs), segments: segments, info: info, warnings: warnings };
  if (targetUs !== undefined) out.targetDurationMs = usToMs(targetUs);
  if (firstInit !== undefined) out.initSegment = firstInit;
  return out;
}
