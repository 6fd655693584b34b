// Durable commits without stopping the event loop. With synchronous=FULL SQLite fsyncs
// the WAL inside COMMIT, and better-sqlite3 runs COMMIT on the event loop: every batch
// would stall MQTT for the length of an fsync (~20 ms on the test machine). Instead the
// writer commits with synchronous=NORMAL (the commit is in the OS page cache: it survives
// a crash of this process, kill -9 included) and WalSync fsyncs the WAL file on libuv's
// thread pool; a transaction's promise settles (and its reports are PUBACKed) only after
// an fsync that began after its COMMIT returned, which makes it as durable as FULL, power
// loss included. Commits that land while an fsync runs share the next one.
import { close, fsync, open } from "node:fs";

export class WalSync {
  private fd: number | undefined;
  private running = false;
  /** Waiting for an fsync that starts after they committed. */
  private next: { resolve: () => void; reject: (e: Error) => void }[] = [];
  fsyncs = 0;

  constructor(readonly walFile: string) {}

  /** Resolves once everything committed before this call is on disk. */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.next.push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  private start(): void {
    const waiting = this.next;
    this.next = [];
    this.running = true;
    const done = (e: Error | null) => {
      this.running = false;
      this.fsyncs++;
      for (const w of waiting) {
        if (e) w.reject(e);
        else w.resolve();
      }
      if (this.next.length > 0) this.start();
    };
    const withFd = (fd: number) => fsync(fd, (e) => done(e));
    if (this.fd !== undefined) return withFd(this.fd);
    // Opened on first use: the WAL exists once something was committed, and stays (it is
    // truncated or restarted by checkpoints, never removed while the writer is open).
    open(this.walFile, "r", (e, fd) => {
      // No WAL yet: nothing was committed into one, so nothing to sync.
      if (e && e.code === "ENOENT") return done(null);
      if (e) return done(e);
      this.fd = fd;
      withFd(fd);
    });
  }

  close(): void {
    if (this.fd !== undefined) close(this.fd, () => undefined);
    this.fd = undefined;
  }
}
