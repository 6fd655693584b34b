// fping output. fping writes per-probe lines to stdout and summaries to stderr; pass both
// (stdout then stderr) as one text. Forms read:
//   -c:   "10.99.3.2   : [0], 64 bytes, 40.9 ms (40.9 avg, 0% loss)"
//         "10.99.250.1 : [0], timed out (NaN avg, 100% loss)"
//         "10.99.3.2   : xmt/rcv/%loss = 5/5/0%, min/avg/max = 40.9/41.2/41.7"
//   -C:   "10.99.3.2   : 40.9 40.9 40.9 40.8 40.8"      ("-" = no reply)
//   default: "x is alive" / "x is unreachable";  -a / -u: bare target names
//   "ICMP Host Unreachable from r for ICMP Echo sent to t" (kept as a run error)
// fping numbers probes from 0. Bare lines cannot say whether -a or -u was given: the
// `bareMeans` option says which (default "alive").
import { ProbeError } from "../../util/errors";
import { FpingResult, PingRun, PingSummary } from "./types";
import { errorKind, MAX_RECORDS } from "./parse-classic";
import { decimalToInt, isAddr, isBlank, msTextToUs, natural, splitLines, startsWith, words } from "../../tools/text";

export interface FpingOptions {
  bareMeans?: "alive" | "unreachable";
}

function runFor(res: FpingResult, index: { [t: string]: number }, target: string): PingRun {
  const i = index[target];
  if (i !== undefined) return res.runs[i];
  const run: PingRun = { tool: "fping", target: target, received: 0, replies: [], errors: [], complete: false };
  if (isAddr(target)) run.address = target;
  index[target] = res.runs.length;
  res.runs.push(run);
  return run;
}

function hasSeq(run: PingRun, seq: number): boolean {
  for (const r of run.replies) if (r.seq === seq) return true;
  return false;
}

/** "[3], 64 bytes, 41.7 ms (41.3 avg, 0% loss)" or "[3], timed out (...)". Returns the seq. */
function countLine(run: PingRun, rest: string): number | undefined {
  const close = rest.indexOf("]");
  if (close < 0) return undefined;
  const seq = natural(rest.substring(1, close));
  if (seq === undefined) return undefined;
  const after = rest.substring(close + 1);
  if (after.indexOf("timed out") >= 0) return seq;
  const parts = after.split(",");
  let bytes: number | undefined;
  let rtt: number | undefined;
  for (const p of parts) {
    const w = words(p);
    if (w.length >= 2 && w[1] === "bytes") bytes = natural(w[0]);
    else if (w.length >= 2 && w[1] === "ms" && rtt === undefined) rtt = msTextToUs(w[0]);
  }
  if (rtt === undefined || hasSeq(run, seq) || run.replies.length >= MAX_RECORDS) return seq;
  const from = run.address !== undefined ? run.address : run.target;
  if (bytes !== undefined) run.replies.push({ seq: seq, from: from, rttUs: rtt, bytes: bytes });
  else run.replies.push({ seq: seq, from: from, rttUs: rtt });
  return seq;
}

/** "xmt/rcv/%loss = 5/5/0%, min/avg/max = 40.9/41.2/41.7". */
function summaryLine(run: PingRun, rest: string): void {
  const eq = rest.indexOf("=");
  if (eq < 0) return;
  const body = rest.substring(eq + 1);
  const comma = body.indexOf(",");
  const counts = (comma >= 0 ? body.substring(0, comma) : body).trim().split("/");
  if (counts.length >= 3) {
    const x = natural(counts[0]);
    const r = natural(counts[1]);
    let l = counts[2];
    if (l.length > 0 && l.substring(l.length - 1) === "%") l = l.substring(0, l.length - 1);
    const lp = decimalToInt(l, 6);
    if (x !== undefined) run.sent = x;
    if (r !== undefined) run.received = r;
    if (lp !== undefined) run.lossPct = lp / 1000000;
  }
  run.complete = true;
  const mm = rest.indexOf("min/avg/max");
  if (mm < 0) return;
  const eq2 = rest.indexOf("=", mm);
  if (eq2 < 0) return;
  const vw = words(rest.substring(eq2 + 1));
  if (vw.length === 0) return;
  let vt = vw[0];
  if (vt.length > 0 && vt.substring(vt.length - 1) === ",") vt = vt.substring(0, vt.length - 1);
  const v = vt.split("/");
  if (v.length < 3) return;
  const a = msTextToUs(v[0]);
  const b = msTextToUs(v[1]);
  const c = msTextToUs(v[2]);
  if (a === undefined || b === undefined || c === undefined) return;
  const s: PingSummary = { minUs: a, avgUs: b, maxUs: c };
  run.summary = s;
}

