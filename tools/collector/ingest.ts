// Everything probes publish arrives here, from either broker adapter: status,
// capabilities, receipts and result reports. handle() settles only once what the message
// says is committed to the database; the adapters acknowledge (PUBACK) after that.
// A payload we cannot use is counted against its probe and acknowledged, so a probe does
// not resend it forever; only a database failure makes handle() reject (no PUBACK: the
// broker redelivers).
import { Message, readMessage } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { parseWhen, measurementPeriodMs } from "../../core/model/when.ts";
import { Batcher } from "./batcher.ts";
import { Metrics } from "./metrics.ts";
import { Report } from "./report.ts";
import { Store } from "./store/store.ts";
import { parseTopic, validProbeId } from "./topics.ts";

export interface ReportDecoder {
  /** A report from its wire bytes; throws with a reason when they are not one. */
  decode(payload: Uint8Array): Report;
}

export interface IngestOptions {
  prefix: string;
  /** Largest result payload accepted (bytes); control messages get a tenth of it. */
  maxPayloadBytes: number;
  maxBatch?: number;
}

export type Rejection = "oversized" | "undecodable" | "mislabelled" | "topic" | "unauthorized";

export class Ingest {
  private readonly batcher: Batcher;
  /** Called when a probe (re)appears online: the control side resends what it missed. */
  onOnline: (probe: string) => void = () => undefined;
  /** Called after a batch of reports committed (the dashboard may refresh). */
  onReports: (reports: Report[]) => void = () => undefined;
  private readonly online = new Map<string, boolean>();
  /** Per-kind message counters, resolved once: labels hashed per message cost ~1 µs each. */
  private readonly messageCount = new Map<string, { inc(): void }>();

  constructor(readonly store: Store, readonly metrics: Metrics, readonly decoder: ReportDecoder, readonly opts: IngestOptions) {
    this.batcher = new Batcher((b) => this.commit(b), opts.maxBatch ?? 4000);
  }

  get pending(): number {
    return this.batcher.pending;
  }

  private async commit(batch: Report[]): Promise<Set<Report>> {
    const now = Date.now();
    const out = await this.metrics.time("insert_reports", () => this.store.insertReports(batch, now));
    this.metrics.batchSize.observe(batch.length);
    const fresh = new Set(out.inserted);
    // Counted per probe, not per report: a label lookup per report costs as much as decoding it.
    const per = new Map<string, { n: number; dup: number; end?: number }>();
    for (const r of batch) {
      let p = per.get(r.probeId);
      if (p === undefined) per.set(r.probeId, (p = { n: 0, dup: 0 }));
      if (fresh.has(r)) {
        p.n++;
        const end = r.endMs ?? r.startMs;
        if (end !== undefined) p.end = end;
      } else p.dup++;
    }
    for (const [probe, p] of per) {
      if (p.n > 0) this.metrics.reports.inc({ probe }, p.n);
      if (p.dup > 0) this.metrics.duplicates.inc({ probe }, p.dup);
      if (p.end !== undefined) this.metrics.queueLag.set({ probe }, Math.max(0, (now - p.end) / 1000));
    }
    if (out.inserted.length > 0) this.onReports(out.inserted);
    return fresh;
  }

  async reject(probe: string, reason: Rejection, detail: string): Promise<void> {
    this.metrics.rejected.inc({ probe, reason });
    await this.metrics.time("reject", () => this.store.reject(probe, reason, detail));
  }

  /** Settles after the message's effect is committed. Never rejects for bad payloads. */
  async handle(topic: string, payload: Uint8Array): Promise<void> {
    const t = parseTopic(this.opts.prefix, topic);
    if (t === undefined || !validProbeId(t.probe)) return;
    let count = this.messageCount.get(t.kind);
    if (count === undefined) {
      count = this.metrics.messages.labels({ kind: t.kind });
      if (this.messageCount.size < 8) this.messageCount.set(t.kind, count);
    }
    count.inc();
    const limit = t.kind === "result" ? this.opts.maxPayloadBytes : Math.max(65536, this.opts.maxPayloadBytes / 10);
    if (payload.length > limit) return this.reject(t.probe, "oversized", `${t.kind}: ${payload.length} bytes > ${limit}`);
    switch (t.kind) {
      case "result":
        return this.result(t.probe, payload);
      case "status":
        return this.status(t.probe, payload);
      case "capabilities":
        return this.capabilities(t.probe, payload);
      case "receipt":
        return this.receipt(t.probe, payload);
      case "spec":
        return; // our own control messages, seen on an external broker
      default:
        return this.reject(t.probe, "topic", "no such topic kind: " + t.kind);
    }
  }

