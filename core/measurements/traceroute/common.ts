// Pieces shared by the traceroute parsers: the hop-line reader for the classic
// " 3  name (addr)  30.866 ms !H * *" format (Debian traceroute, busybox, scamper text),
// the hop table, and the end-of-trace verdict.
import { HaltReason, Hop, HopAddrs, Trace, TraceProbe, TraceTool } from "./types";
import { fmtNum } from "../../util/num";
import { endsWith, isAddr, msTextToUs, natural, startsWith, words } from "../../tools/text";

export const MAX_TTL = 255;
/** Most probes kept per hop (scamper tracelb can send hundreds). */
export const MAX_PROBES_PER_HOP = 1000;

export function newTrace(tool: TraceTool): Trace {
  return { tool: tool, dst: "", hops: [], hopAddrs: [], reached: false, haltReason: "unknown" };
}

/** The hop of `ttl`, created in TTL order when missing; undefined for a TTL out of range. */
export function hopFor(t: Trace, ttl: number): Hop | undefined {
  if (ttl < 1 || ttl > MAX_TTL || ttl !== Math.floor(ttl)) return undefined;
  for (let i = 0; i < t.hops.length; i++) {
    const h = t.hops[i];
    if (h.ttl === ttl) return h;
    if (h.ttl > ttl) {
      const created: Hop = { ttl: ttl, probes: [] };
      t.hops.splice(i, 0, created);
      return created;
    }
  }
  const hop: Hop = { ttl: ttl, probes: [] };
  t.hops.push(hop);
  return hop;
}

export function addProbe(h: Hop, p: TraceProbe): void {
  if (h.probes.length < MAX_PROBES_PER_HOP) h.probes.push(p);
}

/** "10.603" + "ms" or "10.603ms" -> microseconds. */
function rttOf(tok: string, next: string | undefined): { us: number; used: number } | undefined {
  if (next === "ms") {
    const v = msTextToUs(tok);
    if (v !== undefined && v >= 0) return { us: v, used: 2 };
  }
  if (endsWith(tok, "ms") && tok.length > 2) {
    const v = msTextToUs(tok.substring(0, tok.length - 2));
    if (v !== undefined && v >= 0) return { us: v, used: 1 };
  }
  return undefined;
}

function parenInner(tok: string | undefined): string | undefined {
  if (tok === undefined || !startsWith(tok, "(") || !endsWith(tok, ")") || tok.length < 3) return undefined;
  return tok.substring(1, tok.length - 1);
}

/**
 * Probes of one classic hop line, given its words after the TTL. An address carries over
 * to later probes of the line until another is printed (also across "*").
 * Words that are not addresses, names, RTTs, flags or "*" (e.g. "<MPLS:...>", "[AS..]") are skipped.
 */
export function classicProbes(w: string[], from: number): TraceProbe[] {
  const out: TraceProbe[] = [];
  let addr: string | undefined;
  let name: string | undefined;
  let i = from;
  while (i < w.length) {
    const t = w[i];
    const next = i + 1 < w.length ? w[i + 1] : undefined;
    if (t === "*") {
      out.push({});
      i = i + 1;
      continue;
    }
    if (startsWith(t, "!") && t.length > 1) {
      const last = out.length > 0 ? out[out.length - 1] : undefined;
      if (last !== undefined && last.flag === undefined) last.flag = t;
      i = i + 1;
      continue;
    }
    const rtt = rttOf(t, next);
    if (rtt !== undefined) {
      const p: TraceProbe = { rttUs: rtt.us };
      if (addr !== undefined) p.addr = addr;
      if (name !== undefined) p.name = name;
      out.push(p);
      i = i + rtt.used;
      continue;
    }
    const inner = parenInner(next);
    if (inner !== undefined && isAddr(inner)) {
      addr = inner;
      name = t !== inner ? t : undefined;
      i = i + 2;
      continue;
    }
    if (isAddr(t)) {
      addr = t;
      name = undefined;
    }
    i = i + 1;
  }
  return out;
}

/** TTL at the start of a hop line ("3", "3:", "1?:"), or undefined. */
export function lineTtl(word: string): number | undefined {
  let t = word;
  if (endsWith(t, ":")) t = t.substring(0, t.length - 1);
  if (endsWith(t, "?")) t = t.substring(0, t.length - 1);
  if (t.length === 0 || t.length > 3) return undefined;
  const v = natural(t);
  if (v === undefined || v < 1 || v > MAX_TTL) return undefined;
  return v;
}

