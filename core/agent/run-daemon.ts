// Starts the agent as a daemon from its configuration: the report store, the MQTT client
// (with broker failover), the Daemon, and the signal handling that drains and leaves
// cleanly. Resolves with the exit code once stopped.
import { Host } from "../host";
import { Cancel } from "../cancel";
import { fsMkdir } from "../fs-async";
import { MqttClient } from "../mqtt/client";
import { Run } from "../model/when";
import { Statement } from "../model/statement";
import { ProbeError, asProbeError } from "../util/errors";
import { fmtNum, mod, parseNatural } from "../util/num";
import { Agent } from "./agent";
import { AgentConfig } from "./config";
import { Accepted, Acceptor, Daemon, Transport } from "./daemon";
import { MemoryStore } from "./memory-store";
import { Queue } from "./queue";
import { Store } from "./store";
import { Report } from "../report/report";

export interface BrokerAddress {
  host: string;
  port: number;
  tls: boolean;
}

/** mqtt://host[:port] or mqtts://host[:port]; IPv6 literals in brackets. */
export function brokerAddress(url: string): BrokerAddress {
  const lower = url.toLowerCase();
  const tls = lower.indexOf("mqtts://") === 0;
  let rest = url.substring(tls ? 8 : 7);
  let host: string;
  let portText = "";
  if (rest.substring(0, 1) === "[") {
    const close = rest.indexOf("]");
    if (close < 0) throw new ProbeError("ECONFIG", "'" + url + "' has an unclosed [", "broker");
    host = rest.substring(1, close);
    rest = rest.substring(close + 1);
    if (rest.substring(0, 1) === ":") portText = rest.substring(1);
  } else {
    const colon = rest.indexOf(":");
    host = colon >= 0 ? rest.substring(0, colon) : rest;
    portText = colon >= 0 ? rest.substring(colon + 1) : "";
  }
  const port = portText === "" ? (tls ? 8883 : 1883) : parseNatural(portText);
  if (port === undefined || port < 1 || port > 65535 || host.length === 0) throw new ProbeError("ECONFIG", "'" + url + "' is not host:port", "broker");
  return { host: host, port: port, tls: tls };
}

/** The probe id from the configuration, or the host name made safe as a topic level. */
export function probeIdOf(cfg: AgentConfig, host: Host): string {
  if (cfg.probeId !== undefined) return cfg.probeId;
  const parts: string[] = [];
  const h = host.info.hostname;
  for (let i = 0; i < h.length && i < 64; i++) {
    const c = h.substring(i, i + 1);
    parts.push(c === "/" || c === "+" || c === "#" ? "_" : c);
  }
  return parts.length > 0 ? parts.join("") : "probe";
}

/** The MQTT client as the daemon sees it, over several brokers in failover order. */
class MqttTransport implements Transport {
  private client: MqttClient;
  private brokerIndex = 0;
  private failures = 0;
  private msgHandler: (topic: string, payload: string, oversize: number) => void = () => undefined;
  private connectHandler: () => void = () => undefined;
  private disconnectHandler: (why: string) => void = () => undefined;
  private subscriptions: string[] = [];

  constructor(private readonly host: Host, private readonly cfg: AgentConfig, private readonly probeId: string, private readonly statusTopic: string) {
    this.client = this.make();
  }

  private make(): MqttClient {
    const b = brokerAddress(this.cfg.brokers[this.brokerIndex]);
    this.host.log("info", "broker " + (b.tls ? "mqtts://" : "mqtt://") + b.host + ":" + fmtNum(b.port));
    return new MqttClient(this.host, {
      host: b.host, port: b.port, tls: b.tls, caFile: this.cfg.tls.caFile, certFile: this.cfg.tls.certFile, keyFile: this.cfg.tls.keyFile,
      clientId: this.probeId, username: this.cfg.username, password: this.cfg.password, clean: false, keepaliveS: this.cfg.keepaliveS,
      will: { topic: this.statusTopic, payload: "offline", qos: 1, retain: true },
      maxPacketBytes: 1048576,
    }, {
      onConnect: () => {
        this.failures = 0;
        this.connectHandler();
      },
      onMessage: (topic, payload, info) => {
        // An oversize message arrives without its payload (never buffered): refused by length.
        this.msgHandler(topic, payload, info.oversize !== undefined ? info.oversize : 0);
      },
      onDisconnect: (err, retryInMs) => {
        if (retryInMs < 0) return;
        this.failures = this.failures + 1;
        this.disconnectHandler(err !== undefined ? err.message : "closed by the broker");
        if (this.failures >= 3 && this.cfg.brokers.length > 1) this.failover();
      },
    });
  }

