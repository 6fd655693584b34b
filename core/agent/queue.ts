// The durable report store (the daemon's default; the contract is core/agent/store.ts, and
// memory-store.ts is the store for a device with nowhere to write): RIPE Atlas's spool, made
// crash-safe. Reports wait on disk (flash or tmpfs), not in the heap, until the broker has
// acknowledged them (PUBACK); then, and only then, they are removed. Bounded in bytes and
// count: when full, the oldest reports are dropped and counted (the count is published in
// status), so a months-long outage costs old data, never the probe.
//
// Layout in the queue directory:
//   seg-<id>.q   append-only segments, one record a line:  R <seq> <adler32> <base64>\n
//   head.json    {"seg","index","nextSeq","drops","corrupt"} written atomically (tmp + rename)
// A record whose line is torn (no newline, bad checksum, bad base64) was being written when the
// power went: it is skipped and counted in `corrupt`. Appends never continue a torn segment.
//
// Memory does not grow with the queue: per segment a few numbers (size, live records,
// highest seq), positions as numbers, at most `window` records in flight, and one chunk of
// one segment file (LineReader) at a time.
import { Host } from "../host";
import { fsAppend, fsList, fsMkdir, fsRead, fsRemove, fsStat, fsWriteAtomic } from "../fs-async";
import { ProbeError, asProbeError } from "../util/errors";
import { isJsonObject, parseJson, writeJson } from "../util/json";
import { fmtNum, parseNatural } from "../util/num";
import { LinePos, LineReader } from "./line-reader";
import { MAX_RECORD_BYTES, QueueRecord, decodeRecord, encodeRecord, recordSeq } from "./record";
import { QueueLimits, QueueStats, Store } from "./store";

export { MAX_RECORD_BYTES, decodeRecord, encodeRecord };
export type { QueueLimits, QueueRecord, QueueStats };

interface Segment {
  id: number;
  /** Size of the file on disk. */
  bytes: number;
  /** Valid records not yet behind the head (the segment's share of the depth). */
  live: number;
  /** Highest sequence number in the segment. */
  maxSeq: number;
  torn: boolean;
}

/** A place between two lines: before line `line` of segment `seg`, found at `pos`. */
interface Cursor {
  seg: number;
  line: number;
  pos: LinePos;
}

interface InFlight {
  seq: number;
  /** Just after the record: where the head moves once it is acknowledged. */
  after: Cursor;
  acked: boolean;
}

function segName(id: number): string {
  let s = fmtNum(id);
  while (s.length < 10) s = "0" + s;
  return "seg-" + s + ".q";
}

function segId(name: string): number | undefined {
  if (name.length !== 16 || name.substring(0, 4) !== "seg-" || name.substring(14) !== ".q") return undefined;
  return parseNatural(name.substring(4, 14));
}

function startOf(seg: number): Cursor {
  return { seg: seg, line: 0, pos: { at: 0, skip: 0 } };
}

function before(a: Cursor, b: Cursor): boolean {
  return a.seg < b.seg || (a.seg === b.seg && a.line < b.line);
}

export class Queue implements Store {
  readonly durable = true;
  private segs: Segment[] = [];
  /** First unacknowledged record. */
  private head: Cursor = startOf(0);
  /** Next record to hand out for publishing. */
  private cur: Cursor = startOf(0);
  private inflight: InFlight[] = [];
  /** Bumped by rewind(): a next() that spans it hands nothing out. */
  private epoch = 0;
  private nextSeq = 1;
  private drops = 0;
  private corrupt = 0;
  private headDirty = false;
  private headTimer = -1;
  private chain: Promise<unknown> = Promise.resolve(true);
  private readonly reader: LineReader;
  private readonly segmentBytes: number;

  private constructor(private readonly host: Host, private readonly dir: string, private readonly limits: QueueLimits) {
    const s = limits.segmentBytes !== undefined ? limits.segmentBytes : Math.floor(limits.maxBytes / 16);
    this.segmentBytes = s < 4096 ? 4096 : s;
    this.reader = new LineReader(host);
  }

