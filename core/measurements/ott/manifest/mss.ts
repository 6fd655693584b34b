// Microsoft Smooth Streaming client manifest (SmoothStreamingMedia) -> Manifest.
// Fragment times are in TimeScale ticks (default 10 MHz); `c` elements carry d (duration),
// t (start, optional) and r (how many fragments share this duration, default 1, as in
// MS-SSTR 2.2). Fragment URLs come from the StreamIndex Url template:
// "QualityLevels({bitrate})/Fragments(video={start time})", resolved against the manifest URL.
import { fmtNum } from "../../../util/num";
import { resolveUrl } from "../../../util/url";
import { readManifestRoot } from "./xml-root";
import { XmlElement, childElements, localName } from "../../../util/xml";
import {
  Manifest,
  MediaType,
  ParseOptions,
  Rendition,
  Segment,
  SegmentBudget,
  assignLadder,
  limitError,
  limitsOf,
  manifestError,
  parseUint,
  ticksToUs,
  trimAscii,
  usToMs,
} from "./model";

const DEFAULT_TIMESCALE = 10000000;

function where(el: XmlElement): string {
  return "<" + el.name + "> (line " + fmtNum(el.line) + ")";
}

function uint(el: XmlElement, name: string): number | undefined {
  const v = el.attrs[name];
  if (v === undefined) return undefined;
  const n = parseUint(trimAscii(v));
  if (n === undefined) throw manifestError(where(el) + ": " + name + "=\"" + v + "\" is not a whole number");
  return n;
}

function replaceAllText(s: string, what: string, by: string): string {
  if (s.indexOf(what) < 0) return s;
  return s.split(what).join(by);
}

/**
 * Fill a StreamIndex Url template for one quality level and fragment start time. MS-SSTR
 * 2.2.3: {CustomAttributes} stands for the QualityLevel's custom attributes as
 * "Name=Value" pairs joined by commas; without any, it and the comma before it go away.
 */
export function fillMssTemplate(tpl: string, bitrate: number, startTicks: number, custom?: string): string {
  let s = tpl;
  if (s.indexOf("{CustomAttributes}") >= 0) {
    if (custom === undefined || custom === "") s = replaceAllText(replaceAllText(s, ",{CustomAttributes}", ""), "{CustomAttributes}", "");
    else s = replaceAllText(s, "{CustomAttributes}", custom);
  }
  s = replaceAllText(s, "{bitrate}", fmtNum(bitrate));
  s = replaceAllText(s, "{Bitrate}", fmtNum(bitrate));
  s = replaceAllText(s, "{start time}", fmtNum(startTicks));
  s = replaceAllText(s, "{start_time}", fmtNum(startTicks));
  return s;
}

/** A QualityLevel's <CustomAttributes><Attribute Name Value/></CustomAttributes> as "N=V,N=V". */
function customAttributes(ql: XmlElement): string {
  const out: string[] = [];
  for (const ca of childElements(ql, "CustomAttributes")) {
    for (const a of childElements(ca, "Attribute")) {
      const n = a.attrs["Name"];
      if (n === undefined) throw manifestError(where(a) + ": Attribute has no Name");
      out.push(n + "=" + (a.attrs["Value"] !== undefined ? a.attrs["Value"] : ""));
    }
  }
  return out.join(",");
}

/**
 * Why a StreamIndex is not played, or undefined when it is: a player plays audio and video;
 * text, sparse streams (captions, chapters, script commands: they have a ParentStreamIndex
 * or a text Subtype) and zoetrope thumbnails are skipped (MS-SSTR 2.2.2.3).
 */
function notPlayed(st: XmlElement): string | undefined {
  const type = st.attrs["Type"];
  const sub = st.attrs["Subtype"] !== undefined ? st.attrs["Subtype"] : "";
  if (type !== "video" && type !== "audio") return "Type=\"" + (type !== undefined ? type : "") + "\"" + (sub !== "" ? " Subtype=\"" + sub + "\"" : "");
  if (st.attrs["ParentStreamIndex"] !== undefined) return "sparse (ParentStreamIndex=\"" + st.attrs["ParentStreamIndex"] + "\")";
  if (sub === "ZOET") return "zoetrope (Subtype=\"ZOET\")";
  return undefined;
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && (v === "TRUE" || v === "true" || v === "True");
}

