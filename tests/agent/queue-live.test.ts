// The queue as the daemon drives it: one report at a time, each drained (next, ack) before
// the next one is pushed. Regression: the parsed-segment cache kept the "" after the last
// newline, so a record appended after a drain sat one index too far and was never handed
// out (the daemon answered a second specification with a receipt and no result).
import test from "ava";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHost } from "../../targets/node/host.ts";
import { Queue } from "../../core/agent/queue.ts";

const host = createHost({ probeId: "queue-live-test", logLevel: "error" });

test("push, drain, push, drain: every record is handed out once, in order", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-queue-live-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  const out: number[] = [];
  for (let i = 0; i < 30; i++) {
    const seq = q.takeSeq();
    await q.push(seq, `report ${seq}`);
    const recs = await q.next(8);
    for (const r of recs) {
      t.is(r.data, `report ${r.seq}`);
      out.push(r.seq);
      await q.ack(r.seq);
    }
  }
  t.deepEqual(out, Array.from({ length: 30 }, (_v, i) => i + 1));
  t.is(q.stats().depth, 0);
  // Two pushed between drains, and one left in flight across a push.
  await q.push(q.takeSeq(), "report 31");
  await q.push(q.takeSeq(), "report 32");
  const a = await q.next(1);
  await q.push(q.takeSeq(), "report 33");
  const b = await q.next(8);
  t.deepEqual([...a, ...b].map((r) => r.seq), [31, 32, 33]);
  t.log(`handed out ${out.length + a.length + b.length} records in order`);
  await q.flush();
});
