// The report store for a device with nowhere to write (read-only root, no room on tmpfs):
// the contract of core/agent/store.ts kept in RAM. NOT DURABLE: a restart, a crash or a power
// cut loses every waiting report. The collector stores a report once per (probe, seq) and
// drops any later one with the same number, so numbers must not start again at 1 after a
// restart: the daemon starts them at the wall clock in ms, above the last run's as long as
// the clock moved on by more than the reports that run sent (a router without a real-time
// clock must have its time from NTP before the agent starts, or reports may collide).
// Chosen with "queueStore": "memory"; the daemon says so in its start log and in status
// (queueDurable: false).
//
// Same limits as the file store, counted the same way (bytes of record lines, record.ts), so
// memory holds at most about maxBytes * 3/4 of reports: the oldest are dropped and counted.
import { ProbeError } from "../util/errors";
import { fmtNum } from "../util/num";
import { MAX_RECORD_BYTES, QueueRecord, recordBytes } from "./record";
import { QueueLimits, QueueStats, Store } from "./store";

interface Held {
  seq: number;
  data: string;
  bytes: number;
  acked: boolean;
}

/** Records behind the head kept before the array is compacted (their data is released at once). */
const COMPACT_AFTER = 256;

export class MemoryStore implements Store {
  readonly durable = false;
  /** recs[head] is the first unacknowledged record; recs[head..cur) are in flight. */
  private recs: Held[] = [];
  private head = 0;
  private cur = 0;
  private bytes = 0;
  private nextSeq = 1;
  private drops = 0;

  /** `firstSeq`: the first number takeSeq() hands out (default 1). */
  constructor(private readonly limits: QueueLimits, firstSeq?: number) {
    if (firstSeq !== undefined && firstSeq > 1) this.nextSeq = Math.floor(firstSeq);
  }

  stats(): QueueStats {
    return { depth: this.recs.length - this.head, bytes: this.bytes, drops: this.drops, corrupt: 0, nextSeq: this.nextSeq };
  }

  takeSeq(): number {
    const s = this.nextSeq;
    this.nextSeq = s + 1;
    return s;
  }

  push(seq: number, data: string): Promise<void> {
    const bytes = recordBytes(seq, data.length);
    if (bytes > MAX_RECORD_BYTES) return Promise.reject(new ProbeError("ETOOBIG", "report of " + fmtNum(data.length) + " bytes is over the queue's record limit"));
    this.recs.push({ seq: seq, data: data, bytes: bytes, acked: false });
    this.bytes = this.bytes + bytes;
    if (seq + 1 > this.nextSeq) this.nextSeq = seq + 1;
    while (this.head < this.recs.length && (this.recs.length - this.head > this.limits.maxCount || this.bytes > this.limits.maxBytes)) {
      this.release();
      this.drops = this.drops + 1;
    }
    if (this.cur < this.head) this.cur = this.head;
    this.compact();
    return Promise.resolve();
  }

  /** Moves the head past its record and lets go of the report. */
  private release(): void {
    const r = this.recs[this.head];
    this.bytes = this.bytes - r.bytes;
    r.data = "";
    this.head = this.head + 1;
  }

  private compact(): void {
    if (this.head < COMPACT_AFTER || this.head * 2 < this.recs.length) return;
    this.recs = this.recs.slice(this.head);
    this.cur = this.cur - this.head;
    this.head = 0;
  }

  next(max: number): Promise<QueueRecord[]> {
    const out: QueueRecord[] = [];
    while (out.length < max && this.cur < this.recs.length) {
      const r = this.recs[this.cur];
      out.push({ seq: r.seq, data: r.data });
      this.cur = this.cur + 1;
    }
    return Promise.resolve(out);
  }

  ack(seq: number): Promise<void> {
    for (let i = this.head; i < this.cur; i++) if (this.recs[i].seq === seq) this.recs[i].acked = true;
    while (this.head < this.cur && this.recs[this.head].acked) this.release();
    this.compact();
    return Promise.resolve();
  }

  rewind(): void {
    // An acknowledgement that arrived out of order is forgotten with the rest, as in the file store.
    for (let i = this.head; i < this.cur; i++) this.recs[i].acked = false;
    this.cur = this.head;
  }

  inFlight(): number {
    return this.cur - this.head;
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