/** Parse a Smooth Streaming manifest fetched from `url`. */
export function parseMss(text: string, url: string, opts?: ParseOptions): Manifest {
  const limits = limitsOf(opts);
  const root = readManifestRoot(text, limits, "Smooth Streaming manifest", "SmoothStreamingMedia");
  // MS-SSTR 2.2.2.1 requires MajorVersion 2; IIS Smooth Streaming 1.0 servers still write 1,
  // with the same elements, and players accept both.
  const major = root.attrs["MajorVersion"];
  if (major !== undefined && major !== "2" && major !== "1") throw manifestError("unsupported MajorVersion " + major + " (1 and 2 are known)");
  let timescale = uint(root, "TimeScale");
  if (timescale === undefined) timescale = DEFAULT_TIMESCALE;
  if (timescale === 0 || timescale > 1000000000) throw manifestError("bad TimeScale " + fmtNum(timescale));
  const live = isTrue(root.attrs["IsLive"]);
  const warnings: string[] = [];
  const m: Manifest = { kind: "mss", url: url, live: live, renditions: [], warnings: warnings };
  const dur = uint(root, "Duration");
  if (dur !== undefined && dur > 0) {
    const us = ticksToUs(dur, timescale);
    if (us > limits.maxDurationMs * 1000) throw manifestError("Duration is absurdly long");
    m.durationMs = usToMs(us);
  }
  const dvr = uint(root, "DVRWindowLength");
  if (dvr !== undefined && dvr > 0) m.timeShiftMs = usToMs(ticksToUs(dvr, timescale));
  const budget = new SegmentBudget(limits);
  const video: Rendition[] = [];
  const audio: Rendition[] = [];
  const textR: Rendition[] = [];
  let count = 0;
  const streams = childElements(root, "StreamIndex");
  if (streams.length === 0) throw manifestError("no StreamIndex");
  for (let si = 0; si < streams.length; si++) {
    const st = streams[si];
    const w = where(st);
    const typeAttr = st.attrs["Type"];
    const skip = notPlayed(st);
    const type: MediaType = typeAttr === "audio" ? "audio" : "video";
    if (skip !== undefined) {
      warnings.push(w + ": StreamIndex " + (st.attrs["Name"] !== undefined ? "\"" + st.attrs["Name"] + "\" " : "") + skip + " is not played, skipped");
    } else {
      const tpl = st.attrs["Url"];
      if (tpl === undefined) throw manifestError(w + ": StreamIndex has no Url");
      if (tpl.indexOf("{start time}") < 0 && tpl.indexOf("{start_time}") < 0) throw manifestError(w + ": Url has no {start time}");
      let ts = uint(st, "TimeScale");
      if (ts === undefined) ts = timescale;
      if (ts === 0 || ts > 1000000000) throw manifestError(w + ": bad TimeScale");
      const name = st.attrs["Name"] !== undefined ? st.attrs["Name"] : typeAttr;
      // Fragment times, shared by every quality level of the stream.
      const cs = childElements(st, "c");
      if (cs.length === 0 && !live) throw manifestError(w + ": no fragments (c elements)");
      const times: number[] = [];
      const durs: number[] = [];
      let cursor = 0;
      for (let k = 0; k < cs.length; k++) {
        const c = cs[k];
        const t = uint(c, "t");
        if (t !== undefined) {
          if (k > 0 && t < cursor) throw manifestError(where(c) + ": t goes back in time");
          cursor = t;
        }
        const d = uint(c, "d");
        let rep = uint(c, "r");
        if (rep === undefined || rep === 0) rep = 1;
        if (d === undefined) {
          // Only the last fragment of a live manifest may omit d.
          if (k + 1 < cs.length && cs[k + 1].attrs["t"] !== undefined) {
            const nt = uint(cs[k + 1], "t") as number;
            if (nt <= cursor) throw manifestError(where(c) + ": c has no d");
            times.push(cursor);
            durs.push(nt - cursor);
            cursor = nt;
            budget.take(times.length - 1, 1, w);
          } else {
            throw manifestError(where(c) + ": c has no d");
          }
        } else {
          if (d === 0) throw manifestError(where(c) + ": d=0");
          if (ticksToUs(d, ts) > limits.maxSegmentMs * 1000) throw manifestError(where(c) + ": fragment duration is absurd");
          if (rep > limits.maxSegments) {
            throw limitError(where(c) + ": r=" + fmtNum(rep) + " repeats more than " + fmtNum(limits.maxSegments) + " fragments");
          }
          if (times.length + rep > limits.maxSegments) throw limitError(w + ": more than " + fmtNum(limits.maxSegments) + " fragments");
          for (let q = 0; q < rep; q++) {
            times.push(cursor);
            durs.push(d);
            cursor = cursor + d;
          }
        }
      }
      const qls = childElements(st, "QualityLevel");
      if (qls.length === 0) throw manifestError(w + ": no QualityLevel");
      for (let qi = 0; qi < qls.length; qi++) {
        const ql = qls[qi];
        const qw = where(ql);
        count = count + 1;
        if (count > limits.maxRenditions) throw limitError(qw + ": more than " + fmtNum(limits.maxRenditions) + " renditions");
        const bitrate = uint(ql, "Bitrate");
        if (bitrate === undefined) throw manifestError(qw + ": QualityLevel has no Bitrate");
        const idx = ql.attrs["Index"] !== undefined ? ql.attrs["Index"] : fmtNum(qi);
        const r: Rendition = { id: name + "/" + idx, type: type, bandwidth: bitrate, segments: [] };
        const mw = uint(ql, "MaxWidth") !== undefined ? uint(ql, "MaxWidth") : uint(ql, "Width");
        const mh = uint(ql, "MaxHeight") !== undefined ? uint(ql, "MaxHeight") : uint(ql, "Height");
        if (mw !== undefined) r.width = mw;
        if (mh !== undefined) r.height = mh;
        if (ql.attrs["FourCC"] !== undefined) r.codecs = ql.attrs["FourCC"];
        if (st.attrs["Language"] !== undefined) r.lang = st.attrs["Language"];
        r.name = name;
        const custom = customAttributes(ql);
        budget.take(0, times.length, qw);
        const segs: Segment[] = r.segments;
        for (let k = 0; k < times.length; k++) {
          const startUs = ticksToUs(times[k], ts);
          const endUs = ticksToUs(times[k] + durs[k], ts);
          segs.push({
            url: resolveUrl(url, fillMssTemplate(tpl, bitrate, times[k], custom)),
            startMs: usToMs(startUs),
            durationMs: usToMs(endUs - startUs),
            number: k,
          });
        }
        if (type === "video") video.push(r);
        else audio.push(r);
      }
    }
  }
  assignLadder(m, video, audio, textR, "no video or audio StreamIndex");
  return m;
}
