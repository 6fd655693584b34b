// Round-trip statistics from integer-microsecond samples, with rounding defined so that
// every runtime gets the same integers:
//   mean    = sum / n, rounded half up to an integer microsecond (exact integer arithmetic)
//   median  = middle sample; for even n the two middle samples averaged, rounded half up
//   stddev  = population standard deviation (divide by n, like iputils mdev), computed in
//             doubles from integer deviations around floor(mean), rounded half up
//   lossPct = lost * 100 / sent rounded half up to 3 decimal places
// Duplicate replies are not samples. With no samples only count/sent/lost/lossPct are set.
import { PingRun } from "./types";
import { divRound } from "../../tools/text";

export interface RttStats {
  /** Samples (non-duplicate replies). */
  count: number;
  /** Probes sent, when known. */
  sent?: number;
  /** sent - count (never below 0), when sent is known. */
  lost?: number;
  lossPct?: number;
  minUs?: number;
  meanUs?: number;
  medianUs?: number;
  maxUs?: number;
  stddevUs?: number;
}

export function rttStats(samplesUs: number[], sent?: number): RttStats {
  const xs: number[] = [];
  for (const v of samplesUs) xs.push(Math.floor(v));
  xs.sort((a, b) => a - b);
  const n = xs.length;
  const out: RttStats = { count: n };
  if (sent !== undefined) {
    const lost = sent > n ? sent - n : 0;
    out.sent = sent;
    out.lost = lost;
    if (sent > 0) out.lossPct = divRound(lost * 100000, sent) / 1000;
  }
  if (n === 0) return out;
  let sum = 0;
  for (const v of xs) sum = sum + v;
  out.minUs = xs[0];
  out.maxUs = xs[n - 1];
  out.meanUs = sum >= 0 ? divRound(sum, n) : -divRound(-sum, n);
  const mid = Math.floor(n / 2);
  out.medianUs = n - mid * 2 === 1 ? xs[mid] : Math.floor((xs[mid - 1] + xs[mid] + 1) / 2);
  const base = Math.floor(sum / n);
  let s1 = 0;
  let s2 = 0;
  for (const v of xs) {
    const d = v - base;
    s1 = s1 + d;
    s2 = s2 + d * d;
  }
  let variance = (s2 - (s1 * s1) / n) / n;
  if (variance < 0) variance = 0;
  out.stddevUs = Math.floor(Math.sqrt(variance) + 0.5);
  return out;
}

/** Statistics of one run: its non-duplicate reply RTTs, against its sent count. */
export function pingStats(run: PingRun): RttStats {
  const xs: number[] = [];
  for (const r of run.replies) if (r.dup !== true) xs.push(r.rttUs);
  return rttStats(xs, run.sent);
}