  /** Opens (creating) the queue directory and recovers its state after any crash. */
  static async open(host: Host, dir: string, limits: QueueLimits): Promise<Queue> {
    const q = new Queue(host, dir, limits);
    await q.recover();
    return q;
  }

  private path(name: string): string {
    return this.dir + "/" + name;
  }

  private segment(id: number): Segment | undefined {
    for (const s of this.segs) if (s.id === id) return s;
    return undefined;
  }

  /** Runs disk operations one at a time, in order: appends and head writes never interleave. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.chain.then(f, f);
    this.chain = p.then(
      () => true,
      () => true,
    );
    return p;
  }

  private async recover(): Promise<void> {
    await fsMkdir(this.host, this.dir);
    const names = await fsList(this.host, this.dir);
    const ids: number[] = [];
    for (const n of names) {
      const id = segId(n);
      if (id !== undefined) ids.push(id);
    }
    ids.sort((a, b) => a - b);
    let known = false;
    let headSeg = 0;
    let headLine = 0;
    try {
      const h = parseJson(await fsRead(this.host, this.path("head.json"), 4096));
      if (isJsonObject(h)) {
        const num = (k: string): number => (typeof h[k] === "number" ? (h[k] as number) : 0);
        headSeg = num("seg");
        headLine = num("index");
        this.nextSeq = num("nextSeq") > 0 ? num("nextSeq") : 1;
        this.drops = num("drops");
        this.corrupt = num("corrupt");
        known = true;
      }
    } catch (e) {
      // No head yet (a new queue) or a torn one: start from the oldest segment.
      known = false;
    }
    if (!known || ids.length === 0 || headSeg < ids[0]) {
      headSeg = ids.length > 0 ? ids[0] : 0;
      headLine = 0;
    }
    this.head = startOf(headSeg);
    let torn = 0;
    for (const id of ids) {
      const r = await this.scan(id, headSeg, headLine);
      if (r === undefined) continue;
      this.segs.push(r.seg);
      if (r.seg.maxSeq + 1 > this.nextSeq) this.nextSeq = r.seg.maxSeq + 1;
      torn = torn + r.bad;
      if (id === headSeg) this.head = r.head;
    }
    if (this.segs.length === 0 || this.head.seg < this.segs[0].id) this.head = startOf(this.segs.length > 0 ? this.segs[0].id : 0);
    // Torn lines are counted once per recovery of the segments that still hold them.
    if (torn > 0) {
      this.corrupt = this.corrupt + torn;
      this.host.log("warn", "queue: " + fmtNum(torn) + " torn record(s) skipped in " + this.dir);
    }
    this.cur = this.head;
    await this.enforceLimits();
    await this.writeHead();
  }

  /**
   * One segment read through once: its size, valid records (those from the head's line on
   * count as live), highest seq, lines that are not records, and where the head line starts.
   */
  private async scan(id: number, headSeg: number, headLine: number): Promise<{ seg: Segment; bad: number; head: Cursor } | undefined> {
    const path = this.path(segName(id));
    const st = await fsStat(this.host, path);
    if (st === undefined) {
      this.host.log("warn", "queue: cannot read " + segName(id));
      return undefined;
    }
    const seg: Segment = { id: id, bytes: st.size, live: 0, maxSeq: 0, torn: false };
    let bad = 0;
    let cur = startOf(id);
    let head = id === headSeg && headLine === 0 ? cur : undefined;
    try {
      for (;;) {
        const l = await this.reader.line(id, path, seg.bytes, cur.pos);
        if (l === "end") break;
        if (l === "torn") {
          seg.torn = true;
          bad = bad + 1;
          break;
        }
        const seq = recordSeq(l.text);
        if (seq !== undefined) {
          if (seq > seg.maxSeq) seg.maxSeq = seq;
          if (id > headSeg || (id === headSeg && cur.line >= headLine)) seg.live = seg.live + 1;
        } else bad = bad + 1;
        cur = { seg: id, line: cur.line + 1, pos: l.next };
        if (id === headSeg && cur.line === headLine) head = cur;
      }
    } catch (e) {
      this.reader.forget(id);
      this.host.log("warn", "queue: cannot read " + segName(id) + ": " + asProbeError(e).message);
      return undefined;
    }
    // A head past the last line (the file lost its tail) stands at the end.
    return { seg: seg, bad: bad, head: head !== undefined ? head : cur };
  }

