// Trace records as JsonValue. Every probe object carries "addr" (null for a timeout), so
// no probe is ever an empty object; other optional members are left out when absent.
import { JSON_NULL, JsonObject, JsonValue, putDefined } from "../../util/json";
import { LbGraph, Trace, TraceProbe } from "./types";


export function traceProbeToJson(p: TraceProbe): JsonObject {
  const o: JsonObject = { addr: p.addr !== undefined ? p.addr : JSON_NULL };
  putDefined(o, "name", p.name);
  putDefined(o, "rttUs", p.rttUs);
  putDefined(o, "flag", p.flag);
  putDefined(o, "replyTtl", p.replyTtl);
  putDefined(o, "icmpType", p.icmpType);
  putDefined(o, "icmpCode", p.icmpCode);
  putDefined(o, "attempt", p.attempt);
  putDefined(o, "flowId", p.flowId);
  putDefined(o, "asymm", p.asymm);
  putDefined(o, "pmtu", p.pmtu);
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
  putDefined(o, "nodeCount", g.nodeCount);
  putDefined(o, "linkCount", g.linkCount);
  putDefined(o, "probeCount", g.probeCount);
  putDefined(o, "confidence", g.confidence);
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
  putDefined(o, "dstAddr", t.dstAddr);
  putDefined(o, "src", t.src);
  putDefined(o, "method", t.method);
  putDefined(o, "maxHops", t.maxHops);
  putDefined(o, "packetBytes", t.packetBytes);
  putDefined(o, "pmtu", t.pmtu);
  putDefined(o, "backHops", t.backHops);
  putDefined(o, "haltFlag", t.haltFlag);
  if (t.lb !== undefined) o["lb"] = lbGraphToJson(t.lb);
  return o;
}
