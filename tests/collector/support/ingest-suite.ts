// The ingest suite, written once and run against each store (ingest-sqlite.test.ts,
// ingest-postgres.test.ts): a collector with its embedded broker, simulated probes
// publishing over real MQTT on loopback, and checks through the HTTP API.
import type { TestFn, ExecutionContext } from "ava";
import { Collector } from "../../../tools/collector/collector.ts";
import { CollectorConfig } from "../../../tools/collector/config.ts";
import { ReportCodec } from "../../../tools/collector/report-codec.ts";
import { ProbeSim } from "../../../tools/testkit/probe-sim.ts";
import { getJson, postJson, tempDir, until } from "./util.ts";

export interface StoreFactory {
  /** A fresh, empty store for one test: a `store` setting and its cleanup. */
  make(t: ExecutionContext): Promise<string>;
}

const codec = ReportCodec.loadSync();

async function collector(t: ExecutionContext, stores: StoreFactory, over: Partial<CollectorConfig> = {}): Promise<Collector> {
  const d = tempDir("miniprobe-coll-");
  t.teardown(d.remove);
  const store = await stores.make(t);
  const c = await Collector.start({ broker: "embedded", mqttHost: "127.0.0.1", mqttPort: 0, httpHost: "127.0.0.1", httpPort: 0, dataDir: d.dir, store, quiet: true, ...over });
  t.teardown(() => c.close());
  return c;
}

async function sim(t: ExecutionContext, c: Collector, probeId: string, extra: Partial<Parameters<typeof ProbeSim.start>[0]> = {}): Promise<ProbeSim> {
  const s = await ProbeSim.start({ url: c.broker.url, probeId, codec, ...extra });
  t.teardown(() => s.stop(false).catch(() => undefined));
  return s;
}

