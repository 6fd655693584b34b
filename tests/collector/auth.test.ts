// Per-probe identity: a probe publishes only under its own id and subscribes only to its
// own spec topic — in the embedded broker's hooks, and in mosquitto through the password
// file and ACL the collector's tooling writes.
import test from "ava";
import mqtt from "mqtt";
import { Collector } from "../../tools/collector/collector.ts";
import { ReportCodec } from "../../tools/collector/report-codec.ts";
import { addMosquittoCollector, addMosquittoProbe } from "../../tools/collector/mosquitto-files.ts";
import { ProbeSim, pingReport } from "../../tools/testkit/probe-sim.ts";
import { startMosquitto } from "./support/mosquitto.ts";
import { postJson, tempDir, until } from "./support/util.ts";

const codec = ReportCodec.loadSync();

async function embedded(t: import("ava").ExecutionContext, anonymous: boolean) {
  const d = tempDir("miniprobe-auth-");
  t.teardown(d.remove);
  const c = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: d.dir, quiet: true, anonymous });
  t.teardown(() => c.close());
  return c;
}

/** A client that does not reconnect: a refused publish shows as a closed connection. */
function rawClient(url: string, o: mqtt.IClientOptions) {
  return mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...o });
}

test("embedded broker: a probe cannot publish a result under another probe's id, nor read its specifications", async (t) => {
  const c = await embedded(t, true);
  const report = pingReport("bob");
  const alice = rawClient(c.broker.url, { clientId: "alice", clean: true });
  t.teardown(() => alice.end(true));
  await new Promise((r) => alice.once("connect", r));
  const closed = new Promise<string>((r) => alice.once("close", () => r("closed")));
  alice.publish("miniprobe/bob/result", Buffer.from(codec.encode({ ...report, seq: 1 })), { qos: 1 });
  t.is(await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r("still open"), 5000))]), "closed");
  // the refusal is counted with the ingest's next batch, not before the connection closes
  const rej = await until("alice's refusal counted", async () => {
    const r = await c.store.rejections("alice");
    return r.length > 0 ? r : undefined;
  });
  t.is((await c.store.counts()).reports, 0, "nothing stored under bob");
  t.is(rej[0]?.reason, "unauthorized");
  t.is(Number(rej[0]?.count), 1);

  const eve = rawClient(c.broker.url, { clientId: "eve", clean: true });
  t.teardown(() => eve.end(true));
  await new Promise((r) => eve.once("connect", r));
  const sub = await eve.subscribeAsync("miniprobe/bob/spec", { qos: 1 }).then((g) => "granted " + g[0]?.qos, (e: Error) => "refused: " + e.message);
  t.false(sub === "granted 1", sub);
  const wild = rawClient(c.broker.url, { clientId: "mallory", clean: true });
  t.teardown(() => wild.end(true));
  await new Promise((r) => wild.once("connect", r));
  const w = await wild.subscribeAsync("miniprobe/#", { qos: 1 }).then((g) => "granted " + g[0]?.qos, (e: Error) => "refused: " + e.message);
  t.false(w === "granted 1", w);
});

test("embedded broker without anonymous access: credentials from /api/probes, identity is the user name", async (t) => {
  const c = await embedded(t, false);
  const anon = rawClient(c.broker.url, { clientId: "x" });
  t.teardown(() => anon.end(true));
  const err = await new Promise<Error>((r) => anon.once("error", r));
  t.regex(err.message, /Not authorized|Connection refused/i);

  const made = await postJson(c.httpUrl, "/api/probes", { id: "alice" });
  t.is(made.status, 201);
  t.is(made.body.username, "alice");
  t.is(made.body.registryUrl, c.httpUrl + "/registry/miniprobe.json");
  t.is(made.body.broker, c.broker.url);
  const wrong = rawClient(c.broker.url, { clientId: "alice", username: "alice", password: "nope" });
  t.teardown(() => wrong.end(true));
  t.regex((await new Promise<Error>((r) => wrong.once("error", r))).message, /Bad username or password|refused/i);

  const sim = await ProbeSim.start({ url: c.broker.url, probeId: "alice", username: "alice", password: made.body.password, codec });
  t.teardown(() => sim.stop(false));
  await sim.publishReport(sim.pingReport());
  t.is((await c.store.counts()).reports, 1);
  // The same account under another client id is still alice: bob's topics stay closed.
  const sneaky = rawClient(c.broker.url, { clientId: "bob", username: "alice", password: made.body.password });
  t.teardown(() => sneaky.end(true));
  await new Promise((r) => sneaky.once("connect", r));
  const closed = new Promise<string>((r) => sneaky.once("close", () => r("closed")));
  sneaky.publish("miniprobe/bob/status", "{}", { qos: 1 });
  t.is(await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r("still open"), 5000))]), "closed");
  t.is(await c.store.probe("bob"), undefined);
});

test("mosquitto with the generated password file and ACL: another probe's topic is closed", async (t) => {
  const m = await startMosquitto({ auth: true });
  t.teardown(() => m.stop());
  const files = { passwd: m.passwd, acl: m.acl };
  addMosquittoCollector(files, "miniprobe", "collector", "collector-pw");
  addMosquittoProbe(files, "miniprobe", "alice", "alice-pw");
  addMosquittoProbe(files, "miniprobe", "bob", "bob-pw");
  m.hup();
  await new Promise((r) => setTimeout(r, 300));
  const d = tempDir("miniprobe-auth-");
  t.teardown(d.remove);
  const c = await Collector.start({ broker: m.url, brokerUser: "collector", brokerPassword: "collector-pw", brokerClientId: "coll-" + process.pid, mqttPort: 0, httpPort: 0, dataDir: d.dir, quiet: true });
  t.teardown(() => c.close());
  const alice = await ProbeSim.start({ url: m.url, probeId: "alice", username: "alice", password: "alice-pw", codec });
  t.teardown(() => alice.stop(false));
  // mosquitto acknowledges a publish the ACL refuses and drops it (MQTT 3.1.1 has no way to say no).
  await alice.client.publishAsync("miniprobe/bob/result", Buffer.from(codec.encode({ ...alice.pingReport(), probeId: "bob", seq: 1 })), { qos: 1 });
  await alice.publishReport(alice.pingReport());
  await until("alice's own report", async () => (await c.store.counts()).reports >= 1 || undefined, 15000);
  await new Promise((r) => setTimeout(r, 300));
  t.is((await c.store.counts()).reports, 1);
  t.is((await c.store.probe("bob"))?.reports ?? 0, 0);
  // alice may not read bob's specifications.
  const got: string[] = [];
  alice.client.on("message", (topic) => got.push(topic));
  await alice.client.subscribeAsync("miniprobe/bob/spec", { qos: 1 }).catch(() => undefined);
  await c.broker.publish("miniprobe/bob/spec", '{"specification":"measure"}');
  await c.broker.publish("miniprobe/alice/spec", '{"specification":"measure"}');
  await until("alice's own spec", () => got.includes("miniprobe/alice/spec") || undefined, 10000);
  t.false(got.includes("miniprobe/bob/spec"));
  // A wrong password does not get in.
  const wrong = rawClient(m.url, { clientId: "x1", username: "alice", password: "bob-pw" });
  t.teardown(() => wrong.end(true));
  t.regex((await new Promise<Error>((r) => wrong.once("error", r))).message, /Not authorized|Bad user|refused/i);
});
