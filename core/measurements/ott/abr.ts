// Bitrate adaptation: pure functions from what the player measured to the next level.
// Levels are indexes into the ladder sorted by ascending declared bandwidth (bit/s).
//
//  - throughput rule (dash.js/hls.js style): estimate = harmonic mean of the last
//    THROUGHPUT_WINDOW segment throughputs (a harmonic mean is dominated by the slow
//    samples, so one lucky fast segment does not push the level up); choose the highest
//    level whose bandwidth <= estimate x SAFETY. No sample yet: the lowest level.
//  - buffer rule (BBA-0, Huang et al., SIGCOMM 2014): a rate map f(B) over the buffer
//    level B: the lowest rate up to the reservoir r, the highest from r + cushion on,
//    linear in between; stay on the current level while f(B) lies between its
//    neighbours (hysteresis), else move to the highest level below f(B) (up) or the
//    lowest level above f(B) (down).

/** Segments the throughput estimate looks back over. */
export const THROUGHPUT_WINDOW = 5;
/** Fraction of the estimated throughput the chosen level may use. */
export const SAFETY = 0.85;

/** Harmonic mean of the last `window` positive samples (bit/s); undefined without any. */
export function harmonicMean(samples: number[], window: number): number | undefined {
  let n = 0;
  let inv = 0;
  let i = samples.length - 1;
  while (i >= 0 && n < window) {
    const s = samples[i];
    if (s > 0) {
      inv = inv + 1 / s;
      n = n + 1;
    }
    i = i - 1;
  }
  return n === 0 ? undefined : n / inv;
}

/** Highest level whose bandwidth fits in estimate x safety (the lowest when none fits or no estimate). */
export function chooseByThroughput(bandwidths: number[], estimateBps: number | undefined, safety: number): number {
  if (estimateBps === undefined) return 0;
  const budget = estimateBps * safety;
  let best = 0;
  for (let i = 0; i < bandwidths.length; i++) if (bandwidths[i] <= budget) best = i;
  return best;
}

/** BBA reservoir and cushion (ms) for a buffer length and segment duration. */
export function bbaZones(bufferMs: number, segmentMs: number): { reservoirMs: number; cushionMs: number } {
  // The buffer never holds more than bufferMs (downloads pause when the next segment
  // would not fit), so the map must reach the top rate by bufferMs - one segment.
  let reservoir = bufferMs / 10;
  if (reservoir < segmentMs) reservoir = segmentMs;
  let upper = bufferMs - segmentMs;
  if (upper < reservoir + segmentMs) upper = reservoir + segmentMs;
  return { reservoirMs: reservoir, cushionMs: upper - reservoir };
}

/** BBA-0's rate map: the rate (bit/s) the buffer level can afford. */
export function bbaRate(bandwidths: number[], bufferLevelMs: number, reservoirMs: number, cushionMs: number): number {
  const lo = bandwidths[0];
  const hi = bandwidths[bandwidths.length - 1];
  if (bufferLevelMs <= reservoirMs) return lo;
  if (bufferLevelMs >= reservoirMs + cushionMs) return hi;
  return lo + ((hi - lo) * (bufferLevelMs - reservoirMs)) / cushionMs;
}

/** BBA-0 decision from the current level and buffer level. */
export function chooseByBuffer(bandwidths: number[], current: number, bufferLevelMs: number, reservoirMs: number, cushionMs: number): number {
  const n = bandwidths.length;
  const f = bbaRate(bandwidths, bufferLevelMs, reservoirMs, cushionMs);
  const up = current + 1 < n ? bandwidths[current + 1] : bandwidths[n - 1];
  const down = current > 0 ? bandwidths[current - 1] : bandwidths[0];
  if (bufferLevelMs <= reservoirMs) return 0;
  if (bufferLevelMs >= reservoirMs + cushionMs) return n - 1;
  if (f >= up) {
    // highest level strictly below f (at least one step up)
    let best = current;
    for (let i = current + 1; i < n; i++) if (bandwidths[i] < f) best = i;
    return best;
  }
  if (f <= down) {
    // lowest level strictly above f (at least one step down)
    let best = current;
    for (let i = current - 1; i >= 0; i--) if (bandwidths[i] > f) best = i;
    return best;
  }
  return current;
}
