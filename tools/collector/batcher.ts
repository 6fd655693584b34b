// Group commit: reports that arrive while a transaction is in flight wait and go into the
// next one together, so the batch grows with the load and a lone report is not delayed.
// Each caller's promise settles only after the transaction holding its report committed.
import { Report } from "./report.ts";

interface Waiting {
  report: Report;
  resolve: (duplicate: boolean) => void;
  reject: (e: Error) => void;
}

export class Batcher {
  private queue: Waiting[] = [];
  private busy = false;
  private scheduled = false;

  constructor(
    private readonly commit: (batch: Report[]) => Promise<Set<Report>>,
    private readonly maxBatch = 2000,
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
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop lets every report already read from sockets join.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const fresh = await this.commit(batch.map((w) => w.report));
      for (const w of batch) w.resolve(!fresh.has(w.report));
    } catch (e) {
      for (const w of batch) w.reject(e as Error);
    } finally {
      this.busy = false;
      if (this.queue.length > 0) this.kick();
    }
  }
}
