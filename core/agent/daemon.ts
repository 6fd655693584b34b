// The long-running probe: holds an MQTT session, takes mPlane specifications on its spec
// topic, answers each with a receipt or an exception, runs them when their temporal scope
// says, and hands every result to the report store (core/agent/store.ts), which drains to
// the broker one PUBACK at a time. Topics (DESIGN.md): <prefix>/<probe>/status (retained,
// will "offline"), /capabilities (retained), /spec (in), /receipt, /result (protobuf reports).
import { Host } from "../host";
import { Cancel } from "../cancel";
import { Message, Statement, readMessage, writeMessage } from "../model/statement";
import { Run, When } from "../model/when";
import { ProbeError, asProbeError } from "../util/errors";
import { JsonObject, isJsonObject, parseJson, writeJson } from "../util/json";
import { fmtNum } from "../util/num";
import { fsRead, fsWriteAtomic } from "../fs-async";
import { Store } from "./store";
import { Report, encodeReport } from "../report/report";
import { Scheduler } from "./scheduler";

/** What the daemon needs of an MQTT client (core/mqtt's client, or a test double). */
export interface Transport {
  publish(topic: string, payload: string, qos: number, retain: boolean): Promise<void>;
  subscribe(topic: string, qos: number): Promise<void>;
  /** Handlers the client calls: one message, a (re)connect, a lost connection. */
  /** oversize: the length of a message too large to be kept (payload is then ""), else 0. */
  onMessage(handler: (topic: string, payload: string, oversize: number) => void): void;
  onConnect(handler: () => void): void;
  onDisconnect(handler: (why: string) => void): void;
  connected(): boolean;
  /** Orderly end: sends DISCONNECT (so no will is published) after publishing `lastStatus`. */
  end(): Promise<void>;
}

/** A specification the agent has accepted: its token, scope, and how to run one instance. */
export interface Accepted {
  token: string;
  when: When;
  spec: Statement;
  receipt: Statement;
  /** One run, described as a report whose sequence number the daemon assigns. */
  run(run: Run, cancel: Cancel): Promise<Report>;
}

/** The mPlane side (core/agent/agent.ts): capabilities and acceptance by schema. */
export interface Acceptor {
  capabilities(): Statement[];
  /** Validates a specification (throws a ProbeError naming the field) and plans it. */
  accept(spec: Statement, nowMs: number): Accepted;
}

export interface DaemonOptions {
  probeId: string;
  prefix: string;
  version: string;
  concurrency: number;
  statusIntervalS: number;
  /** Largest specification message read (bigger ones are refused and logged). */
  maxSpecBytes: number;
  /** Reports in flight at once (published, PUBACK awaited). */
  window: number;
  stateDir: string;
}

const SPECS_FILE = "specs.json";
/** Most accepted specifications kept at once (each is a few hundred bytes on flash). */
export const MAX_SPECS = 256;