export function ingestSuite(test: TestFn, name: string, stores: StoreFactory): void {
  test(`${name}: reports from several probes are stored once each; redelivery is counted, not stored`, async (t) => {
    const c = await collector(t, stores);
    const sims = await Promise.all(["pa", "pb", "pc"].map((id) => sim(t, c, id)));
    const per = 40;
    await Promise.all(sims.map(async (s) => {
      for (let i = 0; i < per; i++) await s.publishReport(s.pingReport("ab".repeat(16), 1_700_000_000_000 + i * 1000));
    }));
    // The same sequence numbers again, as after a lost PUBACK.
    const again = sims[0];
    again.seq = 0;
    for (let i = 0; i < 10; i++) await again.publishReport(again.pingReport("ab".repeat(16), 1_700_000_000_000 + i * 1000));
    const counts = await c.store.counts();
    t.is(counts.reports, 3 * per);
    t.is(counts.rows, 3 * per);
    const dup = await c.metrics.duplicates.get();
    t.is(dup.values.reduce((a, v) => a + v.value, 0), 10);
    const { body } = await getJson(c.httpUrl, "/api/results?probe=pb&limit=5&order=asc");
    t.is(body.results.length, 5);
    t.deepEqual(body.results.map((r: { seq: number }) => r.seq), [1, 2, 3, 4, 5]);
    t.is(body.results[0].label, "ping-average-ip4");
    t.is(body.results[0].time, 1_700_000_000_000 - 3000);
    t.true(body.results[0].values["delay.twoway.icmp.us.mean"] >= 200 && body.results[0].values["delay.twoway.icmp.us.mean"] <= 300);
    // Paging: the cursor continues exactly where the page ended.
    const p2 = await getJson(c.httpUrl, "/api/results?probe=pb&limit=5&order=asc&cursor=" + body.next);
    t.deepEqual(p2.body.results.map((r: { seq: number }) => r.seq), [6, 7, 8, 9, 10]);
    const probes = (await getJson(c.httpUrl, "/api/probes")).body.probes;
    t.deepEqual(probes.map((p: { id: string }) => p.id), ["pa", "pb", "pc"]);
    for (const p of probes) {
      t.is(p.reports, per);
      t.is(p.lastSeq, per);
      t.is(p.state, "online");
      t.true(p.capabilities.includes("ping-average-ip4"));
    }
  });

  test(`${name}: undecodable, mislabelled and oversized payloads are rejected and counted per probe`, async (t) => {
    const c = await collector(t, stores, { maxPayloadBytes: 4096 });
    const s = await sim(t, c, "pr");
    await s.raw(s.topic("result"), Buffer.from([0x0f, 0xff, 0xff, 0xff, 0x07, 0x01]));
    await s.raw(s.topic("result"), Buffer.from(codec.encode({ ...s.pingReport(), probeId: "someone-else", seq: 1 })));
    await s.raw(s.topic("result"), Buffer.alloc(5000, 0x41));
    await s.raw(s.topic("status"), "{not json");
    await s.raw(s.topic("receipt"), JSON.stringify({ nonsense: 1 }));
    // Still ingesting afterwards.
    await s.publishReport(s.pingReport());
    const { body } = await getJson(c.httpUrl, "/api/probes/pr");
    const by = Object.fromEntries(body.rejections.map((r: { reason: string; count: number }) => [r.reason, r.count]));
    t.deepEqual(by, { undecodable: 3, mislabelled: 1, oversized: 1 });
    t.is(body.rejected, 5);
    t.is(body.reports, 1);
    const metrics = await (await fetch(c.httpUrl + "/metrics")).text();
    t.regex(metrics, /miniprobe_payloads_rejected_total\{probe="pr",reason="mislabelled"\} 1/);
    t.regex(metrics, /miniprobe_reports_ingested_total\{probe="pr"\} 1/);
  });

  test(`${name}: a specification goes to the probe, its receipt and result are tracked by token`, async (t) => {
    const c = await collector(t, stores);
    const s = await sim(t, c, "ps");
    await until("capabilities stored", async () => (await c.store.probe("ps"))?.capabilities_json !== null || undefined);
    const bad = await postJson(c.httpUrl, "/api/specifications", { probe: "ps", capability: "ping-average-ip4", parameters: { "ping.ttl": "999" } });
    t.is(bad.status, 400);
    t.is(bad.body.field, "ping.ttl");
    const r = await postJson(c.httpUrl, "/api/specifications", { probe: "ps", capability: "ping-average-ip4", parameters: { "destination.ip4": "127.0.0.1" }, when: "now + 3s / 1s" });
    t.is(r.status, 201, JSON.stringify(r.body));
    const token = r.body.token as string;
    t.regex(token, /^[0-9a-f]{32}$/);
    const done = await until("result for the specification", async () => {
      const sp = (await getJson(c.httpUrl, "/api/specifications/" + token)).body;
      return sp.results >= 1 ? sp : undefined;
    });
    t.is(done.probe, "ps");
    t.not(done.receipt, null);
    t.is(s.specs[0].parameters["destination.ip4"], "127.0.0.1");
    const res = (await getJson(c.httpUrl, "/api/results?token=" + token)).body.results;
    t.is(res.length, 1);
    // Unknown capability: the probe answers with an exception, the state says refused.
    const u = await postJson(c.httpUrl, "/api/specifications", { probe: "ps", capability: "nope" });
    t.is(u.status, 400);
    t.is(u.body.field, "capability");
    // mPlane export carries the parameters and the columns.
    const mp = (await getJson(c.httpUrl, "/api/results?format=mplane&token=" + token)).body;
    t.is(mp.contents[0].result, "measure");
    t.is(mp.contents[0].parameters["destination.ip4"], "127.0.0.1");
    t.true(mp.contents[0].results.includes("delay.twoway.icmp.us.mean"));
    const csv = (await getJson(c.httpUrl, "/api/results?format=csv&token=" + token)).body as string;
    t.regex(csv.split("\n")[0], /^probe,seq,row,token,label,time,delay\.twoway\.icmp\.us\.min/);
    t.regex(csv.split("\n")[1], /^ps,1,0,/);
  });

  test(`${name}: status, will and capabilities make the probe list`, async (t) => {
    const c = await collector(t, stores);
    const s = await sim(t, c, "pw");
    await s.announce({ queueDepth: 7, dropped: 2 });
    let p = (await getJson(c.httpUrl, "/api/probes/pw")).body;
    t.is(p.state, "online");
    t.is(p.queueDepth, 7);
    t.is(p.dropped, 2);
    t.deepEqual(p.capabilities.map((x: { label: string }) => x.label), ["ping-average-ip4", "ping-average-ip6", "traceroute-ip4", "ott-download"]);
    // Abrupt loss: the broker publishes the will.
    s.client.stream.destroy();
    p = await until("will: offline", async () => {
      const b = (await getJson(c.httpUrl, "/api/probes/pw")).body;
      return b.state === "offline" ? b : undefined;
    });
    t.is(p.online, false);
    t.is(p.queueDepth, 7, "the last status still tells the queue depth");
  });
}
