// Trace records as JsonValue. Every probe object carries "addr" (null for a timeout), so
// no probe is ever an empty object; other optional members are left out when absent.
import { JSON_NULL, JsonObject, JsonValue } from "../../util/json";
import { LbGraph, Trace, TraceProbe } from "./types";

function put(o: JsonObject, k: string, v: JsonValue | undefined): void {
  if (v !== undefined) o[k] = v;
}

export function traceProbeToJson(p: TraceProbe): JsonObject {
  const o: JsonObject = { addr: p.addr !== undefined ? p.addr : JSON_NULL };
  put(o, "name", p.name);
  put(o, "rttUs", p.rttUs);
  put(o, "flag", p.flag);
  put(o, "replyTtl", p.replyTtl);
  put(o, "icmpType", p.icmpType);
  put(o, "icmpCode", p.icmpCode);
  put(o, "attempt", p.attempt);
  put(o, "flowId", p.flowId);
  put(o, "asymm", p.asymm);
  put(o, "pmtu", p.pmtu);
  return o;
}

function strings(xs: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const x of xs) out.push(x);
  return out;
}

export function lbGraphToJson(g: LbGraph): JsonObject {
  const links: JsonValue[] = [];
  for (const l of g.links) {
    const via: JsonValue[] = [];
    for (const v of l.via) via.push(strings(v));
    links.push({ from: l.from, to: l.to, via: via });
  }
  const o: JsonObject = { nodes: strings(g.nodes), links: links };
  put(o, "nodeCount", g.nodeCount);
  put(o, "linkCount", g.linkCount);
  put(o, "probeCount", g.probeCount);
  put(o, "confidence", g.confidence);
  return o;
}

export function traceToJson(t: Trace): JsonObject {
  const hops: JsonValue[] = [];
  for (const h of t.hops) {
    const probes: JsonValue[] = [];
    for (const p of h.probes) probes.push(traceProbeToJson(p));
    hops.push({ ttl: h.ttl, probes: probes });
  }
  const hopAddrs: JsonValue[] = [];
  for (const a of t.hopAddrs) hopAddrs.push({ ttl: a.ttl, addrs: strings(a.addrs) });
  const o: JsonObject = {
    tool: t.tool, dst: t.dst, hops: hops, hopAddrs: hopAddrs, reached: t.reached, haltReason: t.haltReason,
  };
  put(o, "dstAddr", t.dstAddr);
  put(o, "src", t.src);
  put(o, "method", t.method);
  put(o, "maxHops", t.maxHops);
  put(o, "packetBytes", t.packetBytes);
  put(o, "pmtu", t.pmtu);
  put(o, "backHops", t.backHops);
  put(o, "haltFlag", t.haltFlag);
  if (t.lb !== undefined) o["lb"] = lbGraphToJson(t.lb);
  return o;
}
