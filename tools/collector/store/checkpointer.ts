// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the
// COMMIT that crosses the threshold: it copies the WAL into the database file and
// fsyncs it, synchronously, in the thread that committed, which for better-sqlite3 is
// the event loop that also reads MQTT. Here a worker thread with a connection of its own
// runs PASSIVE checkpoints (they never block the writer) every `everyMs`; the writer turns
// its automatic checkpoint off and only checkpoints itself (checkpointIfLarge) when the
// WAL still grew past a bound, e.g. because a long reader kept the worker from finishing.
// Committed data is in the WAL either way: a checkpoint moves it, and a crash during one
// is safe (SQLite recovers from the WAL).
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
const tick = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (e) {
    parentPort.postMessage(String(e && e.message));
  }
};
const timer = setInterval(tick, workerData.everyMs);
parentPort.on("message", (m) => {
  if (m === "close") {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  lastError: string | undefined;

  constructor(readonly file: string, everyMs = 250) {
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, module, everyMs } });
    this.worker.on("message", (m: string) => (this.lastError = m));
    this.worker.on("error", (e: Error) => (this.lastError = e.message));
    this.exited = new Promise((r) => this.worker.once("exit", () => r()));
    // It must not keep a process alive that is otherwise done.
    this.worker.unref();
  }

  /** Bytes in the WAL file now (0 if it is not there). */
  walBytes(): number {
    try {
      return statSync(this.file + "-wal").size;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    this.worker.postMessage("close");
    const t = setTimeout(() => void this.worker.terminate(), 10000);
    await this.exited;
    clearTimeout(t);
  }
}
