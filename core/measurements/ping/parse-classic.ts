// One reader for the BSD-descended ping text that iputils, busybox, toybox and scamper's
// text mode print. They differ in details (header punctuation, "seq=" vs "icmp_seq=",
// "packets received" vs "received", iputils' "From ... icmp_seq=N <error>" lines), all of
// which this reader accepts; each flavour's file names its tool.
import { ProbeError } from "../../util/errors";
import { PingError, PingErrorKind, PingReply, PingRun, PingSummary, PingTool } from "./types";
import {
  balancedParens, decimalToInt, isBlank, lastIndex, leadingNatural, msTextToUs, natural, splitLines,
  splitNameAddr, startsWith, valueAfter, words,
} from "../../tools/text";

/** Most replies/errors kept per run (a bounded record even from a runaway ping). */
export const MAX_RECORDS = 100000;

export function errorKind(message: string): PingErrorKind {
  const m = message.toLowerCase();
  if (m.indexOf("time to live exceeded") >= 0 || m.indexOf("hop limit") >= 0 || m.indexOf("time exceeded") >= 0) {
    return "ttl-exceeded";
  }
  if (m.indexOf("prohibited") >= 0 || m.indexOf("filtered") >= 0) return "prohibited";
  if (m.indexOf("no route") >= 0) return "no-route";
  if (m.indexOf("frag needed") >= 0 || m.indexOf("too big") >= 0) return "frag-needed";
  if (m.indexOf("net unreachable") >= 0) return "net-unreachable";
  if (m.indexOf("host unreachable") >= 0 || m.indexOf("address unreachable") >= 0) return "host-unreachable";
  if (m.indexOf("port unreachable") >= 0) return "port-unreachable";
  if (m.indexOf("protocol unreachable") >= 0) return "protocol-unreachable";
  return "other";
}

function localErrorKind(message: string): PingErrorKind {
  const m = message.toLowerCase();
  if (m.indexOf("unknown host") >= 0 || m.indexOf("not known") >= 0 || m.indexOf("bad address") >= 0 ||
    m.indexOf("name resolution") >= 0 || m.indexOf("no address associated") >= 0) {
    return "resolve-failed";
  }
  return "send-failed";
}

interface State {
  run: PingRun;
  statsName?: string;
  seen: boolean;
}

/** Length of a leading "ping: " / "ping6: " / "/usr/bin/ping: " (argv[0] as printed), or 0. */
function toolPrefix(line: string): number {
  const c = line.indexOf(": ");
  if (c <= 0 || c > 200) return 0;
  const who = line.substring(0, c);
  if (who.indexOf(" ") >= 0) return 0;
  const slash = lastIndex(who, "/");
  const base = slash >= 0 ? who.substring(slash + 1) : who;
  return base === "ping" || base === "ping6" ? c + 2 : 0;
}

/** "PING host (addr) 56(84) bytes of data." and its busybox/toybox/iputils-v6 variants. */
function header(st: State, line: string): void {
  const rest = line.substring(5);
  const p = balancedParens(rest, 0);
  if (p === undefined) {
    const w = words(rest);
    if (w.length > 0) st.run.target = w[0];
    return;
  }
  st.run.target = rest.substring(0, p.open).trim();
  const inner = p.inner.trim();
  const na = splitNameAddr(inner);
  st.run.address = na.addr;
  let tail = rest.substring(p.end);
  if (startsWith(tail, ":")) tail = tail.substring(1);
  const n = leadingNatural(tail);
  if (n !== undefined) st.run.payloadBytes = n;
}

/** scamper text: "ping 10.99.1.2 to 10.99.3.2: 84 byte packets". */
function scamperHeader(st: State, line: string): boolean {
  const w = words(line);
  if (w.length < 4 || w[2] !== "to") return false;
  let dst = w[3];
  if (dst.length > 0 && dst.substring(dst.length - 1) === ":") dst = dst.substring(0, dst.length - 1);
  st.run.source = w[1];
  st.run.target = dst;
  st.run.address = dst;
  return true;
}

