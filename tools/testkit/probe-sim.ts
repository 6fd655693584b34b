// A simulated probe that speaks what the agent (core/agent) will: retained JSON status
// with last will "offline", retained capabilities (mPlane envelope), the spec topic at
// QoS 1, a receipt or exception per specification, and protobuf result reports with a
// per-probe sequence number at QoS 1. Results are made up (plausible RTTs, hops, QoS), so
// collector tests and the bench run without real measurements.
import mqtt, { MqttClient } from "mqtt";
import { Message, Statement, readMessage, writeMessage } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { ReportCodec } from "../collector/report-codec.ts";
import { Cell, Report } from "../collector/report.ts";

const REG = "https://miniprobe.invalid/registry/1";
const pingParams = { "ping.payload.octets": "16 ... 65000", "ping.timeout.s": "1 ... 60", "ping.ttl": "1 ... 255" };
const pingResults = ["delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.50pct", "delay.twoway.icmp.us.max", "delay.twoway.icmp.us.count", "packets.lost", "delay.twoway.icmp.us.stddev"];
const traceParams = { "traceroute.hops.max": "1 ... 64", "traceroute.protocol": "udp,icmp,tcp", "traceroute.queries": "1 ... 10", "traceroute.wait.s": "1 ... 10" };
const traceResults = (f: string) => ["traceroute.hop", "traceroute.probe", "intermediate." + f, "rtt.us", "traceroute.flag", "destination.reached"];
const ottResults = ["time", "bandwidth.nominal.kbps", "http.code.max", "http.redirectcount.max", "qos.manifest", "qos.content", "qos.aggregate", "qos.level", "ott.startup.ms", "bufferstalls", "ott.stall.ms", "ott.switches", "ott.bitrate.mean.kbps", "ott.throughput.kbps", "ott.mos", "ott.level.last", "ott.segments", "ott.segments.failed"];

function cap(label: string, parameters: Record<string, string>, results: string[], when: string): Statement {
  return { kind: "capability", verb: "measure", version: 1, registry: REG, label, when, parameters, metadata: {}, results, token: label.padEnd(32, "0").slice(0, 32).replace(/[^0-9a-f]/g, "0") };
}

export const SIM_CAPABILITIES: Statement[] = [
  cap("ping-average-ip4", { "destination.ip4": "*", ...pingParams }, pingResults, "now ... future / 0.2s"),
  cap("ping-average-ip6", { "destination.ip6": "*", ...pingParams }, pingResults, "now ... future / 0.2s"),
  cap("traceroute-ip4", { "destination.ip4": "*", ...traceParams }, traceResults("ip4"), "now ... future"),
  cap("ott-download", { "content.url": "*", "ott.mode": "adaptive,fixed,parallel" }, ottResults, "now ... future / 10s"),
];

/** A made-up but well-formed result for a specification (sequence number 0: set on publish). */
export function madeUpResult(probeId: string, spec: Statement, c: Statement, now = Date.now()): Report {
  const base = { probeId: probeId, seq: 0, token: spec.token ?? "", label: c.label ?? "", schema: "", startMs: now - 3000, endMs: now, parameters: spec.parameters, columns: c.results };
  if (c.label?.startsWith("ping")) {
    const mean = 200 + Math.round(Math.random() * 100);
    return { ...base, prims: ["natural", "natural", "natural", "natural", "natural", "natural", "natural"], rows: [[mean - 50, mean, mean, mean + 80, 3, 0, 20]] };
  }
  if (c.label?.startsWith("traceroute")) {
    const target = spec.parameters["destination.ip4"] ?? "127.0.0.1";
    const hops = ["10.0.0.1", "192.0.2.1", target];
    return { ...base, prims: ["natural", "natural", "address", "natural", "string", "boolean"], rows: hops.map((h, i) => [i + 1, 1, h, 300 * (i + 1), "", i === hops.length - 1]) };
  }
  const row: Cell[] = [now, 2500, 200, 0, 1, 1, 1, 3, 420, Math.floor(Math.random() * 2), 0, 1, 2400, 9000, 4.2, 3, 12, 0];
  return { ...base, prims: ["time", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "natural", "real", "natural", "natural", "natural"], rows: [row] };
}

/** A ping report for load tests and checks: no specification needed. */
export function pingReport(probeId: string, token = "0".repeat(32), now = Date.now()): Report {
  const spec: Statement = { kind: "specification", verb: "measure", version: 1, registry: REG, token, parameters: { "destination.ip4": "127.0.0.1" }, metadata: {}, results: [] };
  return madeUpResult(probeId, spec, SIM_CAPABILITIES[0], now);
}

export interface ProbeSimOptions {
  url: string;
  probeId: string;
  prefix?: string;
  username?: string;
  password?: string;
  /** Client id (default the probe id). */
  clientId?: string;
  codec: ReportCodec;
  /** Delay between the receipt and the result of a specification. */
  resultDelayMs?: number;
  /** Labels this probe answers with an exception (as a probe refusing a specification). */
  refuse?: string[];
  /** Sequence number of the first report (default 1). */
  firstSeq?: number;
}

