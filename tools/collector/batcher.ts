// Group commit: reports that arrive while transactions are in flight wait and go into the
// next one together, so the batch grows with the load and a lone report is not delayed.
// Up to `inFlight` transactions run at once: with SQLite the next batch commits while the
// previous one's fsync runs on the thread pool (wal-sync.ts); with PostgreSQL two
// transactions on two connections overlap their round trips and share WAL flushes.
// Each caller's promise settles only after the transaction holding its report committed,
// and batches settle in the order they were taken even when a later transaction commits
// first: callers acknowledge on settling, and MQTT wants PUBACKs in the order of the
// PUBLISH packets (MQTT-4.6.0-2).
import { Report } from "./report.ts";

interface Waiting {
  report: Report;
  resolve: (duplicate: boolean) => void;
  reject: (e: Error) => void;
}

export class Batcher {
  private queue: Waiting[] = [];
  private running = 0;
  private scheduled = false;
  /** Settles once every batch taken so far has settled its callers. */
  private settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly commit: (batch: Report[]) => Promise<Set<Report>>,
    private readonly maxBatch = 4000,
    private readonly inFlight = 2,
  ) {}

  /** Resolves with true when the report was already stored (a redelivery). */
  add(report: Report): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ report, resolve, reject });
      this.kick();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  private kick(): void {
    if (this.running >= this.inFlight || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop lets every report already read from sockets join.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running >= this.inFlight || this.queue.length === 0) return;
    this.running++;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
    const before = this.settled;
    let done!: () => void;
    this.settled = new Promise<void>((r) => (done = r));
    try {
      const reports = new Array<Report>(batch.length);
      for (let i = 0; i < batch.length; i++) reports[i] = batch[i].report;
      let outcome: { fresh: Set<Report> } | { error: Error };
      try {
        outcome = { fresh: await this.commit(reports) };
      } catch (e) {
        outcome = { error: e as Error };
      }
      await before;
      if ("fresh" in outcome) for (const w of batch) w.resolve(!outcome.fresh.has(w.report));
      else for (const w of batch) w.reject(outcome.error);
    } finally {
      done();
      this.running--;
      if (this.queue.length > 0) this.kick();
    }
  }
}