function reply(st: State, line: string, at: number, timestampUs: number | undefined): void {
  const bytes = leadingNatural(line.substring(0, at));
  const afterFrom = line.substring(at + 12);
  // The responder ends at ": " (iputils, busybox, toybox) or ", " (scamper); IPv6
  // addresses hold ':' but never ": ".
  let end = afterFrom.indexOf(": ");
  const comma = afterFrom.indexOf(", ");
  if (end < 0 || (comma >= 0 && comma < end)) end = comma;
  if (end < 0) return;
  const who = splitNameAddr(afterFrom.substring(0, end));
  const fields = afterFrom.substring(end + 2);
  let seqText = valueAfter(fields, "icmp_seq=");
  if (seqText === undefined) seqText = valueAfter(fields, "icmp_req=");
  if (seqText === undefined) seqText = valueAfter(fields, "seq=");
  const seq = seqText !== undefined ? natural(seqText) : undefined;
  const timeText = valueAfter(fields, "time=");
  if (seq === undefined || timeText === undefined) return;
  let t = timeText;
  if (t.length > 2 && t.substring(t.length - 2) === "ms") t = t.substring(0, t.length - 2);
  const rtt = msTextToUs(t);
  if (rtt === undefined || rtt < 0) return;
  const r: PingReply = { seq: seq, from: who.addr, rttUs: rtt };
  if (who.name !== undefined) r.fromName = who.name;
  const ttlText = valueAfter(fields, "ttl=");
  const ttl = ttlText !== undefined ? natural(ttlText) : undefined;
  if (ttl !== undefined) r.ttl = ttl;
  if (bytes !== undefined) r.bytes = bytes;
  if (timestampUs !== undefined) r.timestampUs = timestampUs;
  if (fields.indexOf("(DUP!)") >= 0) r.dup = true;
  if (st.run.replies.length < MAX_RECORDS) st.run.replies.push(r);
  st.seen = true;
}

/** iputils: "From 10.99.23.3 icmp_seq=1 Destination Host Unreachable". */
function fromError(st: State, line: string): boolean {
  let key = " icmp_seq=";
  let at = line.indexOf(key);
  if (at < 0) {
    key = " icmp_req=";
    at = line.indexOf(key);
  }
  if (at < 0) return false;
  let who = line.substring(5, at).trim();
  if (who.length > 0 && who.substring(who.length - 1) === ":") who = who.substring(0, who.length - 1);
  const after = line.substring(at + key.length);
  const sp = after.indexOf(" ");
  const seq = natural(sp >= 0 ? after.substring(0, sp) : after);
  const text = sp >= 0 ? after.substring(sp + 1).trim() : "";
  const e: PingError = { from: splitNameAddr(who).addr, kind: errorKind(text), text: text };
  if (seq !== undefined) e.seq = seq;
  if (st.run.errors.length < MAX_RECORDS) st.run.errors.push(e);
  st.seen = true;
  return true;
}

/** "5 packets transmitted, 5 received, +4 errors, 100% packet loss, time 3080ms". */
function counts(st: State, line: string): void {
  const parts = line.split(",");
  for (const raw of parts) {
    const part = raw.trim();
    const w = words(part);
    if (w.length === 0) continue;
    if (part.indexOf("transmitted") >= 0) {
      const v = natural(w[0]);
      if (v !== undefined) st.run.sent = v;
    } else if (part.indexOf("packet loss") >= 0) {
      const pct = w[0];
      if (pct.length > 1 && pct.substring(pct.length - 1) === "%") {
        const v = decimalToInt(pct.substring(0, pct.length - 1), 6);
        if (v !== undefined) st.run.lossPct = v / 1000000;
      }
    } else if (part.indexOf("received") >= 0) {
      const v = natural(w[0]);
      if (v !== undefined) st.run.received = v;
    } else if (part.indexOf("error") >= 0) {
      const v = natural(startsWith(w[0], "+") ? w[0].substring(1) : w[0]);
      if (v !== undefined) st.run.errorCount = v;
    } else if (part.indexOf("duplicate") >= 0) {
      const v = natural(startsWith(w[0], "+") ? w[0].substring(1) : w[0]);
      if (v !== undefined) st.run.duplicates = v;
    } else if (w[0] === "time" && w.length > 1) {
      let t = w[1];
      if (t.length > 2 && t.substring(t.length - 2) === "ms") t = t.substring(0, t.length - 2);
      const v = natural(t);
      if (v !== undefined) st.run.elapsedMs = v;
    }
  }
  st.run.complete = true;
  st.seen = true;
}