  stats(): QueueStats {
    let depth = 0;
    let bytes = 0;
    for (const s of this.segs) {
      bytes = bytes + s.bytes;
      depth = depth + s.live;
    }
    return { depth: depth, bytes: bytes, drops: this.drops, corrupt: this.corrupt, nextSeq: this.nextSeq };
  }

  /** Reserves the next per-probe sequence number (monotonic across restarts). */
  takeSeq(): number {
    const s = this.nextSeq;
    this.nextSeq = s + 1;
    this.headDirty = true;
    return s;
  }

  /** Appends a report; resolves once it is on disk. */
  push(seq: number, data: string): Promise<void> {
    return this.serial(async () => {
      const line = encodeRecord(seq, data);
      if (line.length > MAX_RECORD_BYTES) throw new ProbeError("ETOOBIG", "report of " + fmtNum(data.length) + " bytes is over the queue's record limit");
      let last = this.segs.length > 0 ? this.segs[this.segs.length - 1] : undefined;
      if (last === undefined || last.torn || last.bytes + line.length > this.segmentBytes) {
        const id = last !== undefined ? last.id + 1 : this.head.seg > 0 ? this.head.seg : 1;
        last = { id: id, bytes: 0, live: 0, maxSeq: 0, torn: false };
        this.reader.forget(id);
        this.segs.push(last);
        if (this.segs.length === 1) {
          this.head = startOf(id);
          this.cur = this.head;
        }
      }
      await fsAppend(this.host, this.path(segName(last.id)), line);
      if (seq > last.maxSeq) last.maxSeq = seq;
      last.live = last.live + 1;
      last.bytes = last.bytes + line.length;
      if (seq + 1 > this.nextSeq) this.nextSeq = seq + 1;
      await this.enforceLimits();
    });
  }

  /** Drops the oldest records (whole segments, or the head of the only one) until within limits. */
  private async enforceLimits(): Promise<void> {
    for (let guard = 0; guard < 100000; guard++) {
      const st = this.stats();
      if (st.depth <= this.limits.maxCount && st.bytes <= this.limits.maxBytes) return;
      const first = this.segs[0];
      if (first === undefined) return;
      if (this.segs.length > 1) {
        this.drops = this.drops + first.live;
        this.segs.shift();
        this.head = startOf(this.segs[0].id);
        this.forgetInflight();
        await this.writeHead();
        await fsRemove(this.host, this.path(segName(first.id)));
        this.reader.forget(first.id);
      } else {
        // One segment over the count limit: advance the head past the oldest record.
        if (!(await this.dropOldest(first))) return;
        this.forgetInflight();
        this.headDirty = true;
      }
      if (before(this.cur, this.head)) this.cur = this.head;
    }
  }

  /** Moves the head past the next valid record of `seg` (and any broken lines before it). */
  private async dropOldest(seg: Segment): Promise<boolean> {
    if (this.head.seg !== seg.id || seg.live === 0) return false;
    const path = this.path(segName(seg.id));
    let at = this.head;
    for (;;) {
      const l = await this.reader.line(seg.id, path, seg.bytes, at.pos);
      if (typeof l === "string") return false;
      at = { seg: seg.id, line: at.line + 1, pos: l.next };
      if (recordSeq(l.text) !== undefined) {
        this.head = at;
        seg.live = seg.live - 1;
        this.drops = this.drops + 1;
        return true;
      }
    }
  }

  /** In-flight records the head has passed were dropped: their PUBACK changes nothing now. */
  private forgetInflight(): void {
    const keep: InFlight[] = [];
    for (const f of this.inflight) if (before(this.head, f.after)) keep.push(f);
    this.inflight = keep;
  }

