/// <reference path="./qjs.d.ts" />
// Clocks and timers of the QuickJS host.
//
// Clocks. qjs 2021-03-27 has neither os.now nor performance.now (os.now exists from
// 2023-12-09 and is used when present). mono() is then Date.now() (1 ms resolution) made
// non-decreasing, and corrected against /proc/uptime whenever the wall clock moved
// backwards or by more than 1 s between two calls, so NTP steps (routers boot without an
// RTC) do not show up as elapsed time; steps smaller than ~0.5 s are not detected.
//
// Timers: one os timer armed for the earliest deadline; ties fire in creation order. The
// os timer is never armed for more than STEP_MS: a long delay (up to 400 days) is reached
// in steps, each re-reading mono(), so it neither overflows nor drifts with clock steps.
import * as os from "os";
import { readText } from "./sys";

const STEP_MS = 3600 * 1000;

export function hasOsNow(): boolean {
  return typeof (os as unknown as { now?: () => number }).now === "function";
}

export function createMono(): () => number {
  const osNow = (os as unknown as { now?: () => number }).now;
  if (typeof osNow === "function") return () => osNow();
  const readUptime = (): number | undefined => {
    const s = readText("/proc/uptime");
    if (s === null) return undefined;
    const v = parseFloat(s);
    return v === v ? v * 1000 : undefined;
  };
  let offset = -Date.now();
  let lastWall = Date.now();
  let lastMono = 0;
  let anchorMono = 0;
  let anchorUp = readUptime();
  return (): number => {
    const w = Date.now();
    const dw = w - lastWall;
    lastWall = w;
    if ((dw < 0 || dw > 1000) && anchorUp !== undefined) {
      const up = readUptime();
      if (up !== undefined) {
        const expected = anchorMono + (up - anchorUp);
        const got = w + offset;
        if (Math.abs(got - expected) > 500) offset += expected - got;
        anchorMono = w + offset;
        anchorUp = up;
      }
    }
    const m = w + offset;
    if (m > lastMono) lastMono = m;
    return lastMono;
  };
}

export interface Timers {
  setTimer(ms: number, cb: () => void): number;
  clearTimer(id: number): void;
}

export function createTimers(mono: () => number, guard: (what: string, fn: () => void) => void): Timers {
  interface Entry {
    id: number;
    due: number;
    cb: () => void;
    cancelled: boolean;
  }
  const queue: Entry[] = [];
  const live = new Map<number, Entry>();
  let armed: os.Timer | undefined;
  let nextId = 1;
  let firing = false;
  const arm = (): void => {
    if (firing) return;
    if (armed !== undefined) os.clearTimeout(armed);
    armed = undefined;
    if (queue.length === 0) return;
    armed = os.setTimeout(fire, Math.min(STEP_MS, Math.max(0, Math.ceil(queue[0].due - mono()))));
  };
  const fire = (): void => {
    armed = undefined;
    firing = true;
    const now = mono();
    const due: Entry[] = [];
    while (queue.length > 0 && queue[0].due <= now) due.push(queue.shift()!);
    for (const e of due) {
      if (e.cancelled) continue; // cleared by an earlier callback of this round
      live.delete(e.id);
      guard("timer", e.cb);
    }
    firing = false;
    arm();
  };
  const setTimer = (ms: number, cb: () => void): number => {
    const delay = ms === ms && ms > 0 ? ms : 0;
    const e: Entry = { id: nextId++, due: mono() + delay, cb, cancelled: false };
    live.set(e.id, e);
    let i = queue.length;
    while (i > 0 && queue[i - 1].due > e.due) i--;
    queue.splice(i, 0, e);
    if (i === 0) arm();
    return e.id;
  };
  const clearTimer = (id: number): void => {
    const e = live.get(id);
    if (e === undefined) return;
    live.delete(id);
    e.cancelled = true;
    const i = queue.indexOf(e);
    if (i >= 0) {
      queue.splice(i, 1);
      if (i === 0) arm();
    }
  };
  return { setTimer, clearTimer };
}
