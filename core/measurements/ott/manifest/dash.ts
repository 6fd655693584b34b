// MPEG-DASH MPD -> Manifest. Static and dynamic MPDs, multiple Periods, SegmentTemplate
// (with or without SegmentTimeline), SegmentList, SegmentBase, BaseURL at every level and
// inheritance of segment information Period -> AdaptationSet -> Representation.
// Time arithmetic is kept in integer ticks and integer microseconds, rounded once.
import { fmtNum, parseNum } from "../../../util/num";
import { parseTime } from "../../../util/time";
import { resolveUrl } from "../../../util/url";
import { readManifestRoot } from "./xml-root";
import { XmlElement, childElements, firstChild, localName, textContent } from "../../../util/xml";
import {
  Manifest,
  ManifestLimits,
  MediaType,
  ParseOptions,
  Period,
  Rendition,
  Segment,
  SegmentBudget,
  assignLadder,
  limitError,
  limitsOf,
  manifestError,
  parseUint,
  secondsToUs,
  ticksToUs,
  trimAscii,
  usToMs,
} from "./model";

const MAX_TIMESCALE = 1000000000;

/** ISO 8601 duration (PT1H2M3.5S, P1D, P1DT12H) to integer microseconds; Y = 365 d, M = 30 d. */
export function parseIsoDurationUs(s: string): number | undefined {
  const t = trimAscii(s);
  if (t.substring(0, 1) !== "P" || t.length < 2) return undefined;
  let i = 1;
  let inTime = false;
  let us = 0;
  let any = false;
  while (i < t.length) {
    const ch = t.substring(i, i + 1);
    if (ch === "T") {
      if (inTime) return undefined;
      inTime = true;
      i = i + 1;
      continue;
    }
    let j = i;
    while (j < t.length) {
      const c = t.charCodeAt(j);
      if ((c >= 48 && c <= 57) || c === 46) j = j + 1;
      else break;
    }
    if (j === i || j >= t.length) return undefined;
    const num = t.substring(i, j);
    const unit = t.substring(j, j + 1);
    let mult = 0;
    if (!inTime && unit === "Y") mult = 31536000;
    else if (!inTime && unit === "M") mult = 2592000;
    else if (!inTime && unit === "W") mult = 604800;
    else if (!inTime && unit === "D") mult = 86400;
    else if (inTime && unit === "H") mult = 3600;
    else if (inTime && unit === "M") mult = 60;
    else if (inTime && unit === "S") mult = 1;
    else return undefined;
    const v = secondsToUs(num);
    if (v === undefined) return undefined;
    us = us + v * mult;
    any = true;
    i = j + 1;
  }
  if (!any || us > 9007199254740991) return undefined;
  return us;
}

function durAttr(el: XmlElement, name: string, where: string, limits: ManifestLimits): number | undefined {
  const v = el.attrs[name];
  if (v === undefined) return undefined;
  const us = parseIsoDurationUs(v);
  if (us === undefined) throw manifestError(where + ": bad duration " + name + "=\"" + v + "\"");
  if (us > limits.maxDurationMs * 1000) throw manifestError(where + ": " + name + "=\"" + v + "\" is absurdly long");
  return us;
}

/**
 * An xs:unsignedInt / xs:unsignedLong attribute (ISO/IEC 23009-1's type for timescale,
 * presentationTimeOffset, startNumber, duration, @t, @d, bandwidth...), with the error in
 * the schema's words: a minus sign makes it "negative", anything else "not a whole number".
 */
export function wholeNumber(v: string, where: string, name: string): number {
  const t = trimAscii(v);
  const n = parseUint(t);
  if (n !== undefined) return n;
  if (t.substring(0, 1) === "-" && parseNum(t) !== undefined) {
    throw manifestError(where + ": " + name + "=\"" + v + "\" is negative (an unsigned integer is required)");
  }
  throw manifestError(where + ": " + name + "=\"" + v + "\" is not a whole number");
}

function uintAttr(el: XmlElement, name: string, where: string): number | undefined {
  const v = el.attrs[name];
  if (v === undefined) return undefined;
  return wholeNumber(v, where, name);
}

function baseUrlOf(el: XmlElement, parent: string): string {
  const b = firstChild(el, "BaseURL");
  if (b === undefined) return parent;
  const t = trimAscii(textContent(b));
  return t.length === 0 ? parent : resolveUrl(parent, t);
}

function describe(el: XmlElement): string {
  const id = el.attrs["id"];
  return localName(el.name) + (id !== undefined ? " id=" + id : "") + " (line " + fmtNum(el.line) + ")";
}

