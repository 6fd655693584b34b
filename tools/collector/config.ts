// The collector's settings: defaults for a laptop (embedded broker on 127.0.0.1:1883,
// SQLite under ./data, HTTP on 127.0.0.1:8080), flags or environment for a deployment.
import { join, resolve } from "node:path";

export interface CollectorConfig {
  /** "embedded", or the URL of an external broker (mqtt://host:port). */
  broker: string;
  mqttHost: string;
  mqttPort: number;
  /** The collector's own account on an external broker. */
  brokerUser?: string;
  brokerPassword?: string;
  brokerClientId: string;
  /** "sqlite" (file in dataDir), a file path, or a postgres:// URL. */
  store: string;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  prefix: string;
  /** Anonymous MQTT clients (identity = client id). Default: only for an embedded broker on loopback. */
  anonymous: boolean;
  /** The broker URL written into probe configurations (default: the broker's). */
  probeBrokerUrl?: string;
  /** Base URL of this collector as probes reach it (the registry URL is made from it). */
  publicUrl?: string;
  maxPayloadBytes: number;
  apiToken?: string;
  quiet: boolean;
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}

export function defaults(over: Partial<CollectorConfig> = {}): CollectorConfig {
  const env = process.env;
  const c: CollectorConfig = {
    broker: env.MINIPROBE_BROKER ?? "embedded",
    mqttHost: env.MINIPROBE_MQTT_HOST ?? "127.0.0.1",
    mqttPort: Number(env.MINIPROBE_MQTT_PORT ?? 1883),
    brokerUser: env.MINIPROBE_BROKER_USER,
    brokerPassword: env.MINIPROBE_BROKER_PASSWORD,
    brokerClientId: env.MINIPROBE_BROKER_CLIENT_ID ?? "miniprobe-collector",
    store: env.MINIPROBE_STORE ?? "sqlite",
    dataDir: resolve(env.MINIPROBE_DATA ?? "data"),
    httpHost: env.MINIPROBE_HTTP_HOST ?? "127.0.0.1",
    httpPort: Number(env.MINIPROBE_HTTP_PORT ?? 8080),
    prefix: env.MINIPROBE_PREFIX ?? "miniprobe",
    anonymous: false,
    maxPayloadBytes: 1024 * 1024,
    apiToken: env.MINIPROBE_API_TOKEN,
    quiet: false,
    ...over,
  };
  if (over.anonymous === undefined) c.anonymous = c.broker === "embedded" && isLoopback(c.mqttHost);
  return c;
}

export function sqlitePath(c: CollectorConfig): string {
  return c.store === "sqlite" ? join(c.dataDir, "collector.db") : resolve(c.store);
}
