// Ping records as JsonValue (for results and conformance vectors): optional members left
// out when absent, never undefined inside arrays, numbers as numbers.
import { JsonObject, JsonValue, putDefined } from "../../util/json";
import { FpingResult, PingError, PingReply, PingRun, PingSummary } from "./types";
import { RttStats } from "./stats";


export function pingReplyToJson(r: PingReply): JsonObject {
  const o: JsonObject = { seq: r.seq, from: r.from, rttUs: r.rttUs };
  putDefined(o, "fromName", r.fromName);
  putDefined(o, "ttl", r.ttl);
  putDefined(o, "bytes", r.bytes);
  putDefined(o, "timestampUs", r.timestampUs);
  if (r.dup === true) o["dup"] = true;
  return o;
}

export function pingErrorToJson(e: PingError): JsonObject {
  const o: JsonObject = { kind: e.kind, text: e.text };
  putDefined(o, "seq", e.seq);
  putDefined(o, "from", e.from);
  return o;
}

export function pingSummaryToJson(s: PingSummary): JsonObject {
  const o: JsonObject = { minUs: s.minUs, avgUs: s.avgUs, maxUs: s.maxUs };
  putDefined(o, "mdevUs", s.mdevUs);
  return o;
}

export function pingRunToJson(run: PingRun): JsonObject {
  const replies: JsonValue[] = [];
  for (const r of run.replies) replies.push(pingReplyToJson(r));
  const errors: JsonValue[] = [];
  for (const e of run.errors) errors.push(pingErrorToJson(e));
  const o: JsonObject = {
    tool: run.tool, target: run.target, received: run.received, replies: replies, errors: errors,
    complete: run.complete,
  };
  putDefined(o, "address", run.address);
  putDefined(o, "source", run.source);
  putDefined(o, "method", run.method);
  putDefined(o, "payloadBytes", run.payloadBytes);
  putDefined(o, "sent", run.sent);
  putDefined(o, "errorCount", run.errorCount);
  putDefined(o, "duplicates", run.duplicates);
  putDefined(o, "lossPct", run.lossPct);
  putDefined(o, "elapsedMs", run.elapsedMs);
  if (run.summary !== undefined) o["summary"] = pingSummaryToJson(run.summary);
  return o;
}

export function fpingResultToJson(r: FpingResult): JsonObject {
  const runs: JsonValue[] = [];
  for (const run of r.runs) runs.push(pingRunToJson(run));
  const alive: JsonValue[] = [];
  for (const a of r.alive) alive.push(a);
  const unreachable: JsonValue[] = [];
  for (const u of r.unreachable) unreachable.push(u);
  return { runs: runs, alive: alive, unreachable: unreachable };
}

export function rttStatsToJson(s: RttStats): JsonObject {
  const o: JsonObject = { count: s.count };
  putDefined(o, "sent", s.sent);
  putDefined(o, "lost", s.lost);
  putDefined(o, "lossPct", s.lossPct);
  putDefined(o, "minUs", s.minUs);
  putDefined(o, "meanUs", s.meanUs);
  putDefined(o, "medianUs", s.medianUs);
  putDefined(o, "maxUs", s.maxUs);
  putDefined(o, "stddevUs", s.stddevUs);
  return o;
}
