// The durable report queue: RIPE Atlas's spool, made crash-safe. Reports wait on disk (flash
// or tmpfs), not in the heap, until the broker has acknowledged them (PUBACK); then, and
// only then, they are removed. Bounded in bytes and count: when full, the oldest reports are
// dropped and counted (the count is published in status), so a months-long outage costs old
// data, never the probe.
//
// Layout in the queue directory:
//   seg-<id>.q   append-only segments, one record a line:  R <seq> <adler32> <base64>\n
//   head.json    {"seg","index","nextSeq","drops","corrupt"} written atomically (tmp + rename)
// A record whose line is torn (no newline, bad checksum, bad base64) was being written when the
// power went: it is skipped and counted in `corrupt`. Appends never continue a torn segment.
import { Host } from "../host";
import { fsAppend, fsList, fsMkdir, fsRead, fsRemove, fsWriteAtomic } from "../fs-async";
import { adler32, base64Decode, base64Encode } from "../util/base64";
import { ProbeError, asProbeError } from "../util/errors";
import { isJsonObject, parseJson, writeJson } from "../util/json";
import { fmtNum, parseNatural } from "../util/num";

export interface QueueLimits {
  maxBytes: number;
  maxCount: number;
  /** Size at which a new segment starts (default maxBytes / 16, at least 4 KiB). */
  segmentBytes?: number;
}

export interface QueueRecord {
  seq: number;
  /** The report, a byte string. */
  data: string;
}

export interface QueueStats {
  depth: number;
  bytes: number;
  drops: number;
  corrupt: number;
  nextSeq: number;
}

interface Segment {
  id: number;
  bytes: number;
  /** Number of lines (valid or not) in the file. */
  lines: number;
  /** Highest sequence number in the segment. */
  maxSeq: number;
  /** Line index of each valid record (numbers only: payloads stay on disk). */
  at: number[];
  torn: boolean;
}

interface InFlight {
  seq: number;
  seg: number;
  line: number;
  acked: boolean;
}

/** Most a single record may weigh (a report is a few hundred bytes to a few KB). */
export const MAX_RECORD_BYTES = 262144;

function segName(id: number): string {
  let s = fmtNum(id);
  while (s.length < 10) s = "0" + s;
  return "seg-" + s + ".q";
}

function segId(name: string): number | undefined {
  if (name.length !== 16 || name.substring(0, 4) !== "seg-" || name.substring(14) !== ".q") return undefined;
  return parseNatural(name.substring(4, 14));
}

function hex8(n: number): string {
  const digits = "0123456789abcdef";
  let s = "";
  let v = n;
  for (let i = 0; i < 8; i++) {
    const d = v - Math.floor(v / 16) * 16;
    s = digits.charAt(d) + s;
    v = Math.floor(v / 16);
  }
  return s;
}

export function encodeRecord(seq: number, data: string): string {
  return "R " + fmtNum(seq) + " " + hex8(adler32(data)) + " " + base64Encode(data) + "\n";
}

/** A record line (without its newline), or undefined when it is torn or altered. */
export function decodeRecord(line: string): QueueRecord | undefined {
  const parts = line.split(" ");
  if (parts.length !== 4 || parts[0] !== "R") return undefined;
  const seq = parseNatural(parts[1]);
  if (seq === undefined) return undefined;
  let data: string;
  try {
    data = base64Decode(parts[3]);
  } catch (e) {
    return undefined;
  }
  if (hex8(adler32(data)) !== parts[2]) return undefined;
  return { seq: seq, data: data };
}

export class Queue {
  private segs: Segment[] = [];
  /** First unacknowledged record: segment id and line index. */
  private headSeg = 0;
  private headLine = 0;
  /** Next record to hand out for publishing. */
  private curSeg = 0;
  private curLine = 0;
  private inflight: InFlight[] = [];
  private nextSeq = 1;
  private drops = 0;
  private corrupt = 0;
  private headDirty = false;
  private headTimer = -1;
  private chain: Promise<unknown> = Promise.resolve(true);
  /** One parsed segment kept for draining (bounded by segmentBytes). */
  private cache: { id: number; lines: string[] } = { id: -1, lines: [] };
  private readonly segmentBytes: number;

