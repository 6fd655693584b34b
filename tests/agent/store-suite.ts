// The report store contract (core/agent/store.ts) as one portable suite, run against every
// store on every runtime: Node directly, QuickJS and Lua 5.1/LuaJIT through the entries
// store-suite-qjs.ts / store-suite-lua.ts (tests/agent/store-suite.test.ts builds and runs
// them). One line per case and store:
//   ok <store>.<case> <counts> | FAIL <store>.<case>: <why> | skip <store>.<case>: <why>
// Cases marked durable run only on a store whose `durable` is true (reopen, power cut);
// a store that is not durable prints a skip for them.
//
// Written in the portable subset (it is compiled to Lua): no regex, no bitwise operators,
// no String(number) (fmtNum), no `||`/`!` on strings or numbers, no closures over C-style
// for counters.
import { Host } from "../../core/host";
import { fsAppend, fsList } from "../../core/fs-async";
import { MemoryStore } from "../../core/agent/memory-store";
import { Queue } from "../../core/agent/queue";
import { MAX_RECORD_BYTES, QueueRecord, encodeRecord, recordBytes } from "../../core/agent/record";
import { QueueLimits, Store } from "../../core/agent/store";
import { ProbeError, asProbeError } from "../../core/util/errors";
import { fmtNum, mod } from "../../core/util/num";

export interface StoreKind {
  name: string;
  /** The store kept under `slot`: empty the first time; a durable store reopens what it kept. */
  open(slot: string, limits: QueueLimits): Promise<Store>;
  /** A power cut mid-append: the start of `line` (no newline) left at the end of the slot's storage. */
  tear?(slot: string, line: string): Promise<void>;
}

/** The file store (core/agent/queue.ts), one directory per slot under `dir`. */
export function fileKind(host: Host, dir: string): StoreKind {
  return {
    name: "file",
    open: (slot: string, limits: QueueLimits): Promise<Store> => Queue.open(host, dir + "/" + slot, limits),
    tear: async (slot: string, line: string): Promise<void> => {
      const names = await fsList(host, dir + "/" + slot);
      let last = "";
      for (const n of names) if (n.substring(0, 4) === "seg-" && n > last) last = n;
      if (last === "") throw new ProbeError("EFAIL", "no segment to tear in " + slot);
      await fsAppend(host, dir + "/" + slot + "/" + last, line);
    },
  };
}

export function memoryKind(): StoreKind {
  return { name: "memory", open: (_slot: string, limits: QueueLimits): Promise<Store> => Promise.resolve(new MemoryStore(limits)) };
}

interface Case {
  name: string;
  durableOnly: boolean;
  /** Resolves with the counts printed after "ok"; rejects with why it failed. */
  run: (kind: StoreKind, slot: string) => Promise<string>;
}

/** A case that never answers is a FAIL, not a hung suite. */
const CASE_LIMIT_MS = 60000;
const ROOMY: QueueLimits = { maxBytes: 4194304, maxCount: 100000 };

function expect(cond: boolean, why: string): void {
  if (!cond) throw new ProbeError("EFAIL", why);
}

function same(got: number, want: number, what: string): void {
  if (got !== want) throw new ProbeError("EFAIL", what + " is " + fmtNum(got) + ", expected " + fmtNum(want));
}

/** `n` bytes, every value in turn, shifted by `salt` so that records differ. */
function bytes(n: number, salt: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(String.fromCharCode(mod(i * 37 + n + salt, 256)));
  return parts.join("");
}

function allBytes(): string {
  const parts: string[] = [];
  for (let i = 0; i < 256; i++) parts.push(String.fromCharCode(i));
  return parts.join("");
}

/** Hands out everything waiting, `step` records at a time. */
async function drainAll(q: Store, step: number): Promise<QueueRecord[]> {
  const out: QueueRecord[] = [];
  for (let guard = 0; guard < 100000; guard++) {
    const got = await q.next(step);
    if (got.length === 0) return out;
    for (const r of got) out.push(r);
  }
  return out;
}

