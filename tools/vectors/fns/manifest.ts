// Conformance vectors for the manifest parsers, URL resolution and the XML parser.
// Long segment lists are summarised (count, first 3, last) so vector files stay small.
import { JsonObject, JsonValue, putDefined } from "../../../core/util/json";
import { resolveUrl } from "../../../core/util/url";
import { XmlElement, XmlNode, parseXml } from "../../../core/util/xml";
import { parseDash } from "../../../core/measurements/ott/manifest/dash";
import { detectManifest, parseManifest } from "../../../core/measurements/ott/manifest/detect";
import { parseHls, parseHlsMedia } from "../../../core/measurements/ott/manifest/hls";
import { Manifest, ParseOptions, Rendition, Segment } from "../../../core/measurements/ott/manifest/model";
import { parseMss } from "../../../core/measurements/ott/manifest/mss";
import { VectorFn } from "./types";


export function segmentJson(s: Segment): JsonObject {
  const o: JsonObject = { url: s.url, startMs: s.startMs, durationMs: s.durationMs };
  if (s.byteRange !== undefined) o["byteRange"] = [s.byteRange[0], s.byteRange[1]];
  putDefined(o, "number", s.number);
  if (s.discontinuity === true) o["discontinuity"] = true;
  if (s.initSegment !== undefined) o["initSegment"] = segmentJson(s.initSegment);
  if (s.gap === true) o["gap"] = true;
  putDefined(o, "keyMethod", s.keyMethod);
  putDefined(o, "keyUrl", s.keyUrl);
  putDefined(o, "period", s.period);
  return o;
}

export function renditionJson(r: Rendition): JsonObject {
  const o: JsonObject = { id: r.id, type: r.type, bandwidth: r.bandwidth };
  putDefined(o, "averageBandwidth", r.averageBandwidth);
  putDefined(o, "width", r.width);
  putDefined(o, "height", r.height);
  putDefined(o, "frameRate", r.frameRate);
  putDefined(o, "codecs", r.codecs);
  putDefined(o, "mimeType", r.mimeType);
  putDefined(o, "lang", r.lang);
  putDefined(o, "name", r.name);
  putDefined(o, "group", r.group);
  putDefined(o, "audioGroup", r.audioGroup);
  putDefined(o, "videoGroup", r.videoGroup);
  putDefined(o, "subtitlesGroup", r.subtitlesGroup);
  putDefined(o, "mediaUrl", r.mediaUrl);
  if (r.initSegment !== undefined) o["initSegment"] = segmentJson(r.initSegment);
  if (r.indexRange !== undefined) o["indexRange"] = [r.indexRange[0], r.indexRange[1]];
  const segs = r.segments;
  const first: JsonValue[] = [];
  for (let i = 0; i < segs.length && i < 3; i++) first.push(segmentJson(segs[i]));
  const summary: JsonObject = { count: segs.length, first: first };
  if (segs.length > 3) summary["last"] = segmentJson(segs[segs.length - 1]);
  let total = 0;
  for (let i = 0; i < segs.length; i++) total = total + segs[i].durationMs * 1000;
  summary["totalMs"] = Math.floor(total + 0.5) / 1000;
  o["segments"] = summary;
  return o;
}

function list(rs: Rendition[] | undefined): JsonValue | undefined {
  if (rs === undefined) return undefined;
  return rs.map((r) => renditionJson(r));
}

export function manifestJson(m: Manifest): JsonObject {
  const o: JsonObject = { kind: m.kind, url: m.url, live: m.live, renditions: list(m.renditions) as JsonValue, warnings: m.warnings.slice() };
  putDefined(o, "durationMs", m.durationMs);
  putDefined(o, "minBufferMs", m.minBufferMs);
  putDefined(o, "targetDurationMs", m.targetDurationMs);
  putDefined(o, "refreshMs", m.refreshMs);
  putDefined(o, "timeShiftMs", m.timeShiftMs);
  putDefined(o, "presentationDelayMs", m.presentationDelayMs);
  putDefined(o, "availabilityStartTime", m.availabilityStartTime);
  putDefined(o, "location", m.location);
  putDefined(o, "audio", list(m.audio));
  putDefined(o, "text", list(m.text));
  putDefined(o, "alternates", list(m.alternates));
  putDefined(o, "iframes", list(m.iframes));
  if (m.periods !== undefined) {
    o["periods"] = m.periods.map((p) => {
      const po: JsonObject = { startMs: p.startMs };
      putDefined(po, "id", p.id);
      putDefined(po, "durationMs", p.durationMs);
      return po;
    });
  }
  if (m.hls !== undefined) {
    const h = m.hls;
    const ho: JsonObject = { master: h.master };
    putDefined(ho, "version", h.version);
    putDefined(ho, "mediaSequence", h.mediaSequence);
    putDefined(ho, "discontinuitySequence", h.discontinuitySequence);
    putDefined(ho, "playlistType", h.playlistType);
    putDefined(ho, "endList", h.endList);
    putDefined(ho, "independentSegments", h.independentSegments);
    putDefined(ho, "partTargetMs", h.partTargetMs);
    putDefined(ho, "parts", h.parts);
    putDefined(ho, "gaps", h.gaps);
    putDefined(ho, "startOffsetMs", h.startOffsetMs);
    o["hls"] = ho;
  }
  return o;
}