  private constructor(private readonly host: Host, private readonly dir: string, private readonly limits: QueueLimits) {
    const s = limits.segmentBytes !== undefined ? limits.segmentBytes : Math.floor(limits.maxBytes / 16);
    this.segmentBytes = s < 4096 ? 4096 : s;
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
    let headSeq = -1;
    try {
      const h = parseJson(await fsRead(this.host, this.path("head.json"), 4096));
      if (isJsonObject(h)) {
        const num = (k: string): number => (typeof h[k] === "number" ? (h[k] as number) : 0);
        this.headSeg = num("seg");
        this.headLine = num("index");
        this.nextSeq = num("nextSeq") > 0 ? num("nextSeq") : 1;
        this.drops = num("drops");
        this.corrupt = num("corrupt");
        headSeq = 0;
      }
    } catch (e) {
      // No head yet (a new queue) or a torn one: start from the oldest segment.
      headSeq = -1;
    }
    let torn = 0;
    for (const id of ids) {
      const seg = await this.scan(id);
      if (seg === undefined) continue;
      this.segs.push(seg);
      if (seg.maxSeq + 1 > this.nextSeq) this.nextSeq = seg.maxSeq + 1;
      torn = torn + (seg.lines - seg.at.length);
    }
    if (headSeq < 0 || this.segs.length === 0 || this.headSeg < this.segs[0].id) {
      this.headSeg = this.segs.length > 0 ? this.segs[0].id : 0;
      this.headLine = 0;
    }
    // Torn lines are counted once per recovery of the segments that still hold them.
    if (torn > 0) {
      this.corrupt = this.corrupt + torn;
      this.host.log("warn", "queue: " + fmtNum(torn) + " torn record(s) skipped in " + this.dir);
    }
    this.curSeg = this.headSeg;
    this.curLine = this.headLine;
    await this.enforceLimits();
    await this.writeHead();
  }

  private async scan(id: number): Promise<Segment | undefined> {
    let text: string;
    try {
      text = await fsRead(this.host, this.path(segName(id)), this.segmentBytes + MAX_RECORD_BYTES * 2 + 1024);
    } catch (e) {
      this.host.log("warn", "queue: cannot read " + segName(id) + ": " + asProbeError(e).message);
      return undefined;
    }
    const lines = text.split("\n");
    const endsClean = text.length === 0 || text.substring(text.length - 1) === "\n";
    if (endsClean) lines.pop();
    const seg: Segment = { id: id, bytes: text.length, lines: lines.length, maxSeq: 0, at: [], torn: !endsClean };
    for (let i = 0; i < lines.length; i++) {
      if (!endsClean && i === lines.length - 1) continue;
      const r = decodeRecord(lines[i]);
      if (r !== undefined) {
        if (r.seq > seg.maxSeq) seg.maxSeq = r.seq;
        seg.at.push(i);
      }
    }
    return seg;
  }

