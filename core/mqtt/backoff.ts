// Reconnect delays: capped exponential backoff with jitter, so a thousand probes that lost
// the same broker do not all come back in the same second. The random source is injected
// (vectors and tests pass a fixed sequence; the client defaults to Math.random).

export interface BackoffOptions {
  /** First delay, ms. */
  initialMs: number;
  /** No delay is longer than this, ms. */
  maxMs: number;
  /** Each failed attempt multiplies the delay by this (≥ 1). */
  factor: number;
  /**
   * 0 ... 1: the delay is drawn from [base·(1 − jitter), base] (0 = no jitter; 1 = "full
   * jitter", anywhere from 0 to base).
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60000, factor: 2, jitter: 0.5 };

export class Backoff {
  private readonly o: BackoffOptions;
  private readonly random: () => number;
  private base: number;
  /** Delays handed out since the last reset. */
  attempts = 0;

  constructor(opts: BackoffOptions, random: () => number) {
    this.o = opts;
    this.random = random;
    this.base = Math.min(opts.initialMs, opts.maxMs);
  }

  /** The delay before the next attempt, whole ms; each call grows the next one. */
  next(): number {
    const b = this.base;
    let r = this.random();
    if (!(r >= 0)) r = 0;
    if (r >= 1) r = 0.999999;
    this.attempts = this.attempts + 1;
    this.base = Math.min(this.o.maxMs, b * (this.o.factor < 1 ? 1 : this.o.factor));
    return Math.floor(b - b * this.o.jitter * r);
  }

  /** After a connection that worked: start again from initialMs. */
  reset(): void {
    this.base = Math.min(this.o.initialMs, this.o.maxMs);
    this.attempts = 0;
  }
}