export class Daemon {
  private readonly scheduler: Scheduler;
  private readonly accepted = new Map<string, Accepted>();
  private readonly startedMono: number;
  private lastCompleted = "";
  private lastCompletedMs = 0;
  private refused = 0;
  private draining = false;
  private statusTimer = -1;
  private stopping = false;
  private lastPlannedSave: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: Host,
    private readonly transport: Transport,
    private readonly acceptor: Acceptor,
    private readonly queue: Store,
    private readonly opts: DaemonOptions,
  ) {
    this.startedMono = host.mono();
    this.scheduler = new Scheduler(host, {
      concurrency: opts.concurrency,
      runJob: (job, run, cancel) => this.runJob(job.token, run, cancel),
      onDone: (token) => this.forget(token),
      log: (level, msg) => host.log(level, msg),
    });
    transport.onMessage((topic, payload, oversize) => this.onMessage(topic, payload, oversize));
    transport.onConnect(() => this.onConnect());
    // The MQTT client keeps queued and in-flight messages across reconnects (DUP re-send),
    // so nothing is handed out again here; a publish that fails outright rewinds the queue.
    transport.onDisconnect((why) => host.log("warn", "broker connection lost: " + why));
  }

  topic(leaf: string): string {
    return this.opts.prefix + "/" + this.opts.probeId + "/" + leaf;
  }

  /** Restores accepted specifications from the state directory and starts the watchdog. */
  async start(): Promise<void> {
    await this.restore();
    this.armStatus();
  }

  statusDoc(state: string): JsonObject {
    const q = this.queue.stats();
    const s = this.scheduler.snapshot();
    const mem = this.host.memory !== undefined ? this.host.memory() : {};
    // Field names as the collector reads them (tools/collector): status, queueDepth, dropped...
    const doc: JsonObject = {
      status: state,
      probe: this.opts.probeId,
      version: this.opts.version,
      runtime: this.host.info.runtime + " " + this.host.info.runtimeVersion,
      platform: this.host.info.platform + "/" + this.host.info.arch,
      uptimeS: Math.floor((this.host.mono() - this.startedMono) / 1000),
      time: Math.floor(this.host.now()),
      specifications: s.jobs,
      running: s.running,
      lastMeasurement: this.lastCompleted,
      lastMeasurementMs: this.lastCompletedMs,
      queueDepth: q.depth,
      queueBytes: q.bytes,
      queueDurable: this.queue.durable,
      dropped: q.drops,
      corrupt: q.corrupt,
      nextSeq: q.nextSeq,
      triggersSkipped: s.skipped,
      schedulerRestarts: s.restarts,
      specsRefused: this.refused,
    };
    if (mem.heapKb !== undefined) doc["heapKb"] = Math.floor(mem.heapKb);
    if (mem.rssKb !== undefined) doc["rssKb"] = Math.floor(mem.rssKb);
    return doc;
  }

  private publishStatus(): Promise<void> {
    if (!this.transport.connected()) return Promise.resolve();
    return this.transport.publish(this.topic("status"), writeJson(this.statusDoc("online")), 1, true);
  }

  private armStatus(): void {
    const ms = this.opts.statusIntervalS * 1000;
    this.statusTimer = this.host.setTimer(ms, () => {
      this.statusTimer = -1;
      if (this.stopping) return;
      // The watchdog: a planned run missed by more than a status interval restarts the plan.
      this.scheduler.watchdog(ms);
      this.publishStatus().then(
        () => undefined,
        (e) => this.host.log("warn", "status: " + asProbeError(e).message),
      );
      this.drain();
      this.armStatus();
    });
  }

  private onConnect(): void {
    const caps: Message = { kind: "envelope", envelope: "message", contents: this.acceptor.capabilities() };
    this.transport
      .subscribe(this.topic("spec"), 1)
      .then(() => this.transport.publish(this.topic("capabilities"), writeMessage(caps), 1, true))
      .then(() => this.publishStatus())
      .then(
        () => {
          this.host.log("info", "connected; " + fmtNum(this.queue.stats().depth) + " report(s) waiting");
          this.drain();
        },
        (e) => this.host.log("warn", "after connect: " + asProbeError(e).message),
      );
  }

  private onMessage(topic: string, payload: string, oversize: number): void {
    if (topic !== this.topic("spec")) return;
    const size = oversize > 0 ? oversize : payload.length;
    if (size > this.opts.maxSpecBytes) {
      this.refused = this.refused + 1;
      this.host.log("warn", "refused a " + fmtNum(size) + "-byte message on " + topic + " (limit " + fmtNum(this.opts.maxSpecBytes) + ")");
      return;
    }
    let msg: Message;
    try {
      msg = readMessage(parseJson(payload, { maxBytes: this.opts.maxSpecBytes, maxDepth: 32 }));
    } catch (e) {
      this.refused = this.refused + 1;
      this.reply({ kind: "exception", token: "00000000000000000000000000000000", message: asProbeError(e).message });
      return;
    }
    if (msg.kind === "envelope") {
      for (const c of msg.contents) this.handle(c);
    } else this.handle(msg);
  }

  private handle(msg: Message): void {
    if (msg.kind === "interrupt") {
      const token = msg.token !== undefined ? msg.token : "";
      if (this.scheduler.remove(token, "interrupted")) {
        this.host.log("info", "interrupted " + token);
        this.forget(token);
      } else {
        this.host.log("info", "interrupt for unknown token " + token);
        this.reply({ kind: "exception", token: token, message: "token: no specification with this token is scheduled here" });
      }
      return;
    }
    if (msg.kind !== "specification") {
      this.refused = this.refused + 1;
      const token = msg.kind === "exception" ? msg.token : "00000000000000000000000000000000";
      this.reply({ kind: "exception", token: token, message: "expected a specification or an interrupt, got a " + msg.kind });
      return;
    }
    let acc: Accepted;
    try {
      if (this.accepted.size >= MAX_SPECS) throw new ProbeError("EBUSY", "this probe already holds " + fmtNum(MAX_SPECS) + " specifications");
      acc = this.acceptor.accept(msg, this.host.now());
    } catch (e) {
      this.refused = this.refused + 1;
      const token = msg.token !== undefined ? msg.token : "00000000000000000000000000000000";
      this.reply({ kind: "exception", token: token, message: asProbeError(e).message });
      return;
    }
    if (this.accepted.has(acc.token)) {
      // Redelivered (QoS 1): the receipt again, no second schedule.
      this.reply(acc.receipt);
      return;
    }
    if (!this.scheduler.add({ token: acc.token, when: acc.when })) {
      this.reply({ kind: "exception", token: acc.token, message: "when: the scope has already ended" });
      return;
    }
    this.accepted.set(acc.token, acc);
    this.reply(acc.receipt);
    this.save();
  }

  private reply(m: Message): void {
    if (!this.transport.connected()) return;
    this.transport.publish(this.topic("receipt"), writeMessage(m), 1, false).then(
      () => undefined,
      (e) => this.host.log("warn", "receipt: " + asProbeError(e).message),
    );
  }

  private async runJob(token: string, run: Run, cancel: Cancel): Promise<void> {
    const acc = this.accepted.get(token);
    if (acc === undefined) return;
    const report = await acc.run(run, cancel);
    if (cancel.cancelled && cancel.reason === "interrupted") return;
    report.probeId = this.opts.probeId;
    report.seq = this.queue.takeSeq();
    let bytes: string;
    try {
      bytes = encodeReport(report);
    } catch (e) {
      // A value the report cannot carry: say so in a report of its own rather than lose the run.
      const pe = asProbeError(e);
      report.rows = [];
      report.exceptions.push({ message: "report: " + pe.message, field: pe.field !== undefined ? pe.field : "" });
      bytes = encodeReport(report);
    }
    await this.queue.push(report.seq, bytes);
    this.lastCompletedMs = Math.floor(this.host.now());
    this.lastCompleted = report.label;
    this.drain();
  }

  /** Publishes queued reports while connected, at most `window` awaiting PUBACK. */
  drain(): void {
    if (this.draining || !this.transport.connected()) return;
    const room = this.opts.window - this.queue.inFlight();
    if (room <= 0) return;
    this.draining = true;
    this.queue.next(room).then(
      (records) => {
        this.draining = false;
        for (const r of records) {
          this.transport.publish(this.topic("result"), r.data, 1, false).then(
            () => {
              this.queue.ack(r.seq).then(
                () => this.drain(),
                (e) => this.host.log("warn", "queue ack: " + asProbeError(e).message),
              );
            },
            (e) => {
              this.host.log("warn", "report " + fmtNum(r.seq) + " not published: " + asProbeError(e).message + "; will resend");
              this.queue.rewind();
            },
          );
        }
      },
      (e) => {
        this.draining = false;
        this.host.log("warn", "queue: " + asProbeError(e).message);
      },
    );
  }

  private forget(token: string): void {
    if (!this.accepted.has(token)) return;
    this.accepted.delete(token);
    this.save();
  }

  /** Accepted specifications survive a restart: a periodic measurement resumes by itself. */
  private save(): void {
    const list: string[] = [];
    this.accepted.forEach((a) => list.push(writeMessage(a.spec)));
    const text = "[" + list.join(",") + "]\n";
    const path = this.opts.stateDir + "/" + SPECS_FILE;
    this.lastPlannedSave = this.lastPlannedSave.then(
      () => fsWriteAtomic(this.host, path, text),
      () => fsWriteAtomic(this.host, path, text),
    );
    this.lastPlannedSave.then(
      () => undefined,
      (e) => this.host.log("warn", "saving specifications: " + asProbeError(e).message),
    );
  }

  private async restore(): Promise<void> {
    let text: string;
    try {
      text = await fsRead(this.host, this.opts.stateDir + "/" + SPECS_FILE, 4194304);
    } catch (e) {
      return;
    }
    let list: unknown;
    try {
      list = parseJson(text, { maxBytes: 4194304, maxDepth: 40 });
    } catch (e) {
      this.host.log("warn", "ignoring unreadable " + SPECS_FILE + ": " + asProbeError(e).message);
      return;
    }
    if (!Array.isArray(list)) return;
    let n = 0;
    for (const item of list) {
      if (!isJsonObject(item)) continue;
      try {
        const m = readMessage(item);
        if (m.kind !== "specification") continue;
        const acc = this.acceptor.accept(m, this.host.now());
        if (this.scheduler.add({ token: acc.token, when: acc.when })) {
          this.accepted.set(acc.token, acc);
          n = n + 1;
        }
      } catch (e) {
        this.host.log("warn", "dropping a saved specification: " + asProbeError(e).message);
      }
    }
    if (n > 0) this.host.log("info", "resumed " + fmtNum(n) + " saved specification(s)");
    this.save();
  }

  /** SIGTERM: stop measuring, give the queue a few seconds to drain, say offline, leave. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.statusTimer !== -1) this.host.clearTimer(this.statusTimer);
    this.scheduler.stopAll("shutdown");
    const until = this.host.mono() + graceMs;
    while (this.transport.connected() && this.queue.stats().depth > 0 && this.host.mono() < until) {
      this.drain();
      await new Promise<void>((resolve) => this.host.setTimer(50, () => resolve()));
    }
    await this.queue.flush();
    await this.lastPlannedSave.then(
      () => undefined,
      () => undefined,
    );
    if (this.transport.connected()) {
      // The client keeps an unacknowledged publish across reconnects: if the broker goes away
      // now, the PUBACK never comes, and SIGTERM must still end the process.
      const left = until - this.host.mono();
      let timer = -1;
      const late = new Promise<string>((resolve) => {
        timer = this.host.setTimer(left > 1000 ? left : 1000, () => resolve("late"));
      });
      try {
        const sent = this.transport.publish(this.topic("status"), writeJson(this.statusDoc("offline")), 1, true).then(() => "sent");
        if ((await Promise.race([sent, late])) === "late") this.host.log("warn", "final status: no PUBACK in time");
      } catch (e) {
        this.host.log("warn", "final status: " + asProbeError(e).message);
      }
      this.host.clearTimer(timer);
    }
    await this.transport.end();
  }
}