  /**
   * Up to `max` records after those already handed out, oldest first; each stays in the queue
   * until ack(seq). After a reconnect, rewind() hands the unacknowledged ones out again.
   */
  next(max: number): Promise<QueueRecord[]> {
    return this.serial(async () => {
      const out: QueueRecord[] = [];
      const epoch = this.epoch;
      for (const seg of this.segs) {
        if (out.length >= max) break;
        if (seg.id < this.cur.seg) continue;
        if (seg.id > this.cur.seg) this.cur = startOf(seg.id);
        const path = this.path(segName(seg.id));
        while (out.length < max) {
          const l = await this.reader.line(seg.id, path, seg.bytes, this.cur.pos);
          // rewind() ran meanwhile: what was read here is handed out again from the head.
          if (this.epoch !== epoch) return [];
          if (typeof l === "string") break;
          const after: Cursor = { seg: seg.id, line: this.cur.line + 1, pos: l.next };
          const r = decodeRecord(l.text);
          if (r !== undefined) {
            out.push(r);
            this.inflight.push({ seq: r.seq, after: after, acked: false });
          }
          this.cur = after;
        }
      }
      return out;
    });
  }

  /** The broker has the record: advance the head over every leading acknowledged record. */
  ack(seq: number): Promise<void> {
    return this.serial(async () => {
      for (const f of this.inflight) if (f.seq === seq) f.acked = true;
      let moved = false;
      while (this.inflight.length > 0 && this.inflight[0].acked) {
        const f = this.inflight.shift() as InFlight;
        const seg = this.segment(f.after.seg);
        if (seg !== undefined) seg.live = seg.live - 1;
        this.head = f.after;
        moved = true;
      }
      if (!moved) return;
      this.headDirty = true;
      // Segments wholly acknowledged are deleted, after the head that skips them is on disk.
      const gone: number[] = [];
      while (this.segs.length > 0) {
        const s = this.segs[0];
        const behind = s.id < this.head.seg || (s.id === this.head.seg && s.live === 0);
        const isLast = this.segs.length === 1;
        if (!behind || (isLast && !s.torn && s.bytes < this.segmentBytes)) break;
        gone.push(s.id);
        this.segs.shift();
      }
      if (gone.length > 0) {
        if (this.segs.length > 0 && this.head.seg < this.segs[0].id) this.head = startOf(this.segs[0].id);
        await this.writeHead();
        for (const id of gone) {
          await fsRemove(this.host, this.path(segName(id)));
          this.reader.forget(id);
        }
      } else this.scheduleHead();
    });
  }

  /** Forget what was handed out but not acknowledged (the connection dropped). */
  rewind(): void {
    this.inflight = [];
    this.cur = this.head;
    this.epoch = this.epoch + 1;
  }

  inFlight(): number {
    return this.inflight.length;
  }

  private scheduleHead(): void {
    if (this.headTimer !== -1) return;
    // Acks come in bursts: one head write a second spares the flash.
    this.headTimer = this.host.setTimer(1000, () => {
      this.headTimer = -1;
      this.serial(() => this.writeHead()).then(
        () => undefined,
        (e) => this.host.log("warn", "queue: head write failed: " + asProbeError(e).message),
      );
    });
  }

  private async writeHead(): Promise<void> {
    this.headDirty = false;
    const doc = { seg: this.head.seg, index: this.head.line, nextSeq: this.nextSeq, drops: this.drops, corrupt: this.corrupt };
    await fsWriteAtomic(this.host, this.path("head.json"), writeJson(doc) + "\n");
  }

  /** Writes pending state (head, sequence) now: before exit. */
  flush(): Promise<void> {
    if (this.headTimer !== -1) {
      this.host.clearTimer(this.headTimer);
      this.headTimer = -1;
    }
    return this.serial(() => this.writeHead());
  }

  dirty(): boolean {
    return this.headDirty;
  }
}
