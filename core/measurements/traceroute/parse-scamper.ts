// scamper traceroutes. `-O json` prints JSON lines; {"type":"trace"} and {"type":"tracelb"}
// objects become traces. scamper's text output ("traceroute from a to b" / "tracelb from a
// to b, N nodes, ...") is read too.
//
// trace: "hops" lists only answered probes (probe_ttl, probe_id = attempt, rtt, icmp
// type/code). TTLs from firsthop up to hop_count without an answer are filled in as one
// timeout probe each, so a silent stretch (stop_reason GAPLIMIT) is visible.
//
// tracelb (scamper 2021 JSON layout): each node lists its links. A node with one link
// prints one array per hop of that link: the hops scamper could not resolve into nodes
// (grouped by reply address, {"addr":"*"} for none) and finally the link's far node. A node
// with several links prints a single array with one entry per far node. Probes carry their
// TTL, so every reply becomes a probe at its hop; both ECMP branches therefore appear in
// the per-hop rows and in hopAddrs. The first node's own probes are not printed by
// scamper: it appears as an address without RTT one hop before its links.
import { ProbeError } from "../../util/errors";
import { JsonObject, JsonValue, isJsonObject } from "../../util/json";
import { num, scamperObjects, str } from "../../tools/scamper-json";
import { addProbe, distinctAddrs, finishClassic, hopFor, newTrace, readClassicLines, unreachFlag } from "./common";
import { LbGraph, LbLink, Trace, TraceProbe } from "./types";
import { isBlank, msNumToUs, natural, splitLines, startsWith, words } from "../../tools/text";

function isUnreachType(v6: boolean, type: number | undefined): boolean {
  return type !== undefined && ((!v6 && type === 3) || (v6 && type === 1));
}

function haltOf(t: Trace, reason: string | undefined, data: number | undefined, v6: boolean): void {
  if (reason === "COMPLETED") {
    t.reached = true;
    t.haltReason = "completed";
  } else if (reason === "UNREACH") {
    t.haltReason = "unreachable";
    if (data !== undefined) {
      const f = unreachFlag(v6, data);
      if (f !== "") t.haltFlag = f;
    }
  } else if (reason === "ICMP") t.haltReason = "unreachable";
  else if (reason === "GAPLIMIT") t.haltReason = "gap-limit";
  else if (reason === "HOPLIMIT") t.haltReason = "max-hops";
  else if (reason === "LOOP") t.haltReason = "loop";
  else if (reason === "ERROR") t.haltReason = "error";
  else t.haltReason = "unknown";
}

/** The fields a scamper trace and tracelb object share: destination, source, method, size. */
function headerOf(o: JsonObject): Trace {
  const t = newTrace("scamper");
  const dst = str(o, "dst");
  if (dst !== undefined) {
    t.dst = dst;
    t.dstAddr = dst;
  }
  const src = str(o, "src");
  if (src !== undefined) t.src = src;
  const method = str(o, "method");
  if (method !== undefined) t.method = method;
  const size = num(o, "probe_size");
  if (size !== undefined) t.packetBytes = size;
  return t;
}

function isV6(t: Trace): boolean {
  return t.dstAddr !== undefined && t.dstAddr.indexOf(":") >= 0;
}

function traceOf(o: JsonObject): Trace {
  const t = headerOf(o);
  const v6 = isV6(t);
  const limit = num(o, "hoplimit");
  if (limit !== undefined && limit > 0) t.maxHops = limit;
  let maxTtl = 0;
  const hops = o["hops"];
  if (Array.isArray(hops)) {
    for (const hv of hops) {
      if (!isJsonObject(hv)) continue;
      const ttl = num(hv, "probe_ttl");
      const hop = ttl !== undefined ? hopFor(t, ttl) : undefined;
      if (hop === undefined || ttl === undefined) continue;
      if (ttl > maxTtl) maxTtl = ttl;
      const p: TraceProbe = {};
      const addr = str(hv, "addr");
      if (addr !== undefined) p.addr = addr;
      const name = str(hv, "name");
      if (name !== undefined && name !== addr) p.name = name;
      const rtt = num(hv, "rtt");
      const us = rtt !== undefined ? msNumToUs(rtt) : undefined;
      if (us !== undefined) p.rttUs = us;
      const rttl = num(hv, "reply_ttl");
      if (rttl !== undefined) p.replyTtl = rttl;
      const type = num(hv, "icmp_type");
      const code = num(hv, "icmp_code");
      if (type !== undefined) p.icmpType = type;
      if (code !== undefined) p.icmpCode = code;
      if (isUnreachType(v6, type) && code !== undefined) {
        const f = unreachFlag(v6, code);
        if (f !== "") p.flag = f;
      }
      const attempt = num(hv, "probe_id");
      if (attempt !== undefined) p.attempt = attempt;
      addProbe(hop, p);
    }
  }
  const first = num(o, "firsthop");
  const count = num(o, "hop_count");
  let last = count !== undefined && count > maxTtl ? count : maxTtl;
  if (last > 255) last = 255;
  for (let ttl = first !== undefined && first >= 1 ? first : 1; ttl <= last; ttl++) {
    const hop = hopFor(t, ttl);
    if (hop !== undefined && hop.probes.length === 0) addProbe(hop, {});
  }
  haltOf(t, str(o, "stop_reason"), num(o, "stop_data"), v6);
  t.hopAddrs = distinctAddrs(t.hops);
  return t;
}