  stats(): QueueStats {
    let depth = 0;
    let bytes = 0;
    for (const s of this.segs) {
      bytes = bytes + s.bytes;
      for (const line of s.at) if (s.id > this.headSeg || (s.id === this.headSeg && line >= this.headLine)) depth = depth + 1;
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
        const id = last !== undefined ? last.id + 1 : this.headSeg > 0 ? this.headSeg : 1;
        last = { id: id, bytes: 0, lines: 0, maxSeq: 0, at: [], torn: false };
        this.segs.push(last);
        if (this.segs.length === 1) {
          this.headSeg = id;
          this.headLine = 0;
          this.curSeg = id;
          this.curLine = 0;
        }
      }
      await fsAppend(this.host, this.path(segName(last.id)), line);
      if (seq > last.maxSeq) last.maxSeq = seq;
      last.at.push(last.lines);
      last.lines = last.lines + 1;
      last.bytes = last.bytes + line.length;
      if (this.cache.id === last.id) this.cache.lines.push(line.substring(0, line.length - 1));
      if (seq + 1 > this.nextSeq) this.nextSeq = seq + 1;
      await this.enforceLimits();
    });
  }

  private countFrom(seg: Segment): number {
    let n = 0;
    for (const line of seg.at) if (seg.id > this.headSeg || line >= this.headLine) n = n + 1;
    return n;
  }

  /** Drops the oldest records (whole segments, or the head of the only one) until within limits. */
  private async enforceLimits(): Promise<void> {
    for (let guard = 0; guard < 100000; guard++) {
      const st = this.stats();
      if (st.depth <= this.limits.maxCount && st.bytes <= this.limits.maxBytes) return;
      const first = this.segs[0];
      if (first === undefined) return;
      if (this.segs.length > 1) {
        this.drops = this.drops + this.countFrom(first);
        this.segs.shift();
        this.headSeg = this.segs[0].id;
        this.headLine = 0;
        this.forgetInflight(first.id);
        await this.writeHead();
        await fsRemove(this.host, this.path(segName(first.id)));
      } else {
        // One segment over the count limit: advance the head past the oldest records.
        let dropped = false;
        for (const line of first.at) {
          if (line >= this.headLine) {
            this.headLine = line + 1;
            this.drops = this.drops + 1;
            dropped = true;
            break;
          }
        }
        if (!dropped) return;
        this.forgetInflight(-1);
        this.headDirty = true;
      }
      if (this.curSeg < this.headSeg || (this.curSeg === this.headSeg && this.curLine < this.headLine)) {
        this.curSeg = this.headSeg;
        this.curLine = this.headLine;
      }
    }
  }

  private forgetInflight(seg: number): void {
    const keep: InFlight[] = [];
    for (const f of this.inflight) {
      if (seg >= 0 ? f.seg !== seg : f.seg > this.headSeg || f.line >= this.headLine) keep.push(f);
    }
    this.inflight = keep;
  }

  private async lineOf(seg: number, line: number): Promise<string> {
    if (this.cache.id !== seg) {
      const text = await fsRead(this.host, this.path(segName(seg)), this.segmentBytes + MAX_RECORD_BYTES * 2 + 1024);
      const lines = text.split("\n");
      // A clean segment ends with "\n": without dropping the empty piece after it, the next
      // push() would append its line one slot too far and that record would never be sent.
      if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      this.cache = { id: seg, lines: lines };
    }
    const l = this.cache.lines[line];
    return l !== undefined ? l : "";
  }

  /**
   * Up to `max` records after those already handed out, oldest first; each stays in the queue
   * until ack(seq). After a reconnect, rewind() hands the unacknowledged ones out again.
   */
  next(max: number): Promise<QueueRecord[]> {
    return this.serial(async () => {
      const out: QueueRecord[] = [];
      for (const seg of this.segs) {
        if (out.length >= max) break;
        if (seg.id < this.curSeg) continue;
        for (let k = 0; k < seg.at.length && out.length < max; k++) {
          const line = seg.at[k];
          if (seg.id === this.curSeg && line < this.curLine) continue;
          const r = decodeRecord(await this.lineOf(seg.id, line));
          if (r !== undefined) {
            out.push(r);
            this.inflight.push({ seq: r.seq, seg: seg.id, line: line, acked: false });
          }
          this.curSeg = seg.id;
          this.curLine = line + 1;
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
        this.headSeg = f.seg;
        this.headLine = f.line + 1;
        moved = true;
      }
      if (!moved) return;
      this.headDirty = true;
      // Segments wholly acknowledged are deleted, after the head that skips them is on disk.
      const gone: number[] = [];
      while (this.segs.length > 0) {
        const s = this.segs[0];
        const lastLine = s.at.length > 0 ? s.at[s.at.length - 1] : -1;
        const behind = s.id < this.headSeg || (s.id === this.headSeg && lastLine < this.headLine);
        const isLast = this.segs.length === 1;
        if (!behind || (isLast && !s.torn && s.bytes < this.segmentBytes)) break;
        gone.push(s.id);
        this.segs.shift();
      }
      if (gone.length > 0) {
        if (this.segs.length > 0 && this.headSeg < this.segs[0].id) {
          this.headSeg = this.segs[0].id;
          this.headLine = 0;
        }
        await this.writeHead();
        for (const id of gone) await fsRemove(this.host, this.path(segName(id)));
      } else this.scheduleHead();
    });
  }

  /** Forget what was handed out but not acknowledged (the connection dropped). */
  rewind(): void {
    this.inflight = [];
    this.curSeg = this.headSeg;
    this.curLine = this.headLine;
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
    const doc = { seg: this.headSeg, index: this.headLine, nextSeq: this.nextSeq, drops: this.drops, corrupt: this.corrupt };
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
