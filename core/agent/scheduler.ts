// When each accepted specification runs: one-shot scopes once, repeated scopes (`repeat
// ... / P { ... }`, `cron ...`) at every trigger inside their span. Runs go through a
// bounded pool (the configured concurrency); a trigger that finds its previous run still
// going is skipped and counted, never queued without bound. A watchdog notices a job whose
// planned start passed long ago without a run (a lost timer, a clock jump) and re-arms.
import { Host } from "../host";
import { Cancel } from "../cancel";
import { Run, TimePoint, When, schedule } from "../model/when";
import { asProbeError } from "../util/errors";
import { fmtNum } from "../util/num";

export interface Job {
  token: string;
  when: When;
}

/** @noSelf */
export type RunJob = (job: Job, run: Run, cancel: Cancel) => Promise<void>;

export interface SchedulerOptions {
  concurrency: number;
  runJob: RunJob;
  /** Called once when a job has no run left (its scope has ended). */
  onDone: (token: string) => void;
  log: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

interface Entry {
  job: Job;
  next?: Run;
  /** -1: no timer armed. */
  timer: number;
  running: boolean;
  pending: boolean;
  /** NO_RUN while nothing runs. */
  cancel: Cancel;
  /** The start of the last run, so the next trigger is strictly later. */
  lastStart: number;
  runs: number;
}

export interface SchedulerStats {
  jobs: number;
  running: number;
  pending: number;
  /** Triggers skipped because the job's previous run was still going or the pool was full. */
  skipped: number;
  /** Times the watchdog found a job that should have run and re-armed the scheduler. */
  restarts: number;
  completed: number;
  failed: number;
}

function fixed(t: TimePoint, nowMs: number): TimePoint {
  return t.kind === "now" ? { kind: "abs", ms: nowMs } : t;
}

/** The scope with its outer "now" made the absolute time `nowMs` (the inner scope stays relative to each trigger). */
export function anchorNow(w: When, nowMs: number): When {
  const out: When = { repeated: w.repeated, a: fixed(w.a, nowMs) };
  if (w.b !== undefined) out.b = fixed(w.b, nowMs);
  if (w.durationMs !== undefined) out.durationMs = w.durationMs;
  if (w.periodMs !== undefined) out.periodMs = w.periodMs;
  if (w.cron !== undefined) out.cron = w.cron;
  if (w.inner !== undefined) out.inner = w.inner;
  return out;
}

/** Lateness of a trigger taken for timer jitter (the run shifts) rather than a missed start. */
export const TIMER_SLACK_MS = 250;

/** The cancel of an entry with nothing running: cancelling it reaches nobody. */
const NO_RUN = new Cancel();

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: string[] = [];
  private active = 0;
  private readonly stats: SchedulerStats = { jobs: 0, running: 0, pending: 0, skipped: 0, restarts: 0, completed: 0, failed: 0 };

  constructor(private readonly host: Host, private readonly opts: SchedulerOptions) {}

  has(token: string): boolean {
    return this.entries.has(token);
  }

  tokens(): string[] {
    const out: string[] = [];
    this.entries.forEach((_e, k) => out.push(k));
    return out;
  }

  snapshot(): SchedulerStats {
    return {
      jobs: this.entries.size, running: this.active, pending: this.queue.length, skipped: this.stats.skipped,
      restarts: this.stats.restarts, completed: this.stats.completed, failed: this.stats.failed,
    };
  }

  /** Plans the job's first run; false when its scope has no run left (already ended). */
  add(job: Job): boolean {
    if (this.entries.has(job.token)) return true;
    // "now" in a scope means when it was accepted: left relative, every later plan() would
    // read it as the moment of planning and put a repeated job's next trigger right there.
    const now = this.host.now();
    const anchored: Job = { token: job.token, when: anchorNow(job.when, now) };
    const e: Entry = { job: anchored, timer: -1, running: false, pending: false, cancel: NO_RUN, lastStart: -1, runs: 0 };
    this.entries.set(job.token, e);
    if (!this.plan(e, now)) {
      this.entries.delete(job.token);
      return false;
    }
    return true;
  }

  /** Withdraws a job: its timer is cleared and a run in progress is cancelled. */
  remove(token: string, reason: string): boolean {
    const e = this.entries.get(token);
    if (e === undefined) return false;
    this.entries.delete(token);
    if (e.timer !== -1) this.host.clearTimer(e.timer);
    e.timer = -1;
    const qi = this.queue.indexOf(token);
    if (qi >= 0) this.queue.splice(qi, 1);
    e.cancel.cancel(reason);
    return true;
  }

  /** Cancels every running job and clears every timer (SIGTERM). */
  stopAll(reason: string): void {
    for (const t of this.tokens()) this.remove(t, reason);
  }