/** "rtt min/avg/max/mdev = 41.004/41.460/42.004/0.321 ms" (also round-trip ... /stddev). */
function summary(st: State, line: string): void {
  const eq = line.indexOf("=");
  if (eq < 0) return;
  const labelWords = words(line.substring(0, eq));
  if (labelWords.length === 0) return;
  const labels = labelWords[labelWords.length - 1].split("/");
  const vw = words(line.substring(eq + 1));
  if (vw.length === 0) return;
  const values = vw[0].split("/");
  let min: number | undefined;
  let avg: number | undefined;
  let max: number | undefined;
  let mdev: number | undefined;
  for (let i = 0; i < labels.length && i < values.length; i++) {
    const v = msTextToUs(values[i]);
    if (v === undefined) continue;
    const l = labels[i];
    if (l === "min") min = v;
    else if (l === "avg") avg = v;
    else if (l === "max") max = v;
    else if (l === "mdev" || l === "stddev") mdev = v;
  }
  if (min === undefined || avg === undefined || max === undefined) return;
  const s: PingSummary = { minUs: min, avgUs: avg, maxUs: max };
  if (mdev !== undefined) s.mdevUs = mdev;
  st.run.summary = s;
  st.seen = true;
}

/** Reads classic ping text into one run. Throws EEMPTY for blank input, EPARSE when nothing is recognised. */
export function parseClassicPing(text: string, tool: PingTool): PingRun {
  if (isBlank(text)) throw new ProbeError("EEMPTY", tool + " ping printed nothing");
  const lines = splitLines(text);
  const st: State = {
    run: { tool: tool, target: "", received: 0, replies: [], errors: [], complete: false },
    seen: false,
  };
  let receivedSeen = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line === "") continue;
    let ts: number | undefined;
    if (startsWith(line, "[")) {
      const close = line.indexOf("]");
      if (close > 0 && close < 32) {
        ts = decimalToInt(line.substring(1, close), 6);
        line = line.substring(close + 1).trim();
      }
    }
    const bf = line.indexOf(" bytes from ");
    if (startsWith(line, "PING ") || startsWith(line, "Ping ")) {
      header(st, line);
      st.seen = true;
    } else if (startsWith(line, "ping ") && line.indexOf(" to ") > 0 && line.indexOf("byte packets") > 0) {
      if (scamperHeader(st, line)) st.seen = true;
    } else if (bf > 0) {
      reply(st, line, bf, ts);
    } else if (startsWith(line, "From ")) {
      fromError(st, line);
    } else if (startsWith(line, "--- ") && line.indexOf(" ping statistics") > 0) {
      st.statsName = line.substring(4, line.indexOf(" ping statistics")).trim();
      st.seen = true;
    } else if (line.indexOf("packets transmitted") >= 0) {
      const before = st.run.received;
      st.run.received = -1;
      counts(st, line);
      receivedSeen = st.run.received >= 0;
      if (!receivedSeen) st.run.received = before;
    } else if (startsWith(line, "rtt ") || startsWith(line, "round-trip ")) {
      summary(st, line);
    } else if (toolPrefix(line) > 0) {
      // "ping: ...", and "/usr/bin/ping: ..." when the tool was started by its full path
      const msg = line.substring(toolPrefix(line)).trim();
      if (st.run.errors.length < MAX_RECORDS) st.run.errors.push({ kind: localErrorKind(msg), text: msg });
      st.seen = true;
    }
  }
  if (!st.seen) throw new ProbeError("EPARSE", "no " + tool + " ping output recognised");
  const run = st.run;
  if (!receivedSeen) {
    let n = 0;
    for (const r of run.replies) if (r.dup !== true) n = n + 1;
    run.received = n;
  }
  if (run.target === "") {
    if (st.statsName !== undefined && st.statsName !== "") run.target = st.statsName;
    else if (run.address !== undefined) run.target = run.address;
    else if (run.replies.length > 0) run.target = run.replies[0].from;
  }
  return run;
}
