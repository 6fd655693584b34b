// mPlane temporal scopes ("when"): the whole grammar of the protocol specification,
// decided as the curated reference-implementation vectors say (shared/fixtures/mplane).
//
//   when     = ["repeat"] outer [cron] [ "{" inner "}" ]
//   outer    = time [ "..." time | "+" duration ] [ "/" duration ]
//   inner    = "now" [ "+" duration ] [ "/" duration ]      (only after "repeat")
//   cron     = "cron" seconds minutes hours days weekdays months   (weekday 0 = Monday)
//   time     = "now" | "past" | "future" | YYYY-MM-DD [HH:MM[:SS[.ffffff]]]
//   duration = [Nd][Nh][Nm][Ns]        (seconds may be fractional; at least one part)
import { ProbeError } from "../util/errors";
import { fmtNum, parseNatural, parseNum } from "../util/num";
import { civilFromDays, formatTime, parseTime } from "../util/time";

export type TimePoint = { kind: "now" } | { kind: "past" } | { kind: "future" } | { kind: "abs"; ms: number };

export interface Cron {
  seconds: number[];
  minutes: number[];
  hours: number[];
  days: number[];
  weekdays: number[];
  months: number[];
}

export interface When {
  repeated: boolean;
  a: TimePoint;
  b?: TimePoint;
  durationMs?: number;
  periodMs?: number;
  cron?: Cron;
  /** The scope of each repetition; present only when repeated with "{ ... }". */
  inner?: { durationMs?: number; periodMs?: number };
}

function bad(msg: string): never {
  throw new ProbeError("EWHEN", msg, "when");
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(" ")) {
    for (const p2 of piece.split("\t")) if (p2.length > 0) out.push(p2);
  }
  return out;
}

/** Longest duration a scope may name: 400 days (a year's schedule, with room). */
export const MAX_DURATION_MS = 400 * 86400000;

/** "1h30m", "2.5s" → milliseconds; at most MAX_DURATION_MS. */
export function parseDuration(tok: string): number {
  if (tok.length > 0 && tok.substring(0, 1) === "-") bad("negative duration");
  if (tok.length > 32) bad("duration '" + tok.substring(0, 16) + "...' is too long");
  if (parseNum(tok) !== undefined) bad("duration without a unit");
  const units = "dhms";
  const factors = [86400000, 3600000, 60000, 1000];
  let i = 0;
  let total = 0;
  let lastUnit = -1;
  while (i < tok.length) {
    let j = i;
    while (j < tok.length && ((tok.charCodeAt(j) >= 48 && tok.charCodeAt(j) <= 57) || tok.charCodeAt(j) === 46)) j = j + 1;
    if (j === i || j >= tok.length) bad("bad duration '" + tok + "'");
    const u = units.indexOf(tok.substring(j, j + 1));
    if (u <= lastUnit) bad("bad duration '" + tok + "'");
    const numText = tok.substring(i, j);
    const v = u === 3 ? parseNum(numText) : parseNatural(numText);
    if (v === undefined) bad("bad duration '" + tok + "'");
    total = total + v * factors[u];
    lastUnit = u;
    i = j + 1;
  }
  if (lastUnit < 0) bad("bad duration '" + tok + "'");
  if (!(total <= MAX_DURATION_MS)) bad("duration '" + tok + "' is longer than 400 days");
  return total;
}

export function formatDuration(ms: number): string {
  let rest = ms;
  let out = "";
  const units = ["d", "h", "m"];
  const factors = [86400000, 3600000, 60000];
  for (let k = 0; k < 3; k++) {
    if (rest >= factors[k]) {
      const n = Math.floor(rest / factors[k]);
      out = out + fmtNum(n) + units[k];
      rest = rest - n * factors[k];
    }
  }
  if (rest > 0 || out.length === 0) out = out + fmtNum(rest / 1000) + "s";
  return out;
}

class Cursor {
  i = 0;
  constructor(readonly toks: string[]) {}
  peek(): string | undefined {
    return this.i < this.toks.length ? this.toks[this.i] : undefined;
  }
  next(): string | undefined {
    const t = this.peek();
    this.i = this.i + 1;
    return t;
  }
}

