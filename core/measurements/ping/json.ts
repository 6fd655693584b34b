// Ping records as JsonValue (for results and conformance vectors): optional members left
// out when absent, never undefined inside arrays, numbers as numbers.
import { JsonObject, JsonValue } from "../../util/json";
import { FpingResult, PingError, PingReply, PingRun, PingSummary } from "./types";
import { RttStats } from "./stats";

function put(o: JsonObject, k: string, v: JsonValue | undefined): void {
  if (v !== undefined) o[k] = v;
}

export function pingReplyToJson(r: PingReply): JsonObject {
  const o: JsonObject = { seq: r.seq, from: r.from, rttUs: r.rttUs };
  put(o, "fromName", r.fromName);
  put(o, "ttl", r.ttl);
  put(o, "bytes", r.bytes);
  put(o, "timestampUs", r.timestampUs);
  if (r.dup === true) o["dup"] = true;
  return o;
}

export function pingErrorToJson(e: PingError): JsonObject {
  const o: JsonObject = { kind: e.kind, text: e.text };
  put(o, "seq", e.seq);
  put(o, "from", e.from);
  return o;
}

export function pingSummaryToJson(s: PingSummary): JsonObject {
  const o: JsonObject = { minUs: s.minUs, avgUs: s.avgUs, maxUs: s.maxUs };
  put(o, "mdevUs", s.mdevUs);
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
  put(o, "address", run.address);
  put(o, "source", run.source);
  put(o, "method", run.method);
  put(o, "payloadBytes", run.payloadBytes);
  put(o, "sent", run.sent);
  put(o, "errorCount", run.errorCount);
  put(o, "duplicates", run.duplicates);
  put(o, "lossPct", run.lossPct);
  put(o, "elapsedMs", run.elapsedMs);
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
  put(o, "sent", s.sent);
  put(o, "lost", s.lost);
  put(o, "lossPct", s.lossPct);
  put(o, "minUs", s.minUs);
  put(o, "meanUs", s.meanUs);
  put(o, "medianUs", s.medianUs);
  put(o, "maxUs", s.maxUs);
  put(o, "stddevUs", s.stddevUs);
  return o;
}