/** Replies of a tracelb group {"addr", "probes":[{ttl, flowid, replies:[...]}]} as probes. */
function lbGroupProbes(t: Trace, group: JsonObject, v6: boolean): number | undefined {
  const addr = str(group, "addr");
  const probes = group["probes"];
  let minTtl: number | undefined;
  if (addr === undefined || !Array.isArray(probes)) return undefined;
  for (const pv of probes) {
    if (!isJsonObject(pv)) continue;
    const ttl = num(pv, "ttl");
    const replies = pv["replies"];
    if (ttl === undefined || !Array.isArray(replies)) continue;
    const hop = hopFor(t, ttl);
    if (hop === undefined) continue;
    if (minTtl === undefined || ttl < minTtl) minTtl = ttl;
    const flow = num(pv, "flowid");
    for (const rv of replies) {
      if (!isJsonObject(rv)) continue;
      const p: TraceProbe = { addr: addr };
      const rtt = num(rv, "rtt");
      const us = rtt !== undefined ? msNumToUs(rtt) : undefined;
      if (us !== undefined) p.rttUs = us;
      const rttl = num(rv, "ttl");
      if (rttl !== undefined) p.replyTtl = rttl;
      const type = num(rv, "icmp_type");
      const code = num(rv, "icmp_code");
      if (type !== undefined) p.icmpType = type;
      if (code !== undefined) p.icmpCode = code;
      if (isUnreachType(v6, type) && code !== undefined) {
        const f = unreachFlag(v6, code);
        if (f !== "") p.flag = f;
      }
      if (flow !== undefined) p.flowId = flow;
      addProbe(hop, p);
    }
  }
  return minTtl;
}

function groupsOf(v: JsonValue): JsonObject[] {
  const out: JsonObject[] = [];
  if (!Array.isArray(v)) return out;
  for (const g of v) if (isJsonObject(g)) out.push(g);
  return out;
}

function tracelbOf(o: JsonObject): Trace {
  const t = headerOf(o);
  const v6 = isV6(t);
  const lb: LbGraph = { nodes: [], links: [] };
  const nodec = num(o, "nodec");
  if (nodec !== undefined) lb.nodeCount = nodec;
  const linkc = num(o, "linkc");
  if (linkc !== undefined) lb.linkCount = linkc;
  const probec = num(o, "probec");
  if (probec !== undefined) lb.probeCount = probec;
  const conf = num(o, "confidence");
  if (conf !== undefined) lb.confidence = conf;
  // Nodes whose own hop is unknown so far: address and the smallest TTL of their links.
  const pending: { addr: string; linkTtl: number }[] = [];
  const nodes = o["nodes"];
  if (Array.isArray(nodes)) {
    for (const nv of nodes) {
      if (!isJsonObject(nv)) continue;
      const from = str(nv, "addr");
      const links = nv["links"];
      if (from === undefined || !Array.isArray(links)) continue;
      if (lb.nodes.indexOf(from) < 0) lb.nodes.push(from);
      const nlinks = num(nv, "linkc");
      let nodeMin: number | undefined;
      if (nlinks !== undefined && nlinks > 1) {
        for (const g of groupsOf(links[0])) {
          const to = str(g, "addr");
          if (to === undefined) continue;
          lb.links.push({ from: from, to: to, via: [] });
          const m = lbGroupProbes(t, g, v6);
          if (m !== undefined && (nodeMin === undefined || m < nodeMin)) nodeMin = m;
        }
      } else {
        const link: LbLink = { from: from, to: "*", via: [] };
        const setTtl: number[] = [];
        let base: number | undefined;
        for (let j = 0; j < links.length; j++) {
          const groups = groupsOf(links[j]);
          const addrs: string[] = [];
          let ttl = -1;
          for (const g of groups) {
            const a = str(g, "addr");
            if (a !== undefined && addrs.indexOf(a) < 0) addrs.push(a);
            const m = lbGroupProbes(t, g, v6);
            if (m !== undefined && (ttl < 0 || m < ttl)) ttl = m;
          }
          setTtl.push(ttl);
          if (ttl >= 0 && base === undefined) base = ttl - j;
          if (j === links.length - 1) link.to = addrs.length > 0 ? addrs[0] : "*";
          else link.via.push(addrs);
        }
        lb.links.push(link);
        if (base !== undefined) {
          if (nodeMin === undefined || base < nodeMin) nodeMin = base;
          // hops that only timed out ({"addr":"*"}) get a timeout probe at their inferred TTL
          for (let j = 0; j < links.length; j++) {
            if (setTtl[j] >= 0) continue;
            const hop = hopFor(t, base + j);
            if (hop !== undefined) addProbe(hop, {});
          }
        }
      }
      if (nodeMin !== undefined) pending.push({ addr: from, linkTtl: nodeMin });
    }
  }
  for (const pn of pending) {
    let seen = false;
    for (const h of t.hops) for (const p of h.probes) if (p.addr === pn.addr) seen = true;
    if (seen) continue;
    const hop = hopFor(t, pn.linkTtl - 1);
    if (hop !== undefined) addProbe(hop, { addr: pn.addr });
  }
  t.lb = lb;
  t.hopAddrs = distinctAddrs(t.hops);
  const target = t.dstAddr !== undefined ? t.dstAddr : "";
  for (const h of t.hops) for (const p of h.probes) if (p.addr === target && p.flag === undefined) t.reached = true;
  t.haltReason = t.reached ? "completed" : "unknown";
  return t;
}