function readTime(c: Cursor): TimePoint {
  const t = c.next();
  if (t === undefined) bad("'' does not appear to be an mPlane timestamp");
  if (t === "now") return { kind: "now" };
  if (t === "past") return { kind: "past" };
  if (t === "future") return { kind: "future" };
  if (t.length !== 10 || t.substring(4, 5) !== "-") bad("'" + t + "' does not appear to be an mPlane timestamp");
  let text = t;
  const nxt = c.peek();
  if (nxt !== undefined && nxt.indexOf(":") > 0) {
    text = t + " " + nxt;
    c.next();
  }
  try {
    return { kind: "abs", ms: parseTime(text) };
  } catch (e) {
    return bad("time '" + text + "' is not a valid YYYY-MM-DD HH:MM:SS[.ffffff] time");
  }
}

function readPeriod(c: Cursor): number | undefined {
  if (c.peek() !== "/") return undefined;
  c.next();
  const p = c.next();
  if (p === undefined || p === "{" || p === "cron") bad("period separator without a period");
  const ms = parseDuration(p);
  if (ms <= 0) bad("zero period");
  return ms;
}

function readCronField(tok: string | undefined, lo: number, hi: number, what: string): number[] {
  if (tok === undefined) bad("cron needs six fields (seconds minutes hours days weekdays months)");
  const out: number[] = [];
  const seen: { [v: number]: boolean } = {};
  const add = (v: number): void => {
    if (seen[v] !== true) {
      seen[v] = true;
      out.push(v);
    }
  };
  if (tok === "*") {
    for (let v = lo; v <= hi; v++) add(v);
    return out;
  }
  for (const part of tok.split(",")) {
    const dash = part.indexOf("-");
    const a = parseNatural(dash >= 0 ? part.substring(0, dash) : part);
    const b = dash >= 0 ? parseNatural(part.substring(dash + 1)) : a;
    if (a === undefined || b === undefined || a < lo || b > hi || a > b) {
      bad("cron " + what + " '" + tok + "' must be * or values in " + fmtNum(lo) + "..." + fmtNum(hi));
    }
    for (let v = a; v <= b; v++) add(v);
  }
  out.sort((x, y) => x - y);
  return out;
}

export function parseWhen(text: string): When {
  const c = new Cursor(tokenize(text));
  if (c.toks.length === 0) bad("'' does not appear to be an mPlane timestamp");
  let repeated = false;
  if (c.peek() === "repeat") {
    repeated = true;
    c.next();
  }
  const w: When = { repeated: repeated, a: readTime(c) };
  const sep = c.peek();
  if (sep === "...") {
    c.next();
    w.b = readTime(c);
  } else if (sep === "+") {
    c.next();
    const d = c.next();
    if (d === undefined) bad("duration separator without a duration");
    w.durationMs = parseDuration(d);
  }
  w.periodMs = readPeriod(c);
  if (c.peek() === "cron") {
    c.next();
    if (!repeated) bad("cron without 'repeat'");
    w.cron = {
      seconds: readCronField(c.next(), 0, 59, "seconds"),
      minutes: readCronField(c.next(), 0, 59, "minutes"),
      hours: readCronField(c.next(), 0, 23, "hours"),
      days: readCronField(c.next(), 1, 31, "days"),
      weekdays: readCronField(c.next(), 0, 6, "weekdays"),
      months: readCronField(c.next(), 1, 12, "months"),
    };
  }
  if (c.peek() === "{") {
    c.next();
    if (!repeated) bad("inner scope without 'repeat'");
    if (c.next() !== "now") bad("the inner scope of a repeat must start with 'now'");
    const inner: { durationMs?: number; periodMs?: number } = {};
    if (c.peek() === "+") {
      c.next();
      const d = c.next();
      if (d === undefined) bad("duration separator without a duration");
      inner.durationMs = parseDuration(d);
    }
    inner.periodMs = readPeriod(c);
    if (c.next() !== "}") bad("inner scope not closed with '}'");
    w.inner = inner;
  }
  const rest = c.peek();
  if (rest !== undefined) bad("unexpected '" + rest + "'");
  if (repeated && w.cron === undefined && w.periodMs === undefined) bad("repeat needs a period or a cron");
  if (repeated && w.cron !== undefined && w.periodMs !== undefined) bad("repeat cannot have both a period and a cron");
  if (w.b !== undefined && w.b.kind === "past") bad("a scope cannot end in the past");
  if (w.a.kind === "future") bad("a scope cannot start in the future");
  if (w.durationMs !== undefined && (w.a.kind === "past")) bad("a duration needs a start");
  if (w.a.kind === "abs" && w.b !== undefined && w.b.kind === "abs" && w.b.ms < w.a.ms) bad("scope ends before it starts");
  return w;
}

