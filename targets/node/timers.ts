// Timers of any length up to 400 days and beyond: Node's setTimeout takes at most 2^31-1 ms
// and fires after 1 ms when given more (TimeoutOverflowWarning), so a long delay runs as a
// chain of steps toward a monotonic deadline, under one id.
const STEP_MS = 24 * 3600 * 1000; // well below 2^31-1 ms (24.8 days)

export function makeTimers(mono: () => number) {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    setTimer(ms: number, cb: () => void): number {
      const id = nextId++;
      const delay = ms > 0 ? ms : 0;
      const deadline = mono() + delay;
      const arm = (wait: number): void => {
        timers.set(
          id,
          setTimeout(() => {
            // short delays fire as set; long ones re-arm until the deadline is near
            const left = delay <= STEP_MS ? 0 : deadline - mono();
            if (left > 1) {
              arm(Math.min(left, STEP_MS));
              return;
            }
            timers.delete(id);
            cb();
          }, wait),
        );
      };
      arm(Math.min(delay, STEP_MS));
      return id;
    },
    clearTimer(id: number): void {
      const t = timers.get(id);
      if (t !== undefined) {
        clearTimeout(t);
        timers.delete(id);
      }
    },
  };
}
