// Prometheus metrics (/metrics), on a registry of the collector's own so two collectors
// in one process (tests) do not share counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly reports = new Counter({ name: "miniprobe_reports_ingested_total", help: "Result reports stored (first delivery)", labelNames: ["probe"], registers: [this.registry] });
  readonly duplicates = new Counter({ name: "miniprobe_reports_duplicate_total", help: "Result reports redelivered and already stored", labelNames: ["probe"], registers: [this.registry] });
  readonly rejected = new Counter({ name: "miniprobe_payloads_rejected_total", help: "Payloads rejected (undecodable, oversized, mislabelled, unauthorized)", labelNames: ["probe", "reason"], registers: [this.registry] });
  readonly messages = new Counter({ name: "miniprobe_messages_total", help: "Messages received from probes by topic kind", labelNames: ["kind"], registers: [this.registry] });
  readonly queueLag = new Gauge({ name: "miniprobe_queue_lag_seconds", help: "Receive time minus measurement end of the newest report, per probe", labelNames: ["probe"], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: "miniprobe_probe_queue_depth", help: "Reports waiting in the probe's queue (its last status)", labelNames: ["probe"], registers: [this.registry] });
  readonly probeDropped = new Gauge({ name: "miniprobe_probe_reports_dropped", help: "Reports the probe's full queue dropped (its last status)", labelNames: ["probe"], registers: [this.registry] });
  readonly dbLatency = new Histogram({
    name: "miniprobe_db_seconds", help: "Database operation latency", labelNames: ["op"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly batchSize = new Histogram({ name: "miniprobe_ingest_batch_reports", help: "Reports per ingest transaction", buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers: [this.registry] });

  constructor(defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  async time<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const end = this.dbLatency.startTimer({ op });
    try {
      return await fn();
    } finally {
      end();
    }
  }
}
