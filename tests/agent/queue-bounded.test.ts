// The queue keeps reports on disk, not in the heap: segment files are read in bounded
// chunks (never whole), records longer than a chunk are gathered across chunks, positions
// stay exact past a corrupted non-ASCII byte, and a restart finds the head by line index.
import test from "ava";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHost } from "../../targets/node/host.ts";
import { Queue, decodeRecord, encodeRecord } from "../../core/agent/queue.ts";
import { recordSeq } from "../../core/agent/record.ts";
import { CHUNK_BYTES } from "../../core/agent/line-reader.ts";
import type { Host } from "../../core/host.ts";

function tmp(t: { teardown(f: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "mp-queue-bounded-"));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const bytes = (n: number, salt = 0) => Array.from({ length: n }, (_v, i) => String.fromCharCode((i * 37 + n + salt) % 256)).join("");

/** The real Node host, its file reads watched: the largest single read of a queue file. */
function watchedHost(): { host: Host; largest: () => number; wholeReads: () => number } {
  const host = createHost({ probeId: "queue-bounded-test", logLevel: "error" });
  let largest = 0;
  let whole = 0;
  const rr = host.fs.readRange!;
  const read = host.fs.read;
  host.fs = {
    ...host.fs,
    readRange: (p, offset, max, cb) => rr(p, offset, max, (e, v) => {
      if (v !== undefined && v.length > largest) largest = v.length;
      cb(e, v);
    }),
    read: (p, cb, max) => read(p, (e, v) => {
      if (p.includes("seg-")) whole++;
      cb(e, v);
    }, max),
  };
  return { host, largest: () => largest, wholeReads: () => whole };
}

test("10,000 queued reports: recovery and draining read chunks, never a whole segment", async (t) => {
  const dir = tmp(t);
  const w = watchedHost();
  const limits = { maxBytes: 16 << 20, maxCount: 20000 };
  let q = await Queue.open(w.host, dir, limits);
  for (let i = 0; i < 10000; i++) await q.push(q.takeSeq(), bytes(600, i));
  await q.flush();
  const seg = fs.readdirSync(dir).filter((n) => n.startsWith("seg-")).map((n) => fs.statSync(path.join(dir, n)).size);
  t.true(Math.max(...seg) > 4 * CHUNK_BYTES, `segments of ${Math.max(...seg)} bytes`);
  q = await Queue.open(w.host, dir, limits);
  t.is(q.stats().depth, 10000);
  let n = 0;
  let expect = 1;
  for (let round = 0; round < 20000 && n < 10000; round++) {
    const got = await q.next(8);
    for (const r of got) {
      t.is(r.seq, expect, "in order");
      if (r.seq !== expect) return;
      if (r.seq % 997 === 0) t.is(r.data, bytes(600, r.seq - 1));
      expect++;
      n++;
      await q.ack(r.seq);
    }
  }
  t.is(n, 10000);
  t.is(q.stats().depth, 0);
  t.is(w.wholeReads(), 0, "no segment read whole");
  t.true(w.largest() <= CHUNK_BYTES, `largest read ${w.largest()} bytes`);
  await q.flush();
});

test("a record longer than a chunk comes out whole, before and after a restart", async (t) => {
  const dir = tmp(t);
  const host = createHost({ probeId: "queue-bounded-test", logLevel: "error" });
  const limits = { maxBytes: 8 << 20, maxCount: 1000 };
  let q = await Queue.open(host, dir, limits);
  const sizes = [10, CHUNK_BYTES * 2 + 7, 20, CHUNK_BYTES - 30, 5, 100000, 3];
  for (const [i, s] of sizes.entries()) await q.push(q.takeSeq(), bytes(s, i));
  const first = await q.next(3);
  t.deepEqual(first.map((r) => r.data.length), sizes.slice(0, 3));
  t.is(first[1].data, bytes(sizes[1], 1));
  for (const r of first) await q.ack(r.seq);
  await q.flush();
  q = await Queue.open(host, dir, limits);
  t.is(q.stats().depth, 4);
  const rest = await q.next(100);
  t.deepEqual(rest.map((r) => r.seq), [4, 5, 6, 7]);
  t.deepEqual(rest.map((r) => r.data), sizes.slice(3).map((s, i) => bytes(s, i + 3)));
});

test("a non-ASCII byte in a record (flash bit flip) costs that record only; positions after it stay exact", async (t) => {
  const dir = tmp(t);
  const host = createHost({ probeId: "queue-bounded-test", logLevel: "error" });
  const limits = { maxBytes: 8 << 20, maxCount: 100000 };
  let q = await Queue.open(host, dir, limits);
  for (let i = 0; i < 200; i++) await q.push(q.takeSeq(), bytes(300, i));
  await q.flush();
  const segPath = path.join(dir, fs.readdirSync(dir).filter((n) => n.startsWith("seg-"))[0]);
  const buf = fs.readFileSync(segPath);
  // Record 3: a valid three-byte and a valid two-byte UTF-8 sequence where base64 was:
  // decoded as text the line is 3 characters shorter than its bytes.
  const start = buf.indexOf(encodeRecord(3, bytes(300, 2)).slice(0, 10));
  t.true(start > 0);
  buf.set([0xe2, 0x82, 0xac], start + 20);
  buf.set([0xc3, 0xa9], start + 30);
  t.is(buf.subarray(start, buf.indexOf(10, start)).toString("utf8").length, buf.indexOf(10, start) - start - 3);
  fs.writeFileSync(segPath, buf);
  q = await Queue.open(host, dir, limits);
  t.is(q.stats().corrupt, 1);
  t.is(q.stats().depth, 199);
  const got = await q.next(150);
  t.deepEqual(got.map((r) => r.seq), [1, 2, ...Array.from({ length: 148 }, (_v, i) => i + 4)]);
  t.true(got.every((r) => r.data === bytes(300, r.seq - 1)));
  for (const r of got.slice(0, 120)) await q.ack(r.seq);
  await q.flush();
  // The head (line 122) is found again by counting lines, past the altered one.
  q = await Queue.open(host, dir, limits);
  t.is(q.stats().depth, 199 - 120);
  const rest = await q.next(1000);
  t.deepEqual(rest.map((r) => r.seq), Array.from({ length: 79 }, (_v, i) => i + 122));
  t.true(rest.every((r) => r.data === bytes(300, r.seq - 1)));
});

test("dropping the oldest of a single segment reads one record, not the segment", async (t) => {
  const dir = tmp(t);
  const w = watchedHost();
  const q = await Queue.open(w.host, dir, { maxBytes: 64 << 20, maxCount: 50 });
  for (let i = 0; i < 500; i++) await q.push(q.takeSeq(), bytes(200, i));
  const st = q.stats();
  t.is(st.depth, 50);
  t.is(st.drops, 450);
  const out = await q.next(1000);
  t.deepEqual(out.map((r) => r.seq), Array.from({ length: 50 }, (_v, i) => i + 451));
  t.is(w.wholeReads(), 0);
  t.true(w.largest() <= CHUNK_BYTES);
});

test("recordSeq accepts exactly the lines decodeRecord accepts, with the same seq", (t) => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const alphabet = "R =AZaz09+/x\n\u00e9 ";
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    let line = encodeRecord(rnd(1e6), bytes(rnd(40), i)).slice(0, -1);
    // Most lines get one to three edits: a changed, dropped or inserted character.
    for (let e = rnd(4); e > 0; e--) {
      const at = rnd(line.length + 1);
      const c = alphabet[rnd(alphabet.length)];
      const kind = rnd(3);
      line = kind === 0 ? line.slice(0, at) + c + line.slice(at + 1) : kind === 1 ? line.slice(0, at) + line.slice(at + 1) : line.slice(0, at) + c + line.slice(at);
    }
    const want = decodeRecord(line)?.seq;
    if (recordSeq(line) !== want) {
      t.fail(`${JSON.stringify(line)}: recordSeq ${recordSeq(line)}, decodeRecord ${want}`);
      return;
    }
    if (want !== undefined) accepted++;
  }
  t.true(accepted > 800 && accepted < 3600, `${accepted} accepted`);
  t.log(`${accepted} of 4000 lines accepted by both`);
});