function seqs(rs: QueueRecord[]): string {
  const parts: string[] = [];
  for (const r of rs) parts.push(fmtNum(r.seq));
  return parts.join(",");
}

function range(from: number, to: number): string {
  const parts: string[] = [];
  for (let s = from; s <= to; s++) parts.push(fmtNum(s));
  return parts.join(",");
}

function sameSeqs(rs: QueueRecord[], from: number, to: number, what: string): void {
  const got = seqs(rs);
  const want = range(from, to);
  if (got !== want) throw new ProbeError("EFAIL", what + ": got seqs [" + short(got) + "], expected [" + short(want) + "]");
}

function short(s: string): string {
  return s.length > 120 ? s.substring(0, 120) + "..." : s;
}

async function fill(q: Store, n: number, size: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const seq = q.takeSeq();
    await q.push(seq, bytes(size, seq));
  }
}

function checkData(rs: QueueRecord[], size: number, what: string): void {
  for (const r of rs) if (r.data !== bytes(size, r.seq)) throw new ProbeError("EFAIL", what + ": record " + fmtNum(r.seq) + " came back altered");
}

/** The error code a promise rejects with, or "" when it resolves. */
function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "",
    (e) => asProbeError(e).code,
  );
}

const CASES: Case[] = [
  {
    name: "order",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      await fill(q, 300, 20);
      same(q.stats().depth, 300, "depth");
      const all = await drainAll(q, 7);
      sameSeqs(all, 1, 300, "handed out");
      checkData(all, 20, "order");
      same(q.inFlight(), 300, "inFlight");
      for (const r of all) await q.ack(r.seq);
      same(q.stats().depth, 0, "depth after acking all");
      await q.flush();
      return "pushed=300 read=" + fmtNum(all.length);
    },
  },
  {
    name: "bytes",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      const all = allBytes();
      const reversed = all.split("").reverse().join("");
      // A payload that looks like a record line, line ends, NULs: data is opaque to the store.
      const payloads: string[] = [all, "", reversed, "R 1 00000001 AAAA\nR 2", "\n", "\r\n\r\n\0\0\0", ""];
      for (let i = 0; i < 256; i++) payloads.push(String.fromCharCode(i));
      for (const p of payloads) await q.push(q.takeSeq(), p);
      same(q.stats().depth, payloads.length, "depth");
      const got = await drainAll(q, 50);
      same(got.length, payloads.length, "records read");
      for (let i = 0; i < got.length; i++) {
        if (got[i].data !== payloads[i]) throw new ProbeError("EFAIL", "record " + fmtNum(i + 1) + " of " + fmtNum(payloads[i].length) + " bytes came back as " + fmtNum(got[i].data.length) + " bytes, altered");
      }
      sameSeqs(got, 1, payloads.length, "handed out");
      await q.flush();
      return "records=" + fmtNum(got.length) + " empty=2 values=256";
    },
  },
  {
    name: "large",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      const seq = q.takeSeq();
      // The largest report a record can hold, then one base64 quantum more.
      let n = 3 * Math.floor((MAX_RECORD_BYTES - recordBytes(seq, 0)) / 4);
      while (recordBytes(seq, n + 1) <= MAX_RECORD_BYTES) n = n + 1;
      const block = allBytes();
      const parts: string[] = [];
      for (let have = 0; have < n; have = have + block.length) parts.push(block);
      const big = parts.join("").substring(0, n);
      same(encodeRecord(seq, big).length, recordBytes(seq, n), "recordBytes of " + fmtNum(n) + " bytes");
      await q.push(seq, big);
      const code = await codeOf(q.push(q.takeSeq(), big + "abcd"));
      if (code !== "ETOOBIG") throw new ProbeError("EFAIL", "a record over MAX_RECORD_BYTES was " + (code === "" ? "accepted" : "refused with " + code) + ", expected ETOOBIG");
      same(q.stats().depth, 1, "depth after the refused push");
      await q.push(q.takeSeq(), "after");
      const got = await drainAll(q, 10);
      same(got.length, 2, "records read");
      expect(got[0].data === big, "the large record came back altered (" + fmtNum(got[0].data.length) + " of " + fmtNum(n) + " bytes)");
      expect(got[1].data === "after", "the record after the large one came back altered");
      same(got[0].seq, seq, "seq of the large record");
      await q.flush();
      return "bytes=" + fmtNum(n) + " line=" + fmtNum(recordBytes(seq, n)) + " refused=ETOOBIG";
    },
  },
  {
    name: "ack",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      await fill(q, 10, 30);
      const first = await q.next(3);
      sameSeqs(first, 1, 3, "first next(3)");
      // Not handed out yet, and never pushed: acknowledging them changes nothing.
      await q.ack(5);
      await q.ack(999);
      same(q.stats().depth, 10, "depth after acks of records not in flight");
      const rest = await q.next(100);
      sameSeqs(rest, 4, 10, "the rest (5 among them)");
      // Out of order: 4 waits for 1..3.
      await q.ack(4);
      same(q.stats().depth, 10, "depth after acking 4 alone");
      same(q.inFlight(), 10, "inFlight after acking 4 alone");
      await q.ack(1);
      same(q.stats().depth, 9, "depth after acking 1");
      await q.ack(2);
      same(q.stats().depth, 8, "depth after acking 2");
      await q.ack(3);
      same(q.stats().depth, 6, "depth after acking 3 (4 was waiting)");
      same(q.inFlight(), 6, "inFlight after acking 1..4");
      await q.ack(3);
      same(q.stats().depth, 6, "depth after a second ack of 3");
      q.rewind();
      const again = await q.next(100);
      sameSeqs(again, 5, 10, "after rewind");
      checkData(again, 30, "after rewind");
      await q.flush();
      return "depth=" + fmtNum(q.stats().depth) + " inFlight=" + fmtNum(q.inFlight());
    },
  },
  {
    name: "rewind",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      await fill(q, 20, 10);
      const a = await q.next(8);
      for (const r of a.slice(0, 3)) await q.ack(r.seq);
      same(q.inFlight(), 5, "inFlight");
      q.rewind();
      same(q.inFlight(), 0, "inFlight after rewind");
      const b = await q.next(100);
      sameSeqs(b, 4, 20, "after the first rewind");
      // An acknowledgement out of order is forgotten by rewind: the record comes back.
      await q.ack(6);
      q.rewind();
      const c = await drainAll(q, 4);
      sameSeqs(c, 4, 20, "after the second rewind");
      checkData(c, 10, "after rewind");
      for (const r of c) await q.ack(r.seq);
      q.rewind();
      same((await q.next(10)).length, 0, "records after acking all and rewinding");
      same(q.stats().depth, 0, "depth");
      await q.flush();
      return "rewinds=3 depth=0";
    },
  },
  {
    name: "seq",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      same(q.stats().nextSeq, 1, "nextSeq of a new store");
      same(q.takeSeq(), 1, "first seq");
      same(q.takeSeq(), 2, "second seq");
      same(q.stats().nextSeq, 3, "nextSeq");
      await q.push(10, "ten");
      same(q.stats().nextSeq, 11, "nextSeq after pushing 10");
      await q.push(7, "seven");
      same(q.stats().nextSeq, 11, "nextSeq after pushing a lower seq");
      same(q.takeSeq(), 11, "seq after pushing 10");
      let last = 11;
      for (let i = 0; i < 50; i++) {
        const s = q.takeSeq();
        expect(s > last, "seq " + fmtNum(s) + " after " + fmtNum(last));
        last = s;
      }
      // Push order, not seq order.
      const got = await q.next(10);
      expect(seqs(got) === "10,7", "handed out [" + seqs(got) + "], expected [10,7]");
      await q.flush();
      return "last=" + fmtNum(last);
    },
  },
  {
    name: "limit-count",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, { maxBytes: 1048576, maxCount: 50, segmentBytes: 4096 });
      await fill(q, 250, 40);
      const st = q.stats();
      expect(st.depth <= 50, "depth " + fmtNum(st.depth) + " over maxCount 50");
      expect(st.depth > 0, "everything was dropped");
      same(st.depth + st.drops, 250, "depth + drops");
      const held = await q.next(10);
      same(held.length, 10, "handed out");
      // The records in flight are dropped too: their PUBACK changes nothing any more.
      await fill(q, 100, 40);
      same(q.inFlight(), 0, "inFlight after its records were dropped");
      for (const r of held) await q.ack(r.seq);
      const st2 = q.stats();
      same(st2.depth + st2.drops, 350, "depth + drops after acks of dropped records");
      const all = await drainAll(q, 1000);
      same(all.length, st2.depth, "records read");
      sameSeqs(all, 350 - st2.depth + 1, 350, "the newest survive");
      checkData(all, 40, "limit-count");
      await q.flush();
      return "pushed=350 depth=" + fmtNum(st2.depth) + " drops=" + fmtNum(st2.drops);
    },
  },
  {
    name: "limit-bytes",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, { maxBytes: 16384, maxCount: 100000, segmentBytes: 4096 });
      await fill(q, 300, 200);
      const st = q.stats();
      expect(st.bytes <= 16384, "bytes " + fmtNum(st.bytes) + " over maxBytes 16384");
      expect(st.drops > 0, "nothing dropped");
      same(st.depth + st.drops, 300, "depth + drops");
      const all = await drainAll(q, 1000);
      same(all.length, st.depth, "records read");
      sameSeqs(all, 300 - st.depth + 1, 300, "the newest survive");
      checkData(all, 200, "limit-bytes");
      let live = 0;
      for (const r of all) live = live + recordBytes(r.seq, r.data.length);
      expect(st.bytes >= live, "bytes " + fmtNum(st.bytes) + " below the " + fmtNum(live) + " of its records");
      await q.flush();
      return "pushed=300 depth=" + fmtNum(st.depth) + " drops=" + fmtNum(st.drops) + " bytes=" + fmtNum(st.bytes);
    },
  },
  {
    name: "stats",
    durableOnly: false,
    run: async (kind, slot) => {
      // A seeded random run of push/next/ack/rewind against a model of the contract.
      const q = await kind.open(slot, ROOMY);
      let x = 12345;
      const rand = (n: number): number => {
        x = mod(x * 16807, 2147483647);
        return mod(x, n);
      };
      const live: QueueRecord[] = [];
      const acked: boolean[] = [];
      let cur = 0;
      let ops = 0;
      for (let step = 0; step < 400; step++) {
        const r = rand(10);
        if (r < 4) {
          const seq = q.takeSeq();
          const data = bytes(rand(60), seq);
          await q.push(seq, data);
          live.push({ seq: seq, data: data });
          acked.push(false);
        } else if (r < 6) {
          const k = rand(5);
          const got = await q.next(k);
          const want = live.slice(cur, cur + k);
          if (seqs(got) !== seqs(want)) throw new ProbeError("EFAIL", "step " + fmtNum(step) + ": next(" + fmtNum(k) + ") gave [" + seqs(got) + "], expected [" + seqs(want) + "]");
          for (let i = 0; i < got.length; i++) expect(got[i].data === want[i].data, "step " + fmtNum(step) + ": record " + fmtNum(got[i].seq) + " altered");
          cur = cur + got.length;
        } else if (r < 8) {
          if (cur > 0) {
            const i = rand(cur);
            await q.ack(live[i].seq);
            acked[i] = true;
            while (cur > 0 && acked[0]) {
              live.shift();
              acked.shift();
              cur = cur - 1;
            }
          } else if (live.length > 0) await q.ack(live[rand(live.length)].seq);
        } else if (r < 9) {
          q.rewind();
          for (let i = 0; i < cur; i++) acked[i] = false;
          cur = 0;
        } else await q.ack(1000000);
        ops = ops + 1;
        const st = q.stats();
        const at = "step " + fmtNum(step) + ": ";
        same(st.depth, live.length, at + "depth");
        same(q.inFlight(), cur, at + "inFlight");
        same(st.drops, 0, at + "drops");
        same(st.corrupt, 0, at + "corrupt");
        let want = 0;
        for (const rec of live) want = want + recordBytes(rec.seq, rec.data.length);
        expect(st.bytes >= want, at + "bytes " + fmtNum(st.bytes) + " below the " + fmtNum(want) + " of its records");
        expect(st.nextSeq > (live.length > 0 ? live[live.length - 1].seq : 0), at + "nextSeq " + fmtNum(st.nextSeq) + " not past the last record");
      }
      await q.flush();
      return "ops=" + fmtNum(ops) + " depth=" + fmtNum(live.length) + " inFlight=" + fmtNum(cur);
    },
  },
  {
    name: "next-bounds",
    durableOnly: false,
    run: async (kind, slot) => {
      const q = await kind.open(slot, ROOMY);
      same((await q.next(5)).length, 0, "next(5) of an empty store");
      await fill(q, 10, 5);
      same((await q.next(0)).length, 0, "next(0)");
      same((await q.next(-1)).length, 0, "next(-1)");
      same(q.inFlight(), 0, "inFlight after next(0)");
      sameSeqs(await q.next(3), 1, 3, "next(3)");
      same(q.inFlight(), 3, "inFlight after next(3)");
      sameSeqs(await q.next(1), 4, 4, "next(1)");
      sameSeqs(await q.next(100), 5, 10, "next(100)");
      same((await q.next(5)).length, 0, "next(5) with everything handed out");
      await fill(q, 1, 5);
      sameSeqs(await q.next(5), 11, 11, "next(5) after one more push");
      same(q.inFlight(), 11, "inFlight");
      await q.flush();
      return "inFlight=11";
    },
  },
  {
    name: "reopen",
    durableOnly: true,
    run: async (kind, slot) => {
      const limits: QueueLimits = { maxBytes: 1048576, maxCount: 50, segmentBytes: 4096 };
      let q = await kind.open(slot, limits);
      await fill(q, 80, 25);
      const before = q.stats();
      const a = await q.next(10);
      for (const r of a.slice(0, 5)) await q.ack(r.seq);
      await q.flush();
      q = await kind.open(slot, limits);
      const st = q.stats();
      same(st.drops, before.drops, "drops after reopening");
      same(st.depth, before.depth - 5, "depth after reopening");
      same(st.nextSeq, 81, "nextSeq after reopening");
      same(q.inFlight(), 0, "inFlight after reopening");
      const all = await drainAll(q, 16);
      sameSeqs(all, 81 - st.depth, 80, "after reopening");
      checkData(all, 25, "after reopening");
      same(q.takeSeq(), 81, "seq after reopening");
      await q.flush();
      return "depth=" + fmtNum(st.depth) + " drops=" + fmtNum(st.drops) + " nextSeq=" + fmtNum(st.nextSeq);
    },
  },
  {
    name: "torn",
    durableOnly: true,
    run: async (kind, slot) => {
      const tear = kind.tear;
      if (tear === undefined) throw new ProbeError("EFAIL", "a durable store without a tear() to test it with");
      let q = await kind.open(slot, ROOMY);
      await fill(q, 5, 50);
      const corrupt = q.stats().corrupt;
      await q.flush();
      const line = encodeRecord(6, bytes(50, 6));
      await tear(slot, line.substring(0, line.length - 9));
      q = await kind.open(slot, ROOMY);
      const st = q.stats();
      same(st.corrupt, corrupt + 1, "corrupt after a torn last record");
      same(st.depth, 5, "depth after a torn last record");
      // The torn record never reached the broker: its number may be used again.
      await q.push(q.takeSeq(), bytes(50, 6));
      const all = await drainAll(q, 4);
      sameSeqs(all, 1, 6, "after a torn last record");
      checkData(all, 50, "after a torn last record");
      for (const r of all) await q.ack(r.seq);
      await q.flush();
      q = await kind.open(slot, ROOMY);
      same(q.stats().depth, 0, "depth after acking all and reopening");
      same((await q.next(10)).length, 0, "records after acking all and reopening");
      await q.flush();
      return "corrupt=" + fmtNum(st.corrupt) + " depth=" + fmtNum(st.depth);
    },
  },
  {
    name: "acked-gone",
    durableOnly: true,
    run: async (kind, slot) => {
      let q = await kind.open(slot, ROOMY);
      await fill(q, 20, 15);
      const a = await q.next(20);
      for (const r of a.slice(0, 12)) await q.ack(r.seq);
      // Acknowledged out of order: the head stops at 13, so 15 is sent again (at least once).
      await q.ack(15);
      await q.flush();
      q = await kind.open(slot, ROOMY);
      same(q.stats().depth, 8, "depth after reopening");
      const all = await drainAll(q, 3);
      sameSeqs(all, 13, 20, "after reopening");
      checkData(all, 15, "after reopening");
      same(q.takeSeq(), 21, "seq after reopening");
      await q.flush();
      return "acked=13 depth=8";
    },
  },
];

