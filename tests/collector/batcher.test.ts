// Group commit: batches grow with the load, and callers (who acknowledge on settling) settle
// in arrival order even when a later transaction commits first.
import test from "ava";
import { Batcher } from "../../tools/collector/batcher.ts";
import type { Report } from "../../tools/collector/report.ts";

const rep = (seq: number) => ({ probeId: "p", seq }) as unknown as Report;

test("a later batch that commits first waits for the earlier one before its callers settle", async (t) => {
  const sizes: number[] = [];
  let calls = 0;
  const b = new Batcher(async (batch) => {
    sizes.push(batch.length);
    const mine = calls++;
    // the first transaction is slow, the second fast
    await new Promise((r) => setTimeout(r, mine === 0 ? 150 : 5));
    return new Set(batch.filter((r) => (r as unknown as { seq: number }).seq !== 3));
  }, 4000, 2);
  const order: number[] = [];
  const first = b.add(rep(1)).then((dup) => order.push(dup ? -1 : 1));
  await new Promise((r) => setImmediate(r));
  const rest = [2, 3, 4].map((s) => b.add(rep(s)).then((dup) => order.push(dup ? -s : s)));
  await Promise.all([first, ...rest]);
  t.deepEqual(sizes, [1, 3], "the first batch went alone, the next three together");
  t.deepEqual(order, [1, 2, -3, 4], "arrival order; report 3 was already stored");
});

test("a failed commit rejects its callers in order, and later batches still settle", async (t) => {
  let calls = 0;
  const b = new Batcher(async (batch) => {
    if (calls++ === 0) {
      await new Promise((r) => setTimeout(r, 50));
      throw new Error("disk full");
    }
    return new Set(batch);
  }, 4000, 2);
  const order: string[] = [];
  const a = b.add(rep(1)).then(() => order.push("ok 1"), (e: Error) => order.push("fail 1: " + e.message));
  await new Promise((r) => setImmediate(r));
  const c = b.add(rep(2)).then(() => order.push("ok 2"), (e: Error) => order.push("fail 2: " + e.message));
  await Promise.all([a, c]);
  t.deepEqual(order, ["fail 1: disk full", "ok 2"]);
});