  private async result(probe: string, payload: Uint8Array): Promise<void> {
    let r: Report;
    try {
      r = this.decoder.decode(payload);
    } catch (e) {
      return this.reject(probe, "undecodable", (e as Error).message);
    }
    if (r.probeId !== probe) return this.reject(probe, "mislabelled", `report says probe '${r.probeId}' on ${probe}'s topic`);
    if (!Number.isSafeInteger(r.seq) || r.seq < 0) return this.reject(probe, "undecodable", "sequence number out of range: " + r.seq);
    await this.batcher.add(r);
  }

  private json(probe: string, payload: Uint8Array): unknown {
    const text = Buffer.from(payload).toString("utf8");
    return JSON.parse(text) as unknown;
  }

  private async status(probe: string, payload: Uint8Array): Promise<void> {
    if (payload.length === 0) return; // a retained message being cleared
    const text = Buffer.from(payload).toString("utf8").trim();
    let st: Record<string, unknown>;
    if (text === "offline" || text === "online") st = { status: text };
    else {
      try {
        const v = this.json(probe, payload);
        if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("status must be a JSON object");
        st = v as Record<string, unknown>;
      } catch (e) {
        return this.reject(probe, "undecodable", "status: " + (e as Error).message);
      }
    }
    const num = (...keys: string[]): number | undefined => {
      for (const k of keys) if (typeof st[k] === "number" && Number.isFinite(st[k])) return st[k] as number;
      return undefined;
    };
    const online = st.status === "offline" || st.online === false ? "offline" : "online";
    const queueDepth = num("queueDepth", "queue_depth");
    const dropped = num("dropped", "reportsDropped", "reports_dropped");
    if (queueDepth !== undefined) this.metrics.queueDepth.set({ probe }, queueDepth);
    if (dropped !== undefined) this.metrics.probeDropped.set({ probe }, dropped);
    await this.metrics.time("status", () =>
      this.store.setStatus(probe, {
        status: online, json: online === "offline" && text === "offline" ? null : text, queueDepth, dropped,
        lastMeasurementMs: num("lastMeasurementMs", "lastMeasurement", "last_measurement_ms"),
      }),
    );
    const was = this.online.get(probe);
    this.online.set(probe, online === "online");
    if (online === "online" && was !== true) this.onOnline(probe);
  }

  private async capabilities(probe: string, payload: Uint8Array): Promise<void> {
    if (payload.length === 0) return;
    const text = Buffer.from(payload).toString("utf8");
    let msg: Message;
    try {
      msg = readMessage(parseJson(text, { maxBytes: payload.length + 1, maxDepth: 16 }));
    } catch (e) {
      return this.reject(probe, "undecodable", "capabilities: " + (e as Error).message);
    }
    const caps = msg.kind === "envelope" ? msg.contents : [msg];
    let minPeriod: number | null = null;
    for (const c of caps) {
      if (c.kind !== "capability") return this.reject(probe, "undecodable", "capabilities: a " + c.kind + " in the envelope");
      try {
        const p = measurementPeriodMs(parseWhen(c.when ?? "now ... future"));
        if (p !== undefined && (minPeriod === null || p < minPeriod)) minPeriod = p;
      } catch {
        // a scope we cannot read does not make the capability unusable here
      }
    }
    await this.metrics.time("capabilities", () => this.store.setCapabilities(probe, text, minPeriod));
  }

  private async receipt(probe: string, payload: Uint8Array): Promise<void> {
    const text = Buffer.from(payload).toString("utf8");
    let msg: Message;
    try {
      msg = readMessage(parseJson(text, { maxBytes: payload.length + 1, maxDepth: 16 }));
    } catch (e) {
      return this.reject(probe, "undecodable", "receipt: " + (e as Error).message);
    }
    const list = msg.kind === "envelope" ? msg.contents : [msg];
    for (const m of list) {
      if (m.kind === "exception") {
        await this.metrics.time("receipt", () => this.store.specAnswer(probe, m.token, "refused", m.message, text));
      } else if (m.kind === "envelope" || m.token === undefined) {
        await this.reject(probe, "undecodable", "receipt: no token");
      } else if (m.kind === "receipt") {
        await this.metrics.time("receipt", () => this.store.specAnswer(probe, m.token as string, "accepted", null, text));
      } else if (m.kind === "interrupt" || m.kind === "withdrawal") {
        await this.metrics.time("receipt", () => this.store.specAnswer(probe, m.token as string, "interrupted", null, text));
      } else {
        await this.reject(probe, "undecodable", "receipt: unexpected " + m.kind);
      }
    }
  }
}