/** The case names, in the order they run, for a runner to expect. */
export function storeCaseNames(): { name: string; durableOnly: boolean }[] {
  const out: { name: string; durableOnly: boolean }[] = [];
  for (const c of CASES) out.push({ name: c.name, durableOnly: c.durableOnly });
  return out;
}

/** Runs every case on every store, one line each through `emit`, then `done`. */
export function runStoreSuite(host: Host, kinds: StoreKind[], emit: (line: string) => void, done: () => void): void {
  let k = 0;
  let i = 0;
  let durable = false;
  const step = (): void => {
    if (k >= kinds.length) {
      done();
      return;
    }
    const kind = kinds[k];
    if (i === 0) {
      // What the store says about itself decides which cases apply.
      kind.open("durable-probe", ROOMY).then(
        (q) => {
          durable = q.durable;
          q.flush().then(
            () => runCase(kind),
            () => runCase(kind),
          );
        },
        (e) => {
          emit("FAIL " + kind.name + ".open: " + asProbeError(e).message);
          k = k + 1;
          step();
        },
      );
      return;
    }
    runCase(kind);
  };
  const advance = (): void => {
    i = i + 1;
    if (i >= CASES.length) {
      i = 0;
      k = k + 1;
    }
    step();
  };
  const runCase = (kind: StoreKind): void => {
    const c = CASES[i];
    const name = kind.name + "." + c.name;
    if (c.durableOnly && !durable) {
      emit("skip " + name + ": not durable");
      advance();
      return;
    }
    let finished = false;
    const t0 = host.mono();
    const timer = host.setTimer(CASE_LIMIT_MS, () => {
      if (finished) return;
      finished = true;
      emit("FAIL " + name + ": no answer in " + fmtNum(CASE_LIMIT_MS) + " ms");
      advance();
    });
    c.run(kind, c.name).then(
      (counts) => {
        if (finished) return;
        finished = true;
        host.clearTimer(timer);
        emit("ok " + name + " " + counts + " ms=" + fmtNum(Math.floor(host.mono() - t0)));
        advance();
      },
      (e) => {
        if (finished) return;
        finished = true;
        host.clearTimer(timer);
        emit("FAIL " + name + ": " + asProbeError(e).message);
        advance();
      },
    );
  };
  step();
}
