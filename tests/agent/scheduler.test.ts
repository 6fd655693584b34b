// The scheduler on the real Node host's timers. Regressions found by the daemon tests:
// "now" in a repeated scope was read as the moment of each re-planning, so "repeat now ...
// future / 1s" triggered every millisecond (hundreds of runs and skipped triggers a second);
// and a run a few ms late lost the ms from its end, so "now + 1s / 0.5s" sent one echo
// request instead of two.
import test from "ava";
import { createHost } from "../../targets/node/host.ts";
import { Scheduler } from "../../core/agent/scheduler.ts";
import { parseWhen, type Run } from "../../core/model/when.ts";

const host = createHost({ probeId: "scheduler-test", logLevel: "error" });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function scheduler(runs: Run[], runMs: number) {
  return new Scheduler(host, {
    concurrency: 2,
    runJob: (_job, run) => {
      runs.push(run);
      return sleep(runMs);
    },
    onDone: () => undefined,
    log: () => undefined,
  });
}

test("repeat now ... future / 1s runs once a second, one period apart, none skipped", async (t) => {
  const runs: Run[] = [];
  const s = scheduler(runs, 300);
  const t0 = Date.now();
  t.true(s.add({ token: "a".repeat(32), when: parseWhen("repeat now ... future / 1s { now + 0.4s / 0.2s }") }));
  await sleep(3500);
  s.stopAll("test over");
  t.log(`${runs.length} runs in 3.5 s, skipped ${s.snapshot().skipped}`);
  t.true(runs.length >= 3 && runs.length <= 5, `${runs.length} runs`);
  t.is(s.snapshot().skipped, 0);
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i].startMs - runs[i - 1].startMs;
    t.true(gap > 800 && gap < 1300, `gap ${gap} ms`);
  }
  t.true(runs[0].startMs - t0 < 300);
  for (const r of runs) t.is((r.endMs as number) - r.startMs, 400, "each run keeps its inner duration");
});

test("a one-shot now + 1s / 0.5s keeps its whole second when its timer fires late", async (t) => {
  const runs: Run[] = [];
  const s = scheduler(runs, 10);
  t.true(s.add({ token: "b".repeat(32), when: parseWhen("now + 1s / 0.5s") }));
  await sleep(200);
  t.is(runs.length, 1);
  t.is((runs[0].endMs as number) - runs[0].startMs, 1000);
  t.is(runs[0].periodMs, 500);
  await sleep(1200);
  t.is(runs.length, 1, "a one-shot runs once");
  t.is(s.snapshot().jobs, 0);
});