/** "-C" vector "40.9 40.9 - 40.8": RTTs in microseconds, -1 for "-"; undefined if not one. */
function vectorWords(rest: string): number[] | undefined {
  const w = words(rest);
  if (w.length === 0) return undefined;
  const rtts: number[] = [];
  for (const t of w) {
    if (t === "-") {
      rtts.push(-1);
    } else {
      const v = msTextToUs(t);
      if (v === undefined || v < 0) return undefined;
      rtts.push(v);
    }
  }
  return rtts;
}

function vectorLine(run: PingRun, rtts: number[]): void {
  const from = run.address !== undefined ? run.address : run.target;
  let got = 0;
  for (let i = 0; i < rtts.length; i++) {
    const v = rtts[i];
    if (v < 0) continue;
    got = got + 1;
    if (!hasSeq(run, i) && run.replies.length < MAX_RECORDS) run.replies.push({ seq: i, from: from, rttUs: v });
  }
  if (run.sent === undefined) run.sent = rtts.length;
  run.received = got;
  run.complete = true;
}

function addUnique(list: string[], s: string): void {
  if (list.indexOf(s) < 0 && list.length < MAX_RECORDS) list.push(s);
}

export function parseFping(text: string, opts?: FpingOptions): FpingResult {
  if (isBlank(text)) throw new ProbeError("EEMPTY", "fping printed nothing");
  const bareMeans = opts !== undefined && opts.bareMeans !== undefined ? opts.bareMeans : "alive";
  const res: FpingResult = { runs: [], alive: [], unreachable: [] };
  const index: { [t: string]: number } = {};
  const maxSeq: { [t: string]: number } = {};
  const summarised: { [t: string]: boolean } = {};
  let seen = false;
  for (const raw of splitLines(text)) {
    let line = raw.trim();
    if (line === "") continue;
    if (startsWith(line, "[")) {
      const close = line.indexOf("]");
      if (close > 0 && close < 32) line = line.substring(close + 1).trim();
    }
    const sep = line.indexOf(" : ");
    if (sep > 0) {
      const target = line.substring(0, sep).trim();
      const rest = line.substring(sep + 3).trim();
      if (startsWith(rest, "[")) {
        const run = runFor(res, index, target);
        const seq = countLine(run, rest);
        if (seq !== undefined) {
          const m = maxSeq[target];
          if (m === undefined || seq > m) maxSeq[target] = seq;
          seen = true;
        }
      } else if (startsWith(rest, "xmt/rcv/%loss")) {
        summaryLine(runFor(res, index, target), rest);
        summarised[target] = true;
        seen = true;
      } else {
        const rtts = vectorWords(rest);
        if (rtts !== undefined) {
          vectorLine(runFor(res, index, target), rtts);
          summarised[target] = true;
          seen = true;
        }
      }
      continue;
    }
    const w = words(line);
    if (w.length >= 3 && w[1] === "is" && w[2] === "alive") {
      addUnique(res.alive, w[0]);
      seen = true;
    } else if (w.length >= 3 && w[1] === "is" && w[2] === "unreachable") {
      addUnique(res.unreachable, w[0]);
      seen = true;
    } else if (startsWith(line, "ICMP ") && line.indexOf(" from ") > 0 && line.indexOf(" sent to ") > 0) {
      const fromAt = line.indexOf(" from ");
      const what = line.substring(5, fromAt);
      const fw = words(line.substring(fromAt + 6));
      const tw = words(line.substring(line.indexOf(" sent to ") + 9));
      if (fw.length > 0 && tw.length > 0) {
        const run = runFor(res, index, tw[0]);
        if (run.errors.length < MAX_RECORDS) run.errors.push({ from: fw[0], kind: errorKind(what), text: what });
        seen = true;
      }
    } else if (w.length === 1 && (isAddr(w[0]) || w[0].indexOf(".") > 0)) {
      if (bareMeans === "alive") addUnique(res.alive, w[0]);
      else addUnique(res.unreachable, w[0]);
      seen = true;
    }
  }
  if (!seen) throw new ProbeError("EPARSE", "no fping output recognised");
  for (const run of res.runs) {
    if (summarised[run.target] === true) continue;
    const m = maxSeq[run.target];
    if (m !== undefined) run.sent = m + 1;
    run.received = run.replies.length;
  }
  return res;
}