function timeText(t: TimePoint): string {
  if (t.kind === "abs") return formatTime(t.ms);
  return t.kind;
}

function cronField(v: number[], lo: number, hi: number): string {
  if (v.length === hi - lo + 1) return "*";
  const parts: string[] = [];
  for (const x of v) parts.push(fmtNum(x));
  return parts.join(",");
}

export function formatWhen(w: When): string {
  let s = (w.repeated ? "repeat " : "") + timeText(w.a);
  if (w.b !== undefined) s = s + " ... " + timeText(w.b);
  else if (w.durationMs !== undefined) s = s + " + " + formatDuration(w.durationMs);
  if (w.periodMs !== undefined) s = s + " / " + formatDuration(w.periodMs);
  if (w.cron !== undefined) {
    const cr = w.cron;
    s = s + " cron " + cronField(cr.seconds, 0, 59) + " " + cronField(cr.minutes, 0, 59) + " " + cronField(cr.hours, 0, 23) +
      " " + cronField(cr.days, 1, 31) + " " + cronField(cr.weekdays, 0, 6) + " " + cronField(cr.months, 1, 12);
  }
  if (w.inner !== undefined) {
    s = s + " { now";
    if (w.inner.durationMs !== undefined) s = s + " + " + formatDuration(w.inner.durationMs);
    if (w.inner.periodMs !== undefined) s = s + " / " + formatDuration(w.inner.periodMs);
    s = s + " }";
  }
  return s;
}

/** Start and end in ms relative to tzero; undefined stands for past (start) / future (end). */
export function whenSpan(w: When, tzero: number): { start?: number; end?: number } {
  const start = w.a.kind === "now" ? tzero : w.a.kind === "abs" ? w.a.ms : undefined;
  let end: number | undefined;
  if (w.b === undefined) {
    end = start === undefined ? undefined : start + (w.durationMs !== undefined ? w.durationMs : 0);
  } else if (w.b.kind === "now") end = tzero;
  else if (w.b.kind === "abs") end = w.b.ms;
  else end = undefined;
  return { start: start, end: end };
}

export function isImmediate(w: When): boolean {
  return w.a.kind === "now";
}
export function isForever(w: When): boolean {
  return w.b !== undefined && w.b.kind === "future";
}
export function isInfinite(w: When): boolean {
  return w.a.kind === "past" && isForever(w);
}
export function isDefinite(w: When): boolean {
  return w.a.kind === "abs" && (w.b === undefined || w.b.kind === "abs");
}

/** Duration in ms, or undefined when the scope is open on either side. */
export function whenDurationMs(w: When, tzero: number): number | undefined {
  if (w.durationMs !== undefined) return w.durationMs;
  const sp = whenSpan(w, tzero);
  if (sp.start === undefined || sp.end === undefined) return undefined;
  return sp.end - sp.start;
}

/** The period that paces the measurement itself: the inner one when repeated. */
export function measurementPeriodMs(w: When): number | undefined {
  if (w.repeated) return w.inner !== undefined ? w.inner.periodMs : undefined;
  return w.periodMs;
}

/**
 * Does a specification's scope fit its capability's? undefined = yes; otherwise the reason.
 * The specification must lie inside the capability's span, and when the capability is
 * periodic the specification needs a period at least as long (its minimum).
 */
