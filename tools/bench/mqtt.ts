// Publish rate through a real mosquitto: core's MQTT client on the Node host (QoS 1, every
// message acknowledged) against mosquitto_pub publishing the same number of same-sized
// messages at QoS 1 from stdin (-l), both to the same broker in the same run.
import { spawn } from "node:child_process";
import { createHost } from "../../targets/node/host.ts";
import { MqttClient } from "../../core/mqtt/client.ts";
import { startMosquitto } from "../testkit/mosquitto.ts";
import { BenchRow, row } from "./report.ts";

const COUNT = 5000;
const SIZE = 300;

function viaCore(port: number): Promise<number> {
  const host = createHost({ probeId: "bench", logLevel: "error" });
  return new Promise((resolve, reject) => {
    let t0 = 0;
    let acked = 0;
    const payload = "r".repeat(SIZE);
    const c = new MqttClient(host, { host: "127.0.0.1", port, clientId: "bench-core", maxInflight: 64, maxQueued: COUNT }, {
      onConnect: () => {
        t0 = performance.now();
        for (let i = 0; i < COUNT; i++) {
          c.publish("bench/core", payload, { qos: 1 }, (err) => {
            if (err) return reject(err);
            acked++;
            if (acked === COUNT) {
              const ms = performance.now() - t0;
              c.stop(() => resolve(ms));
            }
          });
        }
      },
      onDisconnect: (err, retry) => {
        if (retry >= 0) reject(err ?? new Error("disconnected"));
      },
    });
    c.start();
  });
}

function viaMosquittoPub(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", "bench/pub", "-l"], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`mosquitto_pub ${code}: ${err}`))));
    p.stdin.end((("p".repeat(SIZE - 1) + "\n").repeat(COUNT)));
  });
}

export async function bench(): Promise<BenchRow[]> {
  const m = await startMosquitto({ logTypes: ["error"] });
  try {
    const S = `MQTT publish rate (${COUNT} × ${SIZE}-byte QoS 1 messages, loopback mosquitto)`;
    const base = COUNT / ((await viaMosquittoPub(m.port)) / 1000);
    const core = COUNT / ((await viaCore(m.port)) / 1000);
    return [row(S, "core client (node host), msgs/s", core, "msg/s", { name: "mosquitto_pub -l", value: base })];
  } finally {
    await m.stop();
  }
}