/** Replace $RepresentationID$, $Number$, $Time$, $Bandwidth$ (with %0Nd widths) and $$. */
export function fillTemplate(tpl: string, repId: string, bandwidth: number, num: number | undefined, time: number | undefined): string {
  if (tpl.indexOf("$") < 0) return tpl;
  const out: string[] = [];
  let i = 0;
  while (i < tpl.length) {
    const d = tpl.indexOf("$", i);
    if (d < 0) {
      out.push(tpl.substring(i));
      break;
    }
    out.push(tpl.substring(i, d));
    const e = tpl.indexOf("$", d + 1);
    if (e < 0) throw manifestError("unterminated $ in template " + tpl);
    const body = tpl.substring(d + 1, e);
    i = e + 1;
    if (body === "") {
      out.push("$");
    } else {
      const pct = body.indexOf("%");
      const ident = pct < 0 ? body : body.substring(0, pct);
      let width = 0;
      if (pct >= 0) {
        const fmt = body.substring(pct + 1);
        if (fmt.length < 2 || fmt.substring(fmt.length - 1) !== "d") throw manifestError("bad format in template $" + body + "$");
        const w = parseUint(fmt.substring(0, fmt.length - 1));
        if (w === undefined || w > 32) throw manifestError("bad width in template $" + body + "$");
        width = w;
      }
      let v: string;
      if (ident === "RepresentationID") {
        if (pct >= 0) throw manifestError("$RepresentationID$ takes no format");
        v = repId;
      } else if (ident === "Number" || ident === "Time" || ident === "Bandwidth") {
        const n = ident === "Number" ? num : ident === "Time" ? time : bandwidth;
        if (n === undefined) throw manifestError("$" + ident + "$ cannot be used in this template: " + tpl);
        v = fmtNum(n);
        while (v.length < width) v = "0" + v;
      } else if (ident === "SubNumber") {
        throw manifestError("$SubNumber$ is not supported");
      } else {
        throw manifestError("unknown identifier $" + ident + "$ in template " + tpl);
      }
      out.push(v);
    }
  }
  return out.join("");
}

/** "first-last" -> [first, last]. */
function parseRange(s: string, where: string): [number, number] {
  const dash = s.indexOf("-");
  const a = dash < 0 ? undefined : parseUint(trimAscii(s.substring(0, dash)));
  const b = dash < 0 ? undefined : parseUint(trimAscii(s.substring(dash + 1)));
  if (a === undefined || b === undefined || b < a) throw manifestError(where + ": bad byte range \"" + s + "\"");
  return [a, b];
}

type SegKind = "template" | "list" | "base" | "none";

/** The segment-information elements of one kind from Period, AdaptationSet, Representation (outer first). */
interface SegInfo {
  kind: SegKind;
  els: XmlElement[];
}

function segInfoOf(levels: XmlElement[]): SegInfo {
  // The innermost level that carries any segment information decides the kind.
  for (let k = levels.length - 1; k >= 0; k--) {
    const lv = levels[k];
    let kind: SegKind = "none";
    let local = "";
    if (firstChild(lv, "SegmentTemplate") !== undefined) {
      kind = "template";
      local = "SegmentTemplate";
    } else if (firstChild(lv, "SegmentList") !== undefined) {
      kind = "list";
      local = "SegmentList";
    } else if (firstChild(lv, "SegmentBase") !== undefined) {
      kind = "base";
      local = "SegmentBase";
    }
    if (kind !== "none") {
      const els: XmlElement[] = [];
      for (let m = 0; m <= k; m++) {
        const e = firstChild(levels[m], local);
        if (e !== undefined) els.push(e);
      }
      return { kind: kind, els: els };
    }
  }
  return { kind: "none", els: [] };
}