export function whenMismatch(spec: When, cap: When, tzero: number): string | undefined {
  const capPeriod = cap.periodMs;
  if (capPeriod !== undefined) {
    const p = measurementPeriodMs(spec);
    if (p === undefined) return "the capability is periodic (" + formatDuration(capPeriod) + "): the specification needs a period";
    if (p < capPeriod) return "period " + formatDuration(p) + " is shorter than the capability's minimum " + formatDuration(capPeriod);
  }
  const s = whenSpan(spec, tzero);
  const k = whenSpan(cap, tzero);
  if (k.start !== undefined && (s.start === undefined || s.start < k.start)) return "starts before the capability's scope";
  if (k.end !== undefined && (s.end === undefined || s.end > k.end)) return "ends after the capability's scope";
  return undefined;
}

function has(list: number[], v: number): boolean {
  return list.indexOf(v) >= 0;
}

/** First second at or after `fromMs` that the crontab matches (UTC), searching ~8 years. */
export function nextCron(c: Cron, fromMs: number): number | undefined {
  const t = Math.ceil(fromMs / 1000);
  const day0 = Math.floor(t / 86400);
  const sod0 = t - day0 * 86400;
  for (let d = 0; d < 2930; d++) {
    const day = day0 + d;
    const ymd = civilFromDays(day);
    // 1970-01-01 was a Thursday; weekday 0 = Monday as in the reference implementation
    const wd = (day + 3) - Math.floor((day + 3) / 7) * 7;
    if (has(c.months, ymd[1]) && has(c.days, ymd[2]) && has(c.weekdays, wd)) {
      const from = d === 0 ? sod0 : 0;
      for (const h of c.hours) {
        if (h * 3600 + 3599 >= from) {
          for (const m of c.minutes) {
            if (h * 3600 + m * 60 + 59 >= from) {
              for (const s of c.seconds) {
                const sod = h * 3600 + m * 60 + s;
                if (sod >= from) return (day * 86400 + sod) * 1000;
              }
            }
          }
        }
      }
    }
  }
  return undefined;
}

export interface Run {
  startMs: number;
  /** undefined: runs until interrupted. */
  endMs?: number;
  periodMs?: number;
}

/**
 * When do the runs of a specification happen? At most `limit` of them, from tzero on.
 * A plain scope is one run over its span, paced by its period; a repeated scope starts
 * its inner scope at every period or cron match inside the outer span.
 */
export function schedule(w: When, tzero: number, limit: number): Run[] {
  const span = whenSpan(w, tzero);
  if (span.start === undefined) throw new ProbeError("EWHEN", "a scope starting in the past cannot be scheduled", "when");
  const runs: Run[] = [];
  if (!w.repeated) {
    if (span.end !== undefined && span.end < tzero) return runs;
    const r: Run = { startMs: span.start < tzero ? tzero : span.start };
    if (span.end !== undefined) r.endMs = span.end;
    if (w.periodMs !== undefined) r.periodMs = w.periodMs;
    runs.push(r);
    return runs;
  }
  // Triggers already past are skipped arithmetically, so an old start costs no loop.
  const cron = w.cron;
  const from = span.start < tzero ? tzero : span.start;
  let trigger: number | undefined;
  if (cron !== undefined) trigger = nextCron(cron, from);
  else {
    const p = w.periodMs as number;
    trigger = span.start + Math.ceil((from - span.start) / p) * p;
  }
  while (trigger !== undefined && runs.length < limit && (span.end === undefined || trigger < span.end)) {
    if (trigger >= tzero) {
      const r: Run = { startMs: trigger };
      const inner = w.inner;
      if (inner !== undefined) {
        r.endMs = trigger + (inner.durationMs !== undefined ? inner.durationMs : 0);
        if (inner.periodMs !== undefined) r.periodMs = inner.periodMs;
      } else {
        r.endMs = trigger;
      }
      runs.push(r);
    }
    if (cron !== undefined) trigger = nextCron(cron, trigger + 1000);
    else trigger = trigger + (w.periodMs as number);
  }
  return runs;
}