  /** `nowMs`: the time to plan from (the anchor's, when adding), else the clock's. */
  private plan(e: Entry, nowMs?: number): boolean {
    const now = nowMs !== undefined ? nowMs : this.host.now();
    if (!e.job.when.repeated && e.runs > 0) return false;
    let runs: Run[];
    try {
      runs = schedule(e.job.when, e.lastStart + 1 > now ? e.lastStart + 1 : now, 1);
    } catch (err) {
      this.opts.log("warn", "job " + e.job.token + ": " + asProbeError(err).message);
      return false;
    }
    if (runs.length === 0) return false;
    const r = runs[0];
    if (r.startMs <= e.lastStart) return false;
    e.next = r;
    const delay = r.startMs - now;
    e.timer = this.host.setTimer(delay > 0 ? delay : 0, () => {
      e.timer = -1;
      this.trigger(e);
    });
    return true;
  }

  private trigger(e: Entry): void {
    if (this.entries.get(e.job.token) !== e) return;
    if (e.running || e.pending) {
      this.stats.skipped = this.stats.skipped + 1;
      this.opts.log("warn", "job " + e.job.token + ": skipped a trigger, its previous run is still going");
      this.replan(e);
      return;
    }
    if (this.active >= this.opts.concurrency) {
      e.pending = true;
      this.queue.push(e.job.token);
      return;
    }
    this.start(e);
  }

  private start(e: Entry): void {
    const run = e.next as Run;
    const now = this.host.now();
    // A run that starts late keeps its planned end: the scope says when measuring stops.
    // Except a timer's own lateness (a few ms): cutting that from "now + 1s / 0.5s" would
    // leave 0.99 s and one echo request instead of two, so the run just shifts.
    const late = now - run.startMs;
    const r: Run = { startMs: late > 0 ? now : run.startMs };
    if (run.endMs !== undefined) {
      const end = late > 0 && late <= TIMER_SLACK_MS ? run.endMs + late : run.endMs;
      r.endMs = end < r.startMs ? r.startMs : end;
    }
    if (run.periodMs !== undefined) r.periodMs = run.periodMs;
    e.running = true;
    e.lastStart = run.startMs;
    e.runs = e.runs + 1;
    this.active = this.active + 1;
    const cancel = new Cancel();
    e.cancel = cancel;
    // The next trigger is planned now, so a long run cannot delay later ones.
    this.replan(e);
    let p: Promise<void>;
    try {
      p = this.opts.runJob(e.job, r, cancel);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => this.finished(e, true),
      (err) => {
        this.opts.log("warn", "job " + e.job.token + " failed: " + asProbeError(err).message);
        this.finished(e, false);
      },
    );
  }

  private replan(e: Entry): void {
    if (this.entries.get(e.job.token) !== e || e.timer !== -1) return;
    if (!this.plan(e) && !e.running) this.done(e);
  }

  private finished(e: Entry, ok: boolean): void {
    e.running = false;
    e.cancel = NO_RUN;
    this.active = this.active - 1;
    if (ok) this.stats.completed = this.stats.completed + 1;
    else this.stats.failed = this.stats.failed + 1;
    if (this.entries.get(e.job.token) === e && e.timer === -1 && !e.pending) {
      if (!this.plan(e)) this.done(e);
    }
    this.drain();
  }

  private done(e: Entry): void {
    if (this.entries.get(e.job.token) !== e) return;
    this.entries.delete(e.job.token);
    this.opts.onDone(e.job.token);
  }

  private drain(): void {
    while (this.active < this.opts.concurrency && this.queue.length > 0) {
      const token = this.queue.shift() as string;
      const e = this.entries.get(token);
      if (e === undefined) continue;
      e.pending = false;
      this.start(e);
    }
  }

  /**
   * The watchdog: a job whose planned start is more than `slackMs` in the past with no run
   * going means a timer was lost (or the clock jumped). Re-arm every job and say so.
   * Returns true when it had to restart.
   */
  watchdog(slackMs: number): boolean {
    const now = this.host.now();
    let stalled = false;
    this.entries.forEach((e) => {
      if (!e.running && !e.pending && e.next !== undefined && e.next.startMs + slackMs < now) stalled = true;
    });
    if (!stalled) return false;
    this.stats.restarts = this.stats.restarts + 1;
    this.opts.log("warn", "scheduler: a planned run was missed by more than " + fmtNum(Math.floor(slackMs / 1000)) + " s; re-arming every job");
    this.entries.forEach((e) => {
      if (e.timer !== -1) this.host.clearTimer(e.timer);
      e.timer = -1;
      if (!e.running && !e.pending) {
        // Missed triggers are not made up: the job continues from now.
        e.lastStart = now;
        if (!e.job.when.repeated && e.runs === 0) e.lastStart = -1;
        if (!this.plan(e)) this.done(e);
      }
    });
    return true;
  }
}