function optsOf(o: JsonObject): ParseOptions | undefined {
  const opts: ParseOptions = {};
  let any = false;
  if (o["nowMs"] !== undefined) {
    opts.nowMs = o["nowMs"] as number;
    any = true;
  }
  if (o["windowMs"] !== undefined) {
    opts.windowMs = o["windowMs"] as number;
    any = true;
  }
  const l = o["limits"];
  if (l !== undefined) {
    const lo = l as JsonObject;
    opts.limits = {};
    if (lo["maxBytes"] !== undefined) opts.limits.maxBytes = lo["maxBytes"] as number;
    if (lo["maxSegments"] !== undefined) opts.limits.maxSegments = lo["maxSegments"] as number;
    if (lo["maxTotalSegments"] !== undefined) opts.limits.maxTotalSegments = lo["maxTotalSegments"] as number;
    if (lo["maxRenditions"] !== undefined) opts.limits.maxRenditions = lo["maxRenditions"] as number;
    any = true;
  }
  return any ? opts : undefined;
}

function xmlNodeJson(n: XmlNode): JsonValue {
  if (n.type === "element") return xmlElementJson(n);
  if (n.type === "pi") return { pi: n.target, value: n.value };
  const o: JsonObject = {};
  o[n.type] = n.value;
  return o;
}

function xmlElementJson(el: XmlElement): JsonObject {
  const attrs: JsonValue[] = [];
  for (const a of el.attrNames) attrs.push([a, el.attrs[a]]);
  const o: JsonObject = { name: el.name, line: el.line };
  if (attrs.length > 0) o["attrs"] = attrs;
  if (el.children.length > 0) o["children"] = el.children.map((c) => xmlNodeJson(c));
  return o;
}

export const fns: { [name: string]: VectorFn } = {
  "manifest.hls": (i) => {
    const o = i as JsonObject;
    return manifestJson(parseHls(o["text"] as string, o["url"] as string, optsOf(o)));
  },
  "manifest.hlsMedia": (i) => {
    const o = i as JsonObject;
    const m = parseHlsMedia(o["text"] as string, o["url"] as string, optsOf(o));
    const r: Rendition = { id: "0", type: "video", bandwidth: 0, segments: m.segments };
    if (m.initSegment !== undefined) r.initSegment = m.initSegment;
    const out: JsonObject = { live: m.live, durationMs: m.durationMs, rendition: renditionJson(r), warnings: m.warnings.slice() };
    putDefined(out, "targetDurationMs", m.targetDurationMs);
    return out;
  },
  "manifest.dash": (i) => {
    const o = i as JsonObject;
    return manifestJson(parseDash(o["text"] as string, o["url"] as string, optsOf(o)));
  },
  "manifest.mss": (i) => {
    const o = i as JsonObject;
    return manifestJson(parseMss(o["text"] as string, o["url"] as string, optsOf(o)));
  },
  "manifest.parse": (i) => {
    const o = i as JsonObject;
    const ct = o["contentType"] !== undefined ? (o["contentType"] as string) : undefined;
    return manifestJson(parseManifest(o["text"] as string, o["url"] as string, ct, optsOf(o)));
  },
  "manifest.detect": (i) => {
    const o = i as JsonObject;
    return detectManifest(
      o["text"] as string,
      o["url"] !== undefined ? (o["url"] as string) : undefined,
      o["contentType"] !== undefined ? (o["contentType"] as string) : undefined,
    );
  },
  "url.resolve": (i) => {
    const o = i as JsonObject;
    return resolveUrl(o["base"] as string, o["ref"] as string);
  },
  "xml.parse": (i) => {
    const o = i as JsonObject;
    const lim = o["limits"] !== undefined ? (o["limits"] as JsonObject) : undefined;
    const doc = parseXml(o["text"] as string, lim === undefined ? undefined : {
      maxBytes: lim["maxBytes"] !== undefined ? (lim["maxBytes"] as number) : undefined,
      maxDepth: lim["maxDepth"] !== undefined ? (lim["maxDepth"] as number) : undefined,
      maxElements: lim["maxElements"] !== undefined ? (lim["maxElements"] as number) : undefined,
    });
    const out: JsonObject = { root: xmlElementJson(doc.root) };
    if (doc.misc.length > 0) out["misc"] = doc.misc.map((n) => xmlNodeJson(n));
    return out;
  },
};