export class ProbeSim {
  readonly client: MqttClient;
  readonly prefix: string;
  seq: number;
  readonly specs: Statement[] = [];
  readonly errors: Error[] = [];
  private readonly running = new Map<string, NodeJS.Timeout>();

  private constructor(readonly o: ProbeSimOptions, client: MqttClient) {
    this.client = client;
    this.prefix = o.prefix ?? "miniprobe";
    this.seq = (o.firstSeq ?? 1) - 1;
  }

  topic(kind: string, probe = this.o.probeId): string {
    return `${this.prefix}/${probe}/${kind}`;
  }

  /** Connects, publishes status and capabilities, subscribes to its spec topic. */
  static async start(o: ProbeSimOptions): Promise<ProbeSim> {
    const prefix = o.prefix ?? "miniprobe";
    const client = mqtt.connect(o.url, {
      protocolVersion: 4, clientId: o.clientId ?? o.probeId, clean: false, username: o.username, password: o.password,
      reconnectPeriod: 300, connectTimeout: 5000, keepalive: 30,
      will: { topic: `${prefix}/${o.probeId}/status`, payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    const sim = new ProbeSim(o, client);
    client.on("error", (e) => sim.errors.push(e));
    client.on("message", (topic, payload) => sim.onSpec(payload));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`probe-sim ${o.probeId}: no CONNACK from ${o.url}` + (sim.errors[0] ? ": " + sim.errors[0].message : ""))), 10000);
      client.once("connect", () => {
        clearTimeout(t);
        resolve();
      });
    });
    await sim.announce();
    await client.subscribeAsync(sim.topic("spec"), { qos: 1 });
    return sim;
  }

  status(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { status: "online", version: "sim", runtime: "node", platform: process.platform, uptimeS: Math.round(process.uptime()), queueDepth: 0, dropped: 0, lastMeasurementMs: null, ...extra };
  }

  async announce(extra: Record<string, unknown> = {}): Promise<void> {
    await this.client.publishAsync(this.topic("status"), JSON.stringify(this.status(extra)), { qos: 1, retain: true });
    const env = { kind: "envelope" as const, envelope: "message", contents: SIM_CAPABILITIES };
    await this.client.publishAsync(this.topic("capabilities"), writeMessage(env), { qos: 1, retain: true });
  }

  private onSpec(payload: Buffer): void {
    let m: Message;
    try {
      m = readMessage(parseJson(payload.toString("utf8")));
    } catch (e) {
      this.errors.push(e as Error);
      return;
    }
    if (m.kind === "interrupt" && m.token !== undefined) {
      clearTimeout(this.running.get(m.token));
      this.running.delete(m.token);
      return;
    }
    if (m.kind !== "specification" || m.token === undefined) return;
    const token = m.token;
    this.specs.push(m);
    const c = SIM_CAPABILITIES.find((x) => x.label === m.label);
    if (c === undefined || this.o.refuse?.includes(c.label ?? "")) {
      const why = c === undefined ? "label: no capability matches label '" + m.label + "'" : "destination.ip4: unreachable from this probe";
      void this.client.publishAsync(this.topic("receipt"), writeMessage({ kind: "exception", token, message: why }), { qos: 1 });
      return;
    }
    const receipt: Statement = { ...m, kind: "receipt" };
    void this.client.publishAsync(this.topic("receipt"), writeMessage(receipt), { qos: 1 });
    const t = setTimeout(() => {
      this.running.delete(token);
      void this.publishReport(this.resultFor(m as Statement, c)).catch((e: Error) => this.errors.push(e));
    }, this.o.resultDelayMs ?? 50);
    this.running.set(token, t);
  }

  resultFor(spec: Statement, c: Statement, now = Date.now()): Report {
    return madeUpResult(this.o.probeId, spec, c, now);
  }
  /** Publishes a report under the next sequence number (QoS 1); resolves on PUBACK. */
  async publishReport(r: Report): Promise<number> {
    const seq = ++this.seq;
    await this.client.publishAsync(this.topic("result"), Buffer.from(this.o.codec.encode({ ...r, seq })), { qos: 1 });
    return seq;
  }

  /** A ping report for load tests: no specification needed. */
  pingReport(token = "0".repeat(32), now = Date.now()): Report {
    return pingReport(this.o.probeId, token, now);
  }

  async raw(topic: string, payload: Buffer | string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  async stop(graceful = true): Promise<void> {
    for (const t of this.running.values()) clearTimeout(t);
    if (graceful) await this.client.publishAsync(this.topic("status"), "offline", { qos: 1, retain: true }).catch(() => undefined);
    await this.client.endAsync(!graceful);
  }
}