/** Attribute from the innermost element that has it. */
function inherited(els: XmlElement[], name: string): string | undefined {
  for (let k = els.length - 1; k >= 0; k--) {
    const v = els[k].attrs[name];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Child element from the innermost element that has one. */
function inheritedChild(els: XmlElement[], local: string): XmlElement | undefined {
  for (let k = els.length - 1; k >= 0; k--) {
    const c = firstChild(els[k], local);
    if (c !== undefined) return c;
  }
  return undefined;
}

interface RepContext {
  id: string;
  bandwidth: number;
  base: string;
  where: string;
  periodIndex: number;
  periodStartUs: number;
  /** Period duration when known. */
  periodDurUs: number | undefined;
  live: boolean;
  /** Microseconds since availabilityStartTime at nowMs, when both are known. */
  nowUs: number | undefined;
  timeShiftUs: number | undefined;
  /** Only this much presentation time is expanded (from the start, or back from the live edge). */
  windowUs: number | undefined;
  /** Start of the first period: where a VOD window begins. */
  presentationStartUs: number;
  limits: ManifestLimits;
  budget: SegmentBudget;
}

interface Built {
  init?: Segment;
  indexRange?: [number, number];
  segments: Segment[];
}

function timescaleOf(els: XmlElement[], where: string): number {
  const v = inherited(els, "timescale");
  if (v === undefined) return 1;
  const n = parseUint(trimAscii(v));
  if (n === undefined || n === 0 || n > MAX_TIMESCALE) throw manifestError(where + ": bad timescale \"" + v + "\"");
  return n;
}

function uintInherited(els: XmlElement[], name: string, where: string, dflt: number): number {
  const v = inherited(els, name);
  if (v === undefined) return dflt;
  return wholeNumber(v, where, name);
}

interface TimedEntry {
  t: number;
  d: number;
  /** Position in the whole (unexpanded) list: $Number$ = startNumber + k, SegmentURL k. */
  k: number;
}

/** One S element after repeat counts are resolved: `count` segments of `d` ticks from `t`. */
interface Run {
  t: number;
  d: number;
  count: number;
  k: number;
}

/**
 * The part of a run of `count` segments of `d` ticks from `t0` that lies in [lo, hi) ticks
 * (either bound absent = open): index range [first, end).
 */
function runWindow(t0: number, d: number, count: number, lo: number | undefined, hi: number | undefined): [number, number] {
  let first = 0;
  let end = count;
  // first segment that ends after lo
  if (lo !== undefined && t0 + d <= lo) first = Math.floor((lo - t0) / d);
  // segments that start before hi
  if (hi !== undefined) {
    const before = hi > t0 ? Math.ceil((hi - t0) / d) : 0;
    if (before < end) end = before;
  }
  if (first > end) first = end;
  return [first, end];
}

/** Media ticks of the window bounds for a representation: [lo, hi), each possibly open. */
function windowTicks(ts: number, pto: number, ctx: RepContext, edgeUs: number | undefined): [number | undefined, number | undefined] {
  const toTicks = (us: number): number => pto + Math.floor(((us - ctx.periodStartUs) * ts) / 1000000);
  let lo: number | undefined = undefined;
  let hi: number | undefined = undefined;
  if (ctx.periodDurUs !== undefined) hi = pto + Math.ceil((ctx.periodDurUs * ts) / 1000000);
  if (ctx.windowUs !== undefined) {
    if (ctx.live) {
      if (edgeUs !== undefined) lo = toTicks(edgeUs - ctx.windowUs);
    } else {
      const w = toTicks(ctx.presentationStartUs + ctx.windowUs);
      if (hi === undefined || w < hi) hi = w;
    }
  }
  return [lo, hi];
}

/**
 * A SegmentTimeline's runs, expanded only for the window a session can play (the whole
 * timeline when no window is given): memory follows the window, not r. Bounded before any
 * loop runs; segments that start at or after the period's end are dropped.
 */
function expandTimeline(tl: XmlElement, ts: number, pto: number, ctx: RepContext): TimedEntry[] {
  const ss = childElements(tl, "S");
  // Period end in ticks (media time), when known.
  let endTicks: number | undefined = undefined;
  if (ctx.periodDurUs !== undefined) endTicks = pto + Math.ceil((ctx.periodDurUs * ts) / 1000000);
  else if (ctx.nowUs !== undefined) endTicks = pto + Math.floor(((ctx.nowUs - ctx.periodStartUs) * ts) / 1000000);
  const runs: Run[] = [];
  let cursor = 0;
  let total = 0;
  for (let k = 0; k < ss.length; k++) {
    const s = ss[k];
    const w = ctx.where + " S (line " + fmtNum(s.line) + ")";
    const t = uintAttr(s, "t", w);
    if (t !== undefined) {
      if (k > 0 && t < cursor) throw manifestError(w + ": t=" + fmtNum(t) + " goes back in time");
      cursor = t;
    } else if (k === 0) {
      // No t on the first S: the timeline starts at the period start (media time = PTO).
      cursor = pto;
    }
    const d = uintAttr(s, "d", w);
    if (d === undefined) throw manifestError(w + ": S has no d");
    if (d === 0) throw manifestError(w + ": S d=0");
    if (ticksToUs(d, ts) > ctx.limits.maxSegmentMs * 1000) throw manifestError(w + ": segment duration d=" + fmtNum(d) + " is absurd");
    const rText = s.attrs["r"];
    let count = 1;
    if (rText !== undefined) {
      const rt = trimAscii(rText);
      if (rt === "-1") {
        let until: number | undefined = undefined;
        const next = k + 1 < ss.length ? ss[k + 1].attrs["t"] : undefined;
        if (next !== undefined) until = uintAttr(ss[k + 1], "t", w);
        else until = endTicks;
        if (until === undefined) throw manifestError(w + ": r=-1 in a period with no end (no duration, no current time)");
        count = until > cursor ? Math.ceil((until - cursor) / d) : 0;
      } else {
        const r = parseNum(rt);
        if (r === undefined || r !== Math.floor(r) || r < 0) throw manifestError(w + ": bad repeat count r=\"" + rText + "\"");
        count = r + 1;
      }
    }
    if (count > ctx.limits.maxSegments) {
      throw limitError(w + ": repeat count gives " + fmtNum(count) + " segments, more than " + fmtNum(ctx.limits.maxSegments));
    }
    ctx.budget.take(total, count, w);
    runs.push({ t: cursor, d: d, count: count, k: total });
    total = total + count;
    cursor = cursor + count * d;
  }
  const edgeUs = ctx.nowUs !== undefined ? ctx.nowUs : ctx.periodStartUs + ticksToUs(cursor - pto, ts);
  const win = windowTicks(ts, pto, ctx, edgeUs);
  const out: TimedEntry[] = [];
  for (const run of runs) {
    const range = runWindow(run.t, run.d, run.count, win[0], win[1]);
    for (let i = range[0]; i < range[1]; i++) out.push({ t: run.t + i * run.d, d: run.d, k: run.k + i });
  }
  return out;
}

/** Segments of a duration-based template or list: count from the period duration, or the live window. */
function durationEntries(d: number, ts: number, pto: number, ctx: RepContext, maxCount: number | undefined): TimedEntry[] {
  if (d === 0) throw manifestError(ctx.where + ": duration=0");
  const segUs = (d * 1000000) / ts;
  if (segUs > ctx.limits.maxSegmentMs * 1000) throw manifestError(ctx.where + ": segment duration is absurd");
  let first = 0;
  let count: number;
  let edgeUs: number | undefined = undefined;
  if (maxCount !== undefined) {
    count = maxCount;
  } else if (ctx.periodDurUs !== undefined) {
    const x = ctx.periodDurUs * ts;
    const y = d * 1000000;
    count = Math.floor(x / y);
    if (count * y < x) count = count + 1;
  } else if (ctx.nowUs !== undefined) {
    const elapsed = ctx.nowUs - ctx.periodStartUs;
    const avail = elapsed > 0 ? Math.floor(elapsed / segUs) : 0;
    if (ctx.timeShiftUs !== undefined) {
      const keep = Math.ceil(ctx.timeShiftUs / segUs);
      first = avail > keep ? avail - keep : 0;
    }
    count = avail - first;
    edgeUs = ctx.nowUs;
  } else {
    throw manifestError(ctx.where + ": live template without a timeline needs the current time");
  }
  if (count > ctx.limits.maxSegments) {
    throw limitError(ctx.where + ": " + fmtNum(count) + " segments, more than " + fmtNum(ctx.limits.maxSegments));
  }
  ctx.budget.take(0, count, ctx.where);
  const win = windowTicks(ts, pto, ctx, edgeUs);
  const range = runWindow(pto + first * d, d, count, win[0], win[1]);
  const entries: TimedEntry[] = [];
  for (let i = range[0]; i < range[1]; i++) entries.push({ t: pto + (first + i) * d, d: d, k: first + i });
  return entries;
}

function timedSegment(url: string, e: TimedEntry, ts: number, pto: number, ctx: RepContext): Segment {
  const startUs = ctx.periodStartUs + ticksToUs(e.t - pto, ts);
  let endUs = ctx.periodStartUs + ticksToUs(e.t + e.d - pto, ts);
  // the segment straddling the period's end is clipped there (ISO/IEC 23009-1 5.3.9.5.3)
  if (ctx.periodDurUs !== undefined && endUs > ctx.periodStartUs + ctx.periodDurUs && startUs < ctx.periodStartUs + ctx.periodDurUs) {
    endUs = ctx.periodStartUs + ctx.periodDurUs;
  }
  return { url: url, startMs: usToMs(startUs), durationMs: usToMs(endUs - startUs), period: ctx.periodIndex };
}

function initFromElement(init: XmlElement | undefined, ctx: RepContext): Segment | undefined {
  if (init === undefined) return undefined;
  const src = init.attrs["sourceURL"];
  const seg: Segment = {
    url: src !== undefined ? resolveUrl(ctx.base, fillTemplate(src, ctx.id, ctx.bandwidth, undefined, undefined)) : ctx.base,
    durationMs: 0,
    startMs: usToMs(ctx.periodStartUs),
    period: ctx.periodIndex,
  };
  if (init.attrs["range"] !== undefined) seg.byteRange = parseRange(init.attrs["range"], ctx.where + " Initialization");
  return seg;
}

function buildTemplate(els: XmlElement[], ctx: RepContext): Built {
  const where = ctx.where + " SegmentTemplate";
  const ts = timescaleOf(els, where);
  const pto = uintInherited(els, "presentationTimeOffset", where, 0);
  const startNumber = uintInherited(els, "startNumber", where, 1);
  const media = inherited(els, "media");
  if (media === undefined) throw manifestError(where + ": no media attribute");
  const out: Built = { segments: [] };
  const initTpl = inherited(els, "initialization");
  if (initTpl !== undefined) {
    out.init = {
      // $Number$ has no meaning here; some packagers still write it: use startNumber.
      url: resolveUrl(ctx.base, fillTemplate(initTpl, ctx.id, ctx.bandwidth, startNumber, undefined)),
      durationMs: 0,
      startMs: usToMs(ctx.periodStartUs),
      period: ctx.periodIndex,
    };
  } else {
    out.init = initFromElement(inheritedChild(els, "Initialization"), ctx);
  }
  const tl = inheritedChild(els, "SegmentTimeline");
  let entries: TimedEntry[];
  if (tl !== undefined) {
    entries = expandTimeline(tl, ts, pto, ctx);
  } else {
    const dText = inherited(els, "duration");
    if (dText === undefined) throw manifestError(where + ": neither SegmentTimeline nor duration");
    entries = durationEntries(wholeNumber(dText, where, "duration"), ts, pto, ctx, undefined);
  }
  for (let i = 0; i < entries.length; i++) {
    const num = startNumber + entries[i].k;
    const url = resolveUrl(ctx.base, fillTemplate(media, ctx.id, ctx.bandwidth, num, entries[i].t));
    const seg = timedSegment(url, entries[i], ts, pto, ctx);
    seg.number = num;
    out.segments.push(seg);
  }
  return out;
}

function buildList(els: XmlElement[], ctx: RepContext): Built {
  const where = ctx.where + " SegmentList";
  const ts = timescaleOf(els, where);
  const pto = uintInherited(els, "presentationTimeOffset", where, 0);
  const startNumber = uintInherited(els, "startNumber", where, 1);
  const out: Built = { segments: [] };
  out.init = initFromElement(inheritedChild(els, "Initialization"), ctx);
  // SegmentURLs come from the innermost SegmentList that lists any.
  let urls: XmlElement[] = [];
  for (let k = els.length - 1; k >= 0 && urls.length === 0; k--) urls = childElements(els[k], "SegmentURL");
  if (urls.length === 0) throw manifestError(where + ": no SegmentURL");
  if (urls.length > ctx.limits.maxSegments) throw limitError(where + ": more than " + fmtNum(ctx.limits.maxSegments) + " segments");
  const tl = inheritedChild(els, "SegmentTimeline");
  let entries: TimedEntry[];
  if (tl !== undefined) {
    entries = expandTimeline(tl, ts, pto, ctx);
  } else {
    const dText = inherited(els, "duration");
    if (dText === undefined) {
      if (urls.length !== 1 || ctx.periodDurUs === undefined) throw manifestError(where + ": no duration and no SegmentTimeline");
      entries = [{ t: pto, d: Math.ceil((ctx.periodDurUs * ts) / 1000000), k: 0 }];
      ctx.budget.take(0, 1, where);
    } else {
      entries = durationEntries(wholeNumber(dText, where, "duration"), ts, pto, ctx, urls.length);
    }
  }
  for (let i = 0; i < entries.length && entries[i].k < urls.length; i++) {
    const u = urls[entries[i].k];
    const m = u.attrs["media"];
    const url = m !== undefined ? resolveUrl(ctx.base, m) : ctx.base;
    const seg = timedSegment(url, entries[i], ts, pto, ctx);
    seg.number = startNumber + entries[i].k;
    if (u.attrs["mediaRange"] !== undefined) seg.byteRange = parseRange(u.attrs["mediaRange"], where + " SegmentURL");
    out.segments.push(seg);
  }
  return out;
}

function buildBase(els: XmlElement[], ctx: RepContext): Built {
  const where = ctx.where + " SegmentBase";
  const out: Built = { segments: [] };
  out.init = initFromElement(inheritedChild(els, "Initialization"), ctx);
  const ir = inherited(els, "indexRange");
  if (ir !== undefined) out.indexRange = parseRange(ir, where + " indexRange");
  out.segments.push(wholeFile(ctx, where));
  return out;
}

function wholeFile(ctx: RepContext, where: string): Segment {
  if (ctx.periodDurUs === undefined) throw manifestError(where + ": a whole-file segment needs a period duration");
  ctx.budget.take(0, 1, where);
  return { url: ctx.base, startMs: usToMs(ctx.periodStartUs), durationMs: usToMs(ctx.periodDurUs), number: 1, period: ctx.periodIndex };
}

function classify(as: XmlElement, reps: XmlElement[]): MediaType | undefined {
  const ct = as.attrs["contentType"];
  if (ct === "video" || ct === "audio" || ct === "text") return ct;
  if (ct !== undefined) return undefined;
  const mimes: string[] = [];
  if (as.attrs["mimeType"] !== undefined) mimes.push(as.attrs["mimeType"]);
  if (reps.length > 0 && reps[0].attrs["mimeType"] !== undefined) mimes.push(reps[0].attrs["mimeType"]);
  for (const m of mimes) {
    if (m.substring(0, 6) === "video/") return "video";
    if (m.substring(0, 6) === "audio/") return "audio";
    if (m.substring(0, 5) === "text/" || m === "application/ttml+xml") return "text";
  }
  const codecs: string[] = [];
  if (as.attrs["codecs"] !== undefined) codecs.push(as.attrs["codecs"]);
  if (reps.length > 0 && reps[0].attrs["codecs"] !== undefined) codecs.push(reps[0].attrs["codecs"]);
  for (const c of codecs) {
    const p = c.substring(0, 4);
    if (p === "avc1" || p === "avc3" || p === "hvc1" || p === "hev1" || p === "vp09" || p === "av01" || p === "dvh1" || p === "dvhe") return "video";
    if (p === "mp4a" || p === "ac-3" || p === "ec-3" || p === "opus" || p === "flac") return "audio";
    if (p === "stpp" || p === "wvtt") return "text";
  }
  return undefined;
}

function frameRateOf(v: string, where: string): number {
  const slash = v.indexOf("/");
  if (slash >= 0) {
    const a = parseUint(v.substring(0, slash));
    const b = parseUint(v.substring(slash + 1));
    if (a === undefined || b === undefined || b === 0) throw manifestError(where + ": bad frameRate \"" + v + "\"");
    return a / b;
  }
  const n = parseNum(v);
  if (n === undefined || n <= 0) throw manifestError(where + ": bad frameRate \"" + v + "\"");
  return n;
}

function sameUrlRange(a: Segment | undefined, b: Segment | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.url !== b.url) return false;
  if (a.byteRange === undefined || b.byteRange === undefined) return a.byteRange === b.byteRange;
  return a.byteRange[0] === b.byteRange[0] && a.byteRange[1] === b.byteRange[1];
}

interface Slot {
  r: Rendition;
  /** Init of the last period that contributed segments. */
  lastInit?: Segment;
  lastPeriod: number;
}

/** Parse an MPD fetched from `url`. */
export function parseDash(text: string, url: string, opts?: ParseOptions): Manifest {
  const limits = limitsOf(opts);
  const root = readManifestRoot(text, limits, "MPD", "MPD");
  const type = root.attrs["type"] !== undefined ? root.attrs["type"] : "static";
  if (type !== "static" && type !== "dynamic") throw manifestError("MPD type=\"" + type + "\" is neither static nor dynamic");
  const live = type === "dynamic";
  const warnings: string[] = [];
  const m: Manifest = { kind: "dash", url: url, live: live, renditions: [], warnings: warnings };
  const mpdDur = durAttr(root, "mediaPresentationDuration", "MPD", limits);
  if (mpdDur !== undefined) m.durationMs = usToMs(mpdDur);
  const mbt = durAttr(root, "minBufferTime", "MPD", limits);
  if (mbt !== undefined) m.minBufferMs = usToMs(mbt);
  const mup = durAttr(root, "minimumUpdatePeriod", "MPD", limits);
  if (mup !== undefined) m.refreshMs = usToMs(mup);
  const tsbd = durAttr(root, "timeShiftBufferDepth", "MPD", limits);
  if (tsbd !== undefined) m.timeShiftMs = usToMs(tsbd);
  const spd = durAttr(root, "suggestedPresentationDelay", "MPD", limits);
  if (spd !== undefined) m.presentationDelayMs = usToMs(spd);
  const ast = root.attrs["availabilityStartTime"];
  if (ast !== undefined) m.availabilityStartTime = ast;
  const loc = firstChild(root, "Location");
  if (loc !== undefined) m.location = resolveUrl(url, trimAscii(textContent(loc)));
  let nowUs: number | undefined = undefined;
  if (live && opts !== undefined && opts.nowMs !== undefined && ast !== undefined) {
    let astMs: number;
    try {
      astMs = parseTime(ast);
    } catch (e) {
      throw manifestError("MPD: bad availabilityStartTime \"" + ast + "\"");
    }
    nowUs = Math.floor((opts.nowMs - astMs) * 1000);
  }
  const mpdBase = baseUrlOf(root, url);
  const periodEls = childElements(root, "Period");
  if (periodEls.length === 0) throw manifestError("MPD has no Period");
  if (periodEls.length > limits.maxPeriods) throw limitError("MPD has more than " + fmtNum(limits.maxPeriods) + " periods");
  // Period timing (ISO/IEC 23009-1 5.3.2.1).
  const starts: number[] = [];
  // -1 = unknown (an array cannot hold undefined portably).
  const durs: number[] = [];
  const periods: Period[] = [];
  for (let p = 0; p < periodEls.length; p++) {
    const pe = periodEls[p];
    const w = describe(pe);
    let start = durAttr(pe, "start", w, limits);
    if (start === undefined) {
      if (p === 0) start = 0;
      else {
        const pd = durs[p - 1];
        if (pd < 0) throw manifestError(w + ": no start and the previous period has no duration");
        start = starts[p - 1] + pd;
      }
    }
    starts.push(start);
    const pdur = durAttr(pe, "duration", w, limits);
    durs.push(pdur !== undefined ? pdur : -1);
  }
  // A period ends at the earliest of its own duration, the next period's start and the
  // end of the presentation (ISO/IEC 23009-1 5.3.2.1); open when none is known.
  for (let p = 0; p < periodEls.length; p++) {
    let end: number | undefined = durs[p] >= 0 ? starts[p] + durs[p] : undefined;
    if (p + 1 < periodEls.length && (end === undefined || starts[p + 1] < end)) end = starts[p + 1];
    if (mpdDur !== undefined && (end === undefined || mpdDur < end)) end = mpdDur;
    if (p + 1 < periodEls.length && starts[p + 1] < starts[p]) throw manifestError(describe(periodEls[p + 1]) + ": starts before the previous Period");
    if (end !== undefined && end < starts[p]) {
      warnings.push(describe(periodEls[p]) + ": starts after the end of the presentation, skipped");
      end = starts[p];
    }
    const d = end !== undefined ? end - starts[p] : undefined;
    durs[p] = d !== undefined ? d : -1;
    const pr: Period = { startMs: usToMs(starts[p]) };
    if (periodEls[p].attrs["id"] !== undefined) pr.id = periodEls[p].attrs["id"];
    if (d !== undefined) pr.durationMs = usToMs(d);
    periods.push(pr);
  }
  m.periods = periods;
  if (mpdDur === undefined && !live) {
    const lastDur = durs[periodEls.length - 1];
    if (lastDur < 0) throw manifestError("static MPD with no mediaPresentationDuration and an open last period");
    m.durationMs = usToMs(starts[periodEls.length - 1] + lastDur);
  }
  const budget = new SegmentBudget(limits);
  const slots: Slot[] = [];
  const order: { [t: string]: Slot[] } = { video: [], audio: [], text: [] };
  const windowUs = opts !== undefined && opts.windowMs !== undefined ? Math.floor(opts.windowMs * 1000) : undefined;
  for (let p = 0; p < periodEls.length; p++) {
    const pe = periodEls[p];
    const pBase = baseUrlOf(pe, mpdBase);
    if (durs[p] === 0) continue;
    const sets = childElements(pe, "AdaptationSet");
    const found: Found[] = [];
    for (let a = 0; a < sets.length; a++) {
      const as = sets[a];
      const reps = childElements(as, "Representation");
      const mt = classify(as, reps);
      if (mt === undefined) {
        warnings.push(describe(as) + ": content type not recognised, skipped");
      } else {
        const asBase = baseUrlOf(as, pBase);
        if (reps.length === 0) warnings.push(describe(as) + ": no Representation");
        for (let k = 0; k < reps.length; k++) {
          const rep = reps[k];
          const w = "Period " + fmtNum(p) + " " + describe(rep);
          const id = rep.attrs["id"];
          if (id === undefined) throw manifestError(w + ": Representation has no id");
          const bw = uintAttr(rep, "bandwidth", w);
          if (bw === undefined) throw manifestError(w + ": Representation has no bandwidth");
          const ctx: RepContext = {
            id: id,
            bandwidth: bw,
            base: baseUrlOf(rep, asBase),
            where: w,
            periodIndex: p,
            periodStartUs: starts[p],
            periodDurUs: durs[p] >= 0 ? durs[p] : undefined,
            live: live,
            nowUs: nowUs,
            timeShiftUs: tsbd,
            windowUs: windowUs,
            presentationStartUs: starts[0],
            limits: limits,
            budget: budget,
          };
          const info = segInfoOf([pe, as, rep]);
          let built: Built;
          if (info.kind === "template") built = buildTemplate(info.els, ctx);
          else if (info.kind === "list") built = buildList(info.els, ctx);
          else if (info.kind === "base") built = buildBase(info.els, ctx);
          else {
            if (ctx.base === url) throw manifestError(w + ": no segment information and no BaseURL");
            built = { segments: [wholeFile(ctx, w)] };
          }
          const r: Rendition = { id: id, type: mt, bandwidth: bw, segments: [] };
          const width = uintAttr(rep, "width", w) !== undefined ? uintAttr(rep, "width", w) : uintAttr(as, "width", w);
          const height = uintAttr(rep, "height", w) !== undefined ? uintAttr(rep, "height", w) : uintAttr(as, "height", w);
          if (width !== undefined) r.width = width;
          if (height !== undefined) r.height = height;
          const fr = rep.attrs["frameRate"] !== undefined ? rep.attrs["frameRate"] : as.attrs["frameRate"];
          if (fr !== undefined) r.frameRate = frameRateOf(fr, w);
          const codecs = rep.attrs["codecs"] !== undefined ? rep.attrs["codecs"] : as.attrs["codecs"];
          if (codecs !== undefined) r.codecs = codecs;
          const mime = rep.attrs["mimeType"] !== undefined ? rep.attrs["mimeType"] : as.attrs["mimeType"];
          if (mime !== undefined) r.mimeType = mime;
          const lang = rep.attrs["lang"] !== undefined ? rep.attrs["lang"] : as.attrs["lang"];
          if (lang !== undefined) r.lang = lang;
          if (as.attrs["id"] !== undefined) r.group = as.attrs["id"];
          if (built.init !== undefined) r.initSegment = built.init;
          if (built.indexRange !== undefined) r.indexRange = built.indexRange;
          found.push({ r: r, built: built, where: w });
        }
      }
    }
    joinPeriod(found, slots, order, p, limits);
  }
  const video = order["video"].map((s) => s.r);
  const audio = order["audio"].map((s) => s.r);
  const textR = order["text"].map((s) => s.r);
  assignLadder(m, video, audio, textR, "MPD has no video or audio Representation");
  return m;
}

/** A Representation of one period, before it is joined to the renditions of the whole presentation. */
interface Found {
  r: Rendition;
  built: Built;
  where: string;
}

/** Codec family: "avc1.4d401f" -> "avc1", "mp4a.40.2" -> "mp4a" (first codec of a list). */
function codecFamily(codecs: string | undefined): string {
  if (codecs === undefined) return "";
  let c = codecs;
  const comma = c.indexOf(",");
  if (comma >= 0) c = c.substring(0, comma);
  const dot = c.indexOf(".");
  return trimAscii(dot >= 0 ? c.substring(0, dot) : c).toLowerCase();
}

function streamKey(r: Rendition): string {
  return r.type + "|" + (r.lang !== undefined ? r.lang : "");
}

/** Stable sort by bandwidth (insertion sort: Lua's table.sort is not stable, and these lists are short). */
function byBandwidth<T extends { r: Rendition }>(xs: T[]): void {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= 0 && xs[j].r.bandwidth > x.r.bandwidth) {
      xs[j + 1] = xs[j];
      j = j - 1;
    }
    xs[j + 1] = x;
  }
}

