// node --import tsx tools/collector/main.ts [options]  (npm run collector)
// Starts the collector with laptop defaults and prints where to look.
import { Command, InvalidArgumentError } from "commander";
import { Collector } from "./collector.ts";
import { CollectorConfig } from "./config.ts";

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("not a port number");
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command("collector")
    .description("miniprobe collector: MQTT ingest into SQL, control of probes, HTTP API and dashboard")
    .option("--broker <embedded|url>", "embedded aedes broker, or an external broker URL (mqtt://host:port)")
    .option("--mqtt-host <host>", "embedded broker listen address")
    .option("--mqtt-port <port>", "embedded broker port", port)
    .option("--broker-user <name>", "the collector's user name on an external broker")
    .option("--broker-password <pw>", "its password (or MINIPROBE_BROKER_PASSWORD)")
    .option("--broker-client-id <id>", "the collector's client id on an external broker (its persistent session)")
    .option("--store <sqlite|file|url>", "sqlite (file in the data dir), a SQLite file, or postgres://…")
    .option("--data <dir>", "data directory (SQLite database)")
    .option("--http-host <host>", "HTTP listen address")
    .option("--http-port <port>", "HTTP port", port)
    .option("--prefix <prefix>", "MQTT topic prefix")
    .option("--anonymous", "allow anonymous MQTT clients (default only for an embedded broker on loopback)")
    .option("--no-anonymous", "refuse anonymous MQTT clients")
    .option("--public-url <url>", "this collector's URL as probes reach it (for the registry URL)")
    .option("--probe-broker-url <url>", "the broker URL written into probe configurations")
    .option("--api-token <token>", "require 'Authorization: Bearer <token>' on /api")
    .exitOverride();
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 64;
  }
  const o = program.opts<Record<string, string | number | boolean | undefined>>();
  const over: Partial<CollectorConfig> = {};
  const set = <K extends keyof CollectorConfig>(k: K, v: unknown) => {
    if (v !== undefined) over[k] = v as CollectorConfig[K];
  };
  set("broker", o.broker);
  set("mqttHost", o.mqttHost);
  set("mqttPort", o.mqttPort);
  set("brokerUser", o.brokerUser);
  set("brokerPassword", o.brokerPassword);
  set("brokerClientId", o.brokerClientId);
  set("store", o.store);
  set("dataDir", o.data);
  set("httpHost", o.httpHost);
  set("httpPort", o.httpPort);
  set("prefix", o.prefix);
  if (argv.includes("--anonymous") || argv.includes("--no-anonymous")) set("anonymous", o.anonymous);
  set("publicUrl", o.publicUrl);
  set("probeBrokerUrl", o.probeBrokerUrl);
  set("apiToken", o.apiToken);
  let c: Collector;
  try {
    c = await Collector.start(over);
  } catch (e) {
    process.stderr.write("collector: cannot start: " + (e as Error).message + "\n");
    return 1;
  }
  const cfg = c.config;
  process.stdout.write(
    [
      `miniprobe collector`,
      `  dashboard  ${c.publicUrl}/dashboard/`,
      `  API        ${c.publicUrl}/api/probes`,
      `  broker     ${c.broker.url}${cfg.broker === "embedded" ? " (embedded" + (cfg.anonymous ? ", anonymous allowed on loopback" : ", credentials required") + ")" : ""}`,
      `  store      ${cfg.store.startsWith("postgres") ? cfg.store.replace(/\/\/[^@/]*@/, "//…@") : "SQLite " + (cfg.store === "sqlite" ? cfg.dataDir + "/collector.db" : cfg.store)}`,
      `  registry   ${c.publicUrl}/registry/miniprobe.json`,
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await c.close();
  return 0;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split("/").slice(-3).join("/"));
if (isMain) process.exitCode = await main(process.argv.slice(2));
