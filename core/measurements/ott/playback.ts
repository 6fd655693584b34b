// Playback emulation on a monotonic clock (ms; any origin). No decoding: the player only
// counts how much media it holds and plays it out in real time.
//
//  - Startup: playback starts when the buffer holds `startupMs` of media (the session
//    picks min(buffer length, 2 segments)) or when the whole content has arrived.
//    Startup delay = that moment - session start.
//  - Playing: the playhead advances in real time while the buffer is not empty.
//  - Stall: the buffer runs dry before the content ends (and before the session ends);
//    it lasts until the next media arrives (the player restarts at once, without
//    re-buffering a threshold: an optimistic, simple rule).
//  - The end of the content (VOD) is not a stall; the session end closes an open stall.
export interface StallRecord {
  startMs: number;
  endMs: number;
}

export class Playback {
  /** Media held (ms) ahead of the playhead when last advanced. */
  private levelMs = 0;
  /** Clock time of the last advance. */
  private atMs: number;
  private started = false;
  private ended = false;
  private contentComplete = false;
  playStartMs: number | undefined = undefined;
  playedMs = 0;
  readonly stalls: StallRecord[] = [];
  private stalled = false;
  private stallStart = 0;

  constructor(readonly sessionStartMs: number, public startupMs: number) {
    this.atMs = sessionStartMs;
  }

  /** Plays out up to `nowMs`: the playhead moves while there is media; the buffer running dry starts a stall. */
  advance(nowMs: number): void {
    if (nowMs <= this.atMs || this.ended) {
      if (nowMs > this.atMs) this.atMs = nowMs;
      return;
    }
    if (this.started && !this.stalled) {
      const elapsed = nowMs - this.atMs;
      if (elapsed < this.levelMs) {
        this.levelMs = this.levelMs - elapsed;
        this.playedMs = this.playedMs + elapsed;
      } else {
        const dry = this.atMs + this.levelMs;
        this.playedMs = this.playedMs + this.levelMs;
        this.levelMs = 0;
        if (!this.contentComplete) {
          this.stalled = true;
          this.stallStart = dry;
        } else this.ended = true;
      }
    }
    this.atMs = nowMs;
  }

  /** Media of `mediaMs` arrived at `nowMs`. */
  addMedia(nowMs: number, mediaMs: number): void {
    this.advance(nowMs);
    this.levelMs = this.levelMs + mediaMs;
    if (this.stalled) {
      this.stalls.push({ startMs: this.stallStart, endMs: nowMs });
      this.stalled = false;
    }
    this.maybeStart(nowMs);
  }

  /** No more media will come (VOD end): buffered media plays out, running dry is not a stall. */
  complete(nowMs: number): void {
    this.advance(nowMs);
    this.contentComplete = true;
    if (this.stalled) {
      this.stalls.push({ startMs: this.stallStart, endMs: nowMs });
      this.stalled = false;
    }
    this.maybeStart(nowMs);
    if (this.started && this.levelMs === 0) this.ended = true;
  }

  private maybeStart(nowMs: number): void {
    if (this.started) return;
    if (this.levelMs >= this.startupMs || (this.contentComplete && this.levelMs > 0)) {
      this.started = true;
      this.playStartMs = nowMs;
    }
  }

  /** Ends the session at `nowMs`: an open stall is closed there. */
  finish(nowMs: number): void {
    this.advance(nowMs);
    if (this.stalled) {
      this.stalls.push({ startMs: this.stallStart, endMs: nowMs });
      this.stalled = false;
    }
    this.ended = true;
  }

  /** Media buffered ahead of the playhead at `nowMs` (advances the clock). */
  level(nowMs: number): number {
    this.advance(nowMs);
    return this.levelMs;
  }

  isPlaying(): boolean {
    return this.started && !this.stalled && !this.ended;
  }

  isStalled(): boolean {
    return this.stalled;
  }

  hasStarted(): boolean {
    return this.started;
  }

  /** True once the content is complete and fully played out. */
  isOver(): boolean {
    return this.ended;
  }

  /** Clock time at which the current buffer would run dry while playing (undefined when not playing). */
  dryAtMs(): number | undefined {
    if (!this.isPlaying()) return undefined;
    return this.atMs + this.levelMs;
  }
}
