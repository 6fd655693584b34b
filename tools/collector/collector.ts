// The collector, assembled: store → ingest ← broker; control → broker; HTTP over all.
import { FastifyInstance } from "fastify";
import { Registry } from "../../core/model/registry.ts";
import { measurements } from "../../core/measurements/index.ts";
import { PROBE_ID } from "../../core/agent/agent.ts";
import { JsonObject } from "../../core/util/json.ts";
import { Broker } from "./broker/broker.ts";
import { EmbeddedBroker } from "./broker/embedded.ts";
import { ExternalBroker } from "./broker/external.ts";
import { CollectorConfig, defaults, sqlitePath } from "./config.ts";
import { Control } from "./control.ts";
import { Credentials } from "./credentials.ts";
import { buildHttp } from "./http/server.ts";
import { Ingest, ReportDecoder } from "./ingest.ts";
import { Metrics } from "./metrics.ts";
import { ReportCodec } from "./report-codec.ts";
import { Db } from "./store/db.ts";
import { PostgresDb } from "./store/postgres.ts";
import { SqliteDb } from "./store/sqlite.ts";
import { Store } from "./store/store.ts";

export const REGISTRY_PATH = "/registry/miniprobe.json";

export function openDb(c: CollectorConfig): Db {
  if (/^postgres(ql)?:\/\//.test(c.store)) return new PostgresDb(c.store);
  return new SqliteDb(sqlitePath(c));
}

/** miniprobe's element registry: the one `miniprobe probe --registry` prints. */
export function miniprobeRegistry(): Registry {
  const r = new Registry();
  r.add([{ name: PROBE_ID, prim: "string", desc: "identity of the probe that measured (--probe-id, default the host name)" }]);
  measurements.forEach((m) => r.add(m.elements()));
  return r;
}

export class Collector {
  readonly registry = miniprobeRegistry();
  readonly registryDocument: JsonObject = this.registry.document();
  http!: FastifyInstance;
  httpUrl = "";

  private constructor(
    readonly config: CollectorConfig,
    readonly store: Store,
    readonly metrics: Metrics,
    readonly ingest: Ingest,
    readonly broker: Broker,
    readonly control: Control,
    readonly credentials: Credentials,
  ) {}

  static async start(over: Partial<CollectorConfig> = {}, decoder?: ReportDecoder): Promise<Collector> {
    const config = defaults(over);
    const log = (m: string) => {
      if (!config.quiet) process.stderr.write("collector: " + m + "\n");
    };
    const store = new Store(openDb(config));
    await store.migrate();
    const metrics = new Metrics(true);
    const ingest = new Ingest(store, metrics, decoder ?? (await ReportCodec.load()), { prefix: config.prefix, maxPayloadBytes: config.maxPayloadBytes });
    const credentials = new Credentials(store.db);
    let broker: Broker;
    if (config.broker === "embedded") {
      broker = new EmbeddedBroker({
        host: config.mqttHost, port: config.mqttPort, prefix: config.prefix, anonymous: config.anonymous,
        verify: (u, p) => credentials.verify(u, p),
        denied: (id, what) => {
          void ingest.reject(id === "" ? "(unknown)" : id, "unauthorized", what).catch(() => undefined);
        },
        subscribed: (probe) => {
          void control.resend(probe).catch((e: Error) => log("resend to " + probe + ": " + e.message));
        },
      });
    } else {
      broker = new ExternalBroker({ url: config.broker, prefix: config.prefix, clientId: config.brokerClientId, username: config.brokerUser, password: config.brokerPassword, log });
    }
    const control = new Control(store, broker, config.prefix, miniprobeRegistry());
    if (config.broker !== "embedded") {
      // On an external broker the collector cannot see a probe subscribe: give it a moment
      // after its status says online.
      ingest.onOnline = (probe) => {
        setTimeout(() => void control.resend(probe).catch((e: Error) => log("resend to " + probe + ": " + e.message)), 2000).unref();
      };
    }
    const c = new Collector(config, store, metrics, ingest, broker, control, credentials);
    try {
      await broker.start((topic, payload) => ingest.handle(topic, payload));
      c.http = await buildHttp(c);
      const addr = await c.http.listen({ host: config.httpHost, port: config.httpPort });
      c.httpUrl = addr;
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  get publicUrl(): string {
    return this.config.publicUrl ?? this.httpUrl;
  }

  /** What a probe needs to connect: the JSON `miniprobe probe add` prints (agent --config). */
  probeConfig(id: string, password: string): Record<string, unknown> {
    return {
      broker: this.config.probeBrokerUrl ?? this.broker.url,
      username: id,
      password,
      probeId: id,
      prefix: this.config.prefix,
      registryUrl: this.publicUrl + REGISTRY_PATH,
    };
  }

  async close(): Promise<void> {
    await this.http?.close().catch(() => undefined);
    await this.broker.close().catch(() => undefined);
    await this.store.close().catch(() => undefined);
  }
}