  private failover(): void {
    const old = this.client;
    this.brokerIndex = mod(this.brokerIndex + 1, this.cfg.brokers.length);
    this.failures = 0;
    old.stop(undefined, false);
    this.client = this.make();
    for (const t of this.subscriptions) this.client.subscribe([{ topic: t, qos: 1 }]);
    this.client.start();
  }

  start(): void {
    this.client.start();
  }

  publish(topic: string, payload: string, qos: number, retain: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.client.publish(topic, payload, { qos: qos, retain: retain }, (err) => (err !== undefined ? reject(err) : resolve()));
    });
  }

  subscribe(topic: string, qos: number): Promise<void> {
    if (this.subscriptions.indexOf(topic) < 0) this.subscriptions.push(topic);
    return new Promise<void>((resolve, reject) => {
      this.client.subscribe([{ topic: topic, qos: qos }], (err) => (err !== undefined ? reject(err) : resolve()));
    });
  }

  onMessage(h: (topic: string, payload: string, oversize: number) => void): void {
    this.msgHandler = h;
  }

  onConnect(h: () => void): void {
    this.connectHandler = h;
  }

  onDisconnect(h: (why: string) => void): void {
    this.disconnectHandler = h;
  }

  connected(): boolean {
    return this.client.isConnected();
  }

  end(): Promise<void> {
    return new Promise<void>((resolve) => this.client.stop(() => resolve(), true));
  }
}

function acceptorOf(agent: Agent): Acceptor {
  return {
    capabilities: () => agent.capabilities(),
    accept: (spec: Statement): Accepted => {
      const p = agent.plan(spec);
      return {
        token: p.token, when: p.valid.when, spec: p.valid.spec, receipt: p.receipt,
        run: (run: Run, cancel: Cancel): Promise<Report> => agent.runPlanned(p, run, cancel),
      };
    },
  };
}

export async function runDaemon(host: Host, cfg: AgentConfig, agent: Agent, version: string): Promise<number> {
  if (cfg.brokers.length === 0) throw new ProbeError("ECONFIG", "no broker configured (e.g. \"broker\": \"mqtt://127.0.0.1:1883\")", "broker");
  const probeId = agent.device.probeId;
  for (const url of cfg.brokers) {
    const b = brokerAddress(url);
    if (host.connect === undefined) throw new ProbeError("EUNSUPPORTED", "this host cannot open connections (" + host.info.runtime + ": no socket and no nc/socat helper found)", "broker");
    if (b.tls && host.info.tls === undefined) {
      throw new ProbeError("EUNSUPPORTED", "'" + url + "' needs TLS and this host has none (install luasec for Lua, openssl for QuickJS); refusing to fall back to plain text", "broker");
    }
  }
  const stateDir = cfg.queueDir !== undefined ? cfg.queueDir : "/tmp/miniprobe-" + probeId;
  const limits = { maxBytes: cfg.queueMaxBytes, maxCount: cfg.queueMaxCount };
  const queue: Store = cfg.queueStore === "memory" ? new MemoryStore(limits, host.now()) : await Queue.open(host, stateDir, limits);
  if (!queue.durable) {
    // The file store makes the state directory; specs.json (accepted specifications) still wants it.
    await fsMkdir(host, stateDir).then(
      () => undefined,
      (e) => host.log("warn", "cannot create " + stateDir + " (" + asProbeError(e).message + "): accepted specifications will not survive a restart"),
    );
  }
  const where = queue.durable ? "queue in " + stateDir : "queue in memory (NOT durable: waiting reports are lost at restart)";
  const statusTopic = cfg.prefix + "/" + probeId + "/status";
  const transport = new MqttTransport(host, cfg, probeId, statusTopic);
  const daemon = new Daemon(host, transport, acceptorOf(agent), queue, {
    probeId: probeId, prefix: cfg.prefix, version: version, concurrency: cfg.concurrency, statusIntervalS: cfg.statusIntervalS,
    maxSpecBytes: 1048576, window: 8, stateDir: stateDir,
  });
  await daemon.start();
  host.log(queue.durable ? "info" : "warn", "miniprobe " + version + " agent " + probeId + " on " + host.info.runtime + "; " + where + " (" + fmtNum(queue.stats().depth) + " waiting)");
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      host.log("info", "SIG" + sig + ": draining for up to 3 s, then leaving");
      daemon.stop(3000).then(
        () => resolve(0),
        (e) => {
          host.log("error", "stopping: " + asProbeError(e).message);
          resolve(1);
        },
      );
    };
    const on = host.onSignal;
    if (on !== undefined) on((sig: string) => stop(sig));
    transport.start();
  });
}