/**
 * Joins one period's Representations to the renditions of the presentation the way players
 * flatten multi-period content: within the same content type and language, a
 * Representation continues the rendition of the same codec family, then the same
 * resolution, then the same place in bandwidth order — never by @id, which packagers
 * change from period to period. The first period (and anything left unmatched) makes new
 * renditions, in document order.
 */
function joinPeriod(found: Found[], slots: Slot[], order: { [t: string]: Slot[] }, p: number, limits: ManifestLimits): void {
  const groups = new Map<string, Found[]>();
  const keys: string[] = [];
  for (const f of found) {
    const key = streamKey(f.r);
    let g = groups.get(key);
    if (g === undefined) {
      g = [];
      groups.set(key, g);
      keys.push(key);
    }
    g.push(f);
  }
  const target = new Map<Found, Slot>();
  for (const key of keys) {
    const g = (groups.get(key) as Found[]).slice();
    const open: Slot[] = [];
    for (const s of slots) if (streamKey(s.r) === key && s.lastPeriod < p) open.push(s);
    if (open.length === 0) continue;
    byBandwidth(g);
    byBandwidth(open);
    const used = new Map<Slot, boolean>();
    for (let i = 0; i < g.length; i++) {
      const f = g[i];
      let best: Slot | undefined = undefined;
      let bestScore = -1;
      for (let j = 0; j < open.length; j++) {
        const s = open[j];
        if (used.has(s)) continue;
        let score = 0;
        if (codecFamily(s.r.codecs) === codecFamily(f.r.codecs)) score = score + 4;
        if (s.r.width === f.r.width && s.r.height === f.r.height) score = score + 2;
        if (i === j) score = score + 1;
        if (score > bestScore) {
          bestScore = score;
          best = s;
        }
      }
      if (best !== undefined) {
        used.set(best, true);
        target.set(f, best);
      }
    }
  }
  for (const f of found) {
    let slot = target.get(f);
    const built = f.built;
    if (slot === undefined) {
      if (slots.length + 1 > limits.maxRenditions) throw limitError(f.where + ": more than " + fmtNum(limits.maxRenditions) + " renditions");
      slot = { r: f.r, lastInit: built.init, lastPeriod: p };
      slots.push(slot);
      order[f.r.type].push(slot);
    } else {
      if (built.segments.length > 0) {
        const s0 = built.segments[0];
        if (slot.r.segments.length > 0) s0.discontinuity = true;
        if (built.init !== undefined && !sameUrlRange(built.init, slot.lastInit)) s0.initSegment = built.init;
        slot.lastInit = built.init;
      }
      slot.lastPeriod = p;
    }
    const segs = slot.r.segments;
    if (segs.length + built.segments.length > limits.maxSegments) {
      throw limitError(f.where + ": more than " + fmtNum(limits.maxSegments) + " segments in one rendition");
    }
    for (let q = 0; q < built.segments.length; q++) segs.push(built.segments[q]);
  }
}