/** scamper's tracelb text: header line and "a -> (b, c) -> (d, e) -> f" path lines. */
function tracelbText(lines: string[]): Trace | undefined {
  const t = newTrace("scamper");
  const lb: LbGraph = { nodes: [], links: [] };
  let seen = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    if (startsWith(line, "tracelb from ")) {
      const parts = line.split(",");
      const w = words(parts[0]);
      if (w.length >= 5 && w[3] === "to") {
        t.src = w[2];
        t.dst = w[4];
        t.dstAddr = w[4];
      }
      for (let i = 1; i < parts.length; i++) {
        const pw = words(parts[i]);
        if (pw.length === 0) continue;
        const n = natural(pw[0]);
        const pct = pw[0].length > 1 && pw[0].substring(pw[0].length - 1) === "%" ? natural(pw[0].substring(0, pw[0].length - 1)) : undefined;
        if (pct !== undefined) lb.confidence = pct;
        else if (n !== undefined && pw.length > 1) {
          if (pw[1] === "nodes") lb.nodeCount = n;
          else if (pw[1] === "links") lb.linkCount = n;
          else if (pw[1] === "probes") lb.probeCount = n;
        }
      }
      seen = true;
      continue;
    }
    if (line.indexOf(" -> ") < 0) continue;
    const segs = line.split("->");
    let from: string | undefined;
    let via: string[][] = [];
    for (let k = 0; k < segs.length; k++) {
      let s = segs[k].trim();
      const group = startsWith(s, "(");
      if (group) s = s.substring(1, s.indexOf(")") > 0 ? s.indexOf(")") : s.length);
      const addrs: string[] = [];
      for (const a of s.split(",")) {
        const x = a.trim();
        if (x !== "" && addrs.indexOf(x) < 0) addrs.push(x);
      }
      const hop = hopFor(t, k + 1);
      if (hop !== undefined) for (const a of addrs) addProbe(hop, a === "*" ? {} : { addr: a });
      if (!group && addrs.length === 1) {
        if (lb.nodes.indexOf(addrs[0]) < 0) lb.nodes.push(addrs[0]);
        if (from !== undefined) lb.links.push({ from: from, to: addrs[0], via: via });
        from = addrs[0];
        via = [];
      } else {
        via.push(addrs);
      }
    }
    seen = true;
  }
  if (!seen) return undefined;
  t.lb = lb;
  t.hopAddrs = distinctAddrs(t.hops);
  const last = t.hops.length > 0 ? t.hops[t.hops.length - 1] : undefined;
  if (last !== undefined) for (const p of last.probes) if (p.addr === t.dstAddr) t.reached = true;
  t.haltReason = t.reached ? "completed" : "unknown";
  return t;
}

/**
 * Traces in scamper output (JSON lines, or text). Throws EEMPTY for blank input and
 * EPARSE when no trace is found.
 */
export function parseScamperTrace(text: string): Trace[] {
  if (isBlank(text)) throw new ProbeError("EEMPTY", "scamper printed nothing");
  const out: Trace[] = [];
  const objs = scamperObjects(text);
  for (const o of objs) {
    const type = str(o, "type");
    if (type === "trace") out.push(traceOf(o));
    else if (type === "tracelb") out.push(tracelbOf(o));
  }
  if (out.length > 0) return out;
  if (objs.length > 0) throw new ProbeError("EPARSE", "no trace in scamper output");
  const lines = splitLines(text);
  const lbt = tracelbText(lines);
  if (lbt !== undefined) return [lbt];
  const t = newTrace("scamper");
  if (!readClassicLines(t, lines)) throw new ProbeError("EPARSE", "no scamper trace output recognised");
  return [finishClassic(t)];
}
