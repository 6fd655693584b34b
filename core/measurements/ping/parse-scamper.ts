// scamper ping. `-O json` prints JSON lines: "cycle-start", one {"type":"ping",...} per
// measurement, "cycle-stop". Each ping object becomes a run. Plain text output (no -O)
// is read too. Lines that are not valid JSON (a run cut short) are skipped.
import { ProbeError } from "../../util/errors";
import { JsonObject, JsonValue, isJsonObject, parseJson } from "../../util/json";
import { parseClassicPing } from "./parse-classic";
import { PingError, PingErrorKind, PingReply, PingRun, PingSummary } from "./types";
import { decimalToInt, isBlank, msNumToUs, splitLines, startsWith } from "../../tools/text";
import { num, scamperObjects, str, timevalUs } from "../../tools/scamper-json";
import { fmtNum } from "../../util/num";

function icmpErrorKind(v6: boolean, type: number, code: number): PingErrorKind {
  if (!v6) {
    if (type === 11) return "ttl-exceeded";
    if (type === 3) {
      if (code === 0) return "net-unreachable";
      if (code === 1) return "host-unreachable";
      if (code === 2) return "protocol-unreachable";
      if (code === 3) return "port-unreachable";
      if (code === 4) return "frag-needed";
      if (code === 9 || code === 10 || code === 13) return "prohibited";
      return "other";
    }
    return "other";
  }
  if (type === 3) return "ttl-exceeded";
  if (type === 2) return "frag-needed";
  if (type === 1) {
    if (code === 0) return "no-route";
    if (code === 1) return "prohibited";
    if (code === 3) return "host-unreachable";
    if (code === 4) return "port-unreachable";
    return "other";
  }
  return "other";
}

/** Does this response answer the probe (rather than report an error)? */
function isAnswer(method: string, v6: boolean, resp: JsonObject, dst: string | undefined): boolean {
  if (str(resp, "reply_proto") === "tcp") return true;
  const type = num(resp, "icmp_type");
  const code = num(resp, "icmp_code");
  if (type === undefined) return true;
  if (!v6 && type === 0) return true;
  if (v6 && type === 129) return true;
  if (startsWith(method, "udp") && str(resp, "from") === dst) {
    if (!v6 && type === 3 && code === 3) return true;
    if (v6 && type === 1 && code === 4) return true;
  }
  return false;
}

function pingRun(o: JsonObject): PingRun {
  const dst = str(o, "dst");
  const method = str(o, "method");
  const run: PingRun = {
    tool: "scamper", target: dst !== undefined ? dst : "", received: 0, replies: [], errors: [], complete: false,
  };
  if (dst !== undefined) run.address = dst;
  const src = str(o, "src");
  if (src !== undefined) run.source = src;
  if (method !== undefined) run.method = method;
  const sent = num(o, "ping_sent");
  if (sent !== undefined) run.sent = sent;
  const v6 = dst !== undefined && dst.indexOf(":") >= 0;
  const resps = o["responses"];
  if (Array.isArray(resps)) {
    for (const rv of resps) {
      if (!isJsonObject(rv)) continue;
      const seq = num(rv, "seq");
      const from = str(rv, "from");
      if (from === undefined) continue;
      if (isAnswer(method !== undefined ? method : "", v6, rv, dst)) {
        const rttMs = num(rv, "rtt");
        const rtt = rttMs !== undefined ? msNumToUs(rttMs) : undefined;
        if (seq === undefined || rtt === undefined) continue;
        const r: PingReply = { seq: seq, from: from, rttUs: rtt };
        const ttl = num(rv, "reply_ttl");
        if (ttl !== undefined) r.ttl = ttl;
        const size = num(rv, "reply_size");
        if (size !== undefined) r.bytes = size;
        const rx = timevalUs(rv["rx"]);
        if (rx !== undefined) r.timestampUs = rx;
        run.replies.push(r);
      } else {
        const type = num(rv, "icmp_type");
        const code = num(rv, "icmp_code");
        const t = type !== undefined ? type : -1;
        const c = code !== undefined ? code : -1;
        const e: PingError = {
          from: from, kind: icmpErrorKind(v6, t, c), text: "icmp type " + fmtNum(t) + " code " + fmtNum(c),
        };
        if (seq !== undefined) e.seq = seq;
        run.errors.push(e);
      }
    }
  }
  const stats = o["statistics"];
  if (stats !== undefined && isJsonObject(stats)) {
    run.complete = true;
    const replies = num(stats, "replies");
    run.received = replies !== undefined ? replies : run.replies.length;
    const loss = num(stats, "loss");
    if (loss !== undefined) {
      const v = decimalToInt(fmtNum(loss, 6), 8);
      if (v !== undefined) run.lossPct = v / 1000000;
    }
    const min = num(stats, "min");
    const avg = num(stats, "avg");
    const max = num(stats, "max");
    if (min !== undefined && avg !== undefined && max !== undefined) {
      const a = msNumToUs(min);
      const b = msNumToUs(avg);
      const c = msNumToUs(max);
      if (a !== undefined && b !== undefined && c !== undefined) {
        const s: PingSummary = { minUs: a, avgUs: b, maxUs: c };
        const sd = num(stats, "stddev");
        const d = sd !== undefined ? msNumToUs(sd) : undefined;
        if (d !== undefined) s.mdevUs = d;
        run.summary = s;
      }
    }
  } else {
    run.received = run.replies.length;
  }
  return run;
}

/**
 * Runs in scamper ping output: JSON lines (-O json) or scamper's text form. Throws
 * EEMPTY for blank input and EPARSE when no ping measurement is found.
 */
export function parseScamperPing(text: string): PingRun[] {
  if (isBlank(text)) throw new ProbeError("EEMPTY", "scamper printed nothing");
  const runs: PingRun[] = [];
  const objs = scamperObjects(text);
  for (const o of objs) if (str(o, "type") === "ping") runs.push(pingRun(o));
  if (runs.length > 0) return runs;
  if (objs.length > 0) throw new ProbeError("EPARSE", "no ping measurement in scamper output");
  return [parseClassicPing(text, "scamper")];
}