/** "traceroute to host (addr), 30 hops max, 60 byte packets". */
export function classicHeader(t: Trace, line: string): void {
  const rest = line.substring("traceroute to ".length);
  const open = rest.indexOf(" (");
  const comma = rest.indexOf(",");
  if (open >= 0 && (comma < 0 || open < comma)) {
    t.dst = rest.substring(0, open).trim();
    const close = rest.indexOf(")", open);
    if (close > open) t.dstAddr = rest.substring(open + 2, close);
  } else {
    t.dst = (comma >= 0 ? rest.substring(0, comma) : rest).trim();
  }
  const parts = rest.split(",");
  for (const p of parts) {
    const q = p.trim();
    const sp = q.indexOf(" ");
    if (sp < 0) continue;
    const n = natural(q.substring(0, sp));
    if (n === undefined) continue;
    if (q.indexOf("hops max") > 0) t.maxHops = n;
    else if (q.indexOf("byte packets") > 0) t.packetBytes = n;
  }
}

export function distinctAddrs(hops: Hop[]): HopAddrs[] {
  const out: HopAddrs[] = [];
  for (const h of hops) {
    const addrs: string[] = [];
    for (const p of h.probes) {
      const a = p.addr;
      if (a !== undefined && a !== "*" && addrs.indexOf(a) < 0) addrs.push(a);
    }
    out.push({ ttl: h.ttl, addrs: addrs });
  }
  return out;
}

/**
 * Verdict of a text trace from its last hop: reached when the destination answered without
 * a flag; unreachable when a probe there carries a flag; max-hops when the last hop is the
 * hop limit; otherwise unknown.
 */
export function finishClassic(t: Trace): Trace {
  t.hopAddrs = distinctAddrs(t.hops);
  const target = t.dstAddr !== undefined ? t.dstAddr : t.dst;
  let reason: HaltReason = "unknown";
  let reached = false;
  let flag: string | undefined;
  if (t.hops.length > 0) {
    const last = t.hops[t.hops.length - 1];
    for (const p of last.probes) {
      if (p.addr !== undefined && p.addr === target && p.flag === undefined && p.rttUs !== undefined) reached = true;
      if (p.flag !== undefined && flag === undefined) flag = p.flag;
    }
    if (reached) reason = "completed";
    else if (flag !== undefined) reason = "unreachable";
    else if (t.maxHops !== undefined && last.ttl >= t.maxHops) reason = "max-hops";
  }
  t.reached = reached;
  t.haltReason = reason;
  if (reason === "unreachable" && flag !== undefined) t.haltFlag = flag;
  return t;
}

/** Flag letter traceroute prints for an ICMP destination-unreachable code ("" = none: port unreachable). */
export function unreachFlag(v6: boolean, code: number): string {
  if (!v6) {
    if (code === 0) return "!N";
    if (code === 1) return "!H";
    if (code === 2) return "!P";
    if (code === 3) return "";
    if (code === 4) return "!F";
    if (code === 5) return "!S";
    if (code === 9 || code === 10 || code === 13) return "!X";
    return "!" + fmtNum(code, 0);
  }
  if (code === 0) return "!N";
  if (code === 1) return "!X";
  if (code === 3) return "!H";
  if (code === 4) return "";
  return "!" + fmtNum(code, 0);
}


/**
 * Reads classic hop lines (and a "traceroute to"/"traceroute from" header) into `t`.
 * Returns whether anything was recognised.
 */
export function readClassicLines(t: Trace, lines: string[]): boolean {
  let seen = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    if (startsWith(line, "traceroute to ")) {
      classicHeader(t, line);
      seen = true;
      continue;
    }
    if (startsWith(line, "traceroute from ")) {
      // scamper text: "traceroute from 10.99.1.2 to 10.99.3.2"
      const w = line.split(" ");
      if (w.length >= 5 && w[3] === "to") {
        t.src = w[2];
        t.dst = w[4];
        t.dstAddr = w[4];
        seen = true;
      }
      continue;
    }
    const w = words(line);
    const ttl = lineTtl(w[0]);
    if (ttl === undefined || endsWith(w[0], ":")) continue;
    const hop = hopFor(t, ttl);
    if (hop === undefined) continue;
    for (const p of classicProbes(w, 1)) addProbe(hop, p);
    seen = true;
  }
  return seen;
}
