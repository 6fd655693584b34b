// The durable queue on the real Node host's file system: order, acknowledgement, restart,
// torn records after a power cut, limits with counted drops, monotonic sequence numbers.
import test from "ava";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHost } from "../../targets/node/host.ts";
import { Queue, encodeRecord } from "../../core/agent/queue.ts";

function tmp(t: { teardown(f: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "mp-queue-"));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const host = createHost({ probeId: "queue-test", logLevel: "error" });
const bytes = (n: number) => Array.from({ length: n }, (_v, i) => String.fromCharCode((i * 37 + n) % 256)).join("");

test("records come out in order, byte-exact, and stay until acknowledged", async (t) => {
  const dir = tmp(t);
  const q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  for (let i = 0; i < 50; i++) await q.push(q.takeSeq(), bytes(i));
  t.is(q.stats().depth, 50);
  const first = await q.next(20);
  t.deepEqual(first.map((r) => r.seq), Array.from({ length: 20 }, (_v, i) => i + 1));
  t.is(first[7].data, bytes(7));
  for (const r of first.slice(0, 10)) await q.ack(r.seq);
  t.is(q.stats().depth, 40);
  // Reconnect: the unacknowledged ten are handed out again, then the rest.
  q.rewind();
  const again = await q.next(100);
  t.deepEqual(again.map((r) => r.seq), Array.from({ length: 40 }, (_v, i) => i + 11));
  await q.flush();
});

test("one record at a time, as a daemon sends them: push, next, ack, push, next", async (t) => {
  // Regression: next() caches the segment's lines; a push after that must land in the
  // cache at its own line, or the second report stays queued forever (seen on mipsel).
  const q = await Queue.open(host, tmp(t), { maxBytes: 1 << 20, maxCount: 1000 });
  for (let i = 0; i < 4; i++) {
    await q.push(q.takeSeq(), bytes(200 + i));
    const got = await q.next(8);
    t.deepEqual(got.map((r) => [r.seq, r.data]), [[i + 1, bytes(200 + i)]]);
    await q.ack(got[0].seq);
    t.is(q.stats().depth, 0);
  }
  await q.flush();
});

test("a restart resumes at the first unacknowledged record and never reuses a sequence number", async (t) => {
  const dir = tmp(t);
  let q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  for (let i = 0; i < 30; i++) await q.push(q.takeSeq(), bytes(100 + i));
  for (const r of await q.next(12)) await q.ack(r.seq);
  await q.flush();
  q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  t.is(q.stats().depth, 18);
  const rest = await q.next(100);
  t.is(rest[0].seq, 13);
  t.is(rest[0].data, bytes(112));
  for (const r of rest) await q.ack(r.seq);
  await q.flush();
  q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  t.is(q.stats().depth, 0);
  t.is(q.takeSeq(), 31);
});

test("a torn last record (power cut mid-write) is skipped and counted; appends start a new segment", async (t) => {
  const dir = tmp(t);
  let q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  for (let i = 0; i < 5; i++) await q.push(q.takeSeq(), bytes(10 + i));
  await q.flush();
  const seg = fs.readdirSync(dir).filter((n) => n.startsWith("seg-"))[0];
  const line = encodeRecord(6, bytes(99));
  fs.appendFileSync(path.join(dir, seg), line.slice(0, line.length - 9));
  // A line whose checksum does not match (a flipped byte) is refused too.
  q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  t.is(q.stats().corrupt, 1);
  t.is(q.stats().depth, 5);
  // The torn record never reached the broker (reports are published only once on disk),
  // so its number may be taken again.
  await q.push(q.takeSeq(), bytes(7));
  const all = await q.next(100);
  t.deepEqual(all.map((r) => r.seq), [1, 2, 3, 4, 5, 6]);
  t.is(all[5].data, bytes(7));
  t.true(fs.readdirSync(dir).filter((n) => n.startsWith("seg-")).length >= 2);
});

test("an altered record fails its checksum and is counted, not delivered", async (t) => {
  const dir = tmp(t);
  let q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  for (let i = 0; i < 3; i++) await q.push(q.takeSeq(), "report-" + i);
  await q.flush();
  const seg = path.join(dir, fs.readdirSync(dir).filter((n) => n.startsWith("seg-"))[0]);
  const lines = fs.readFileSync(seg, "utf8").split("\n");
  lines[1] = lines[1].slice(0, -2) + (lines[1].endsWith("A=") ? "B=" : "A=");
  fs.writeFileSync(seg, lines.join("\n"));
  q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 1000 });
  t.is(q.stats().corrupt, 1);
  t.deepEqual((await q.next(10)).map((r) => r.data), ["report-0", "report-2"]);
});

test("over its limits the queue drops the oldest and counts the drops", async (t) => {
  const dir = tmp(t);
  const q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 100, segmentBytes: 4096 });
  for (let i = 0; i < 250; i++) await q.push(q.takeSeq(), bytes(40));
  const st = q.stats();
  t.true(st.depth <= 100, `depth ${st.depth}`);
  t.is(st.depth + st.drops, 250);
  const out = await q.next(1000);
  t.is(out[out.length - 1].seq, 250);
  t.is(out[0].seq, 250 - st.depth + 1);
  // bytes limit
  const dir2 = tmp(t);
  const q2 = await Queue.open(host, dir2, { maxBytes: 16384, maxCount: 100000, segmentBytes: 4096 });
  for (let i = 0; i < 300; i++) await q2.push(q2.takeSeq(), bytes(200));
  t.true(q2.stats().bytes <= 16384, `bytes ${q2.stats().bytes}`);
  t.true(q2.stats().drops > 0);
  const onDisk = fs.readdirSync(dir2).filter((n) => n.startsWith("seg-")).reduce((a, n) => a + fs.statSync(path.join(dir2, n)).size, 0);
  t.true(onDisk <= 16384, `on disk ${onDisk}`);
});

test("acknowledged segments are deleted from disk", async (t) => {
  const dir = tmp(t);
  const q = await Queue.open(host, dir, { maxBytes: 1 << 20, maxCount: 100000, segmentBytes: 4096 });
  for (let i = 0; i < 200; i++) await q.push(q.takeSeq(), bytes(100));
  const before = fs.readdirSync(dir).filter((n) => n.startsWith("seg-")).length;
  t.true(before > 3);
  for (const r of await q.next(1000)) await q.ack(r.seq);
  const after = fs.readdirSync(dir).filter((n) => n.startsWith("seg-")).length;
  t.true(after <= 1, `${after} segments left`);
  t.is(q.stats().depth, 0);
});
