// What the daemon needs from the place reports wait for the broker: the contract every store
// keeps (tests/agent/store-suite.ts checks it on each store, on every runtime).
//   - takeSeq() hands out per-probe sequence numbers, never twice (a durable store: across
//     restarts too); push() of a higher seq than any taken moves nextSeq past it.
//   - next(max) hands out up to `max` records after those already handed out, in push order,
//     byte-exact; each stays until ack(seq). The head moves only over leading acknowledged
//     records, so a record acknowledged out of order waits for the ones before it.
//   - rewind() forgets what was handed out but not acknowledged: next() hands it out again.
//   - Bounded by bytes and count: over either limit the oldest records are dropped (in flight
//     or not) and counted in stats().drops. Bytes are counted as record lines
//     (record.ts's encodeRecord), so one limit means the same reports in every store.
//   - A durable store (`durable`) keeps records, head, nextSeq and the counters across a
//     restart, and skips and counts (stats().corrupt) a record torn by a power cut.
import { QueueRecord } from "./record";

export type { QueueRecord };

export interface QueueLimits {
  maxBytes: number;
  maxCount: number;
  /** Size at which the file store starts a new segment (default maxBytes / 16, at least 4 KiB). */
  segmentBytes?: number;
}

export interface QueueStats {
  /** Records waiting: pushed, not yet acknowledged or dropped. */
  depth: number;
  bytes: number;
  drops: number;
  corrupt: number;
  nextSeq: number;
}

export interface Store {
  /** Whether waiting reports survive a restart or a power cut. */
  readonly durable: boolean;
  stats(): QueueStats;
  /** Reserves the next per-probe sequence number. */
  takeSeq(): number;
  /** Adds a report; resolves once it is stored. ETOOBIG over record.ts's MAX_RECORD_BYTES. */
  push(seq: number, data: string): Promise<void>;
  next(max: number): Promise<QueueRecord[]>;
  /** The broker has the record (PUBACK). */
  ack(seq: number): Promise<void>;
  rewind(): void;
  /** Records handed out by next() and not yet acknowledged. */
  inFlight(): number;
  /** Writes pending state now (before exit) and cancels any pending timer. */
  flush(): Promise<void>;
}
