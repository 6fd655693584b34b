// Collector bench: durable reports/s from 100 simulated probes into SQLite and into
// PostgreSQL (a report counts once its PUBACK arrived, which the collector sends after the
// commit), against the raw pub → sub rate of the same broker with the same payloads in the
// same run; and /api/results latency (p50/p99) over 1 million stored rows.
import mqtt, { MqttClient } from "mqtt";
import { Aedes } from "aedes";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collector } from "../collector/collector.ts";
import { ReportCodec } from "../collector/report-codec.ts";
import { SqliteDb } from "../collector/store/sqlite.ts";
import { PostgresDb } from "../collector/store/postgres.ts";
import { Store } from "../collector/store/store.ts";
import { Db } from "../collector/store/db.ts";
import { startPostgres } from "../testkit/postgres.ts";
import { pingReport } from "../testkit/probe-sim.ts";
import { BenchRow, row } from "./report.ts";

const PROBES = 100;
const PER_PROBE = Number(process.env.BENCH_COLLECTOR_REPORTS ?? 300);
const WINDOW = 20;
const API_ROWS = Number(process.env.BENCH_COLLECTOR_ROWS ?? 1_000_000);

async function connectAll(url: string, n: number, id: (i: number) => string): Promise<MqttClient[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => new Promise<MqttClient>((resolve, reject) => {
    const c = mqtt.connect(url, { clientId: id(i), clean: true, reconnectPeriod: 0, protocolVersion: 4 });
    c.once("connect", () => resolve(c));
    c.once("error", reject);
  })));
}

/** Every client publishes its payloads at QoS 1 with WINDOW in flight; resolves when all are PUBACKed. */
async function publishAll(clients: MqttClient[], topic: (i: number) => string, payload: (i: number, k: number) => Buffer): Promise<void> {
  await Promise.all(clients.map(async (c, i) => {
    let next = 0;
    const lane = async () => {
      while (next < PER_PROBE) {
        const k = next++;
        await c.publishAsync(topic(i), payload(i, k), { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, lane));
  }));
}

function payloads(codec: ReportCodec): Buffer[][] {
  const now = Date.now();
  return Array.from({ length: PROBES }, (_, i) => Array.from({ length: PER_PROBE }, (_, k) =>
    Buffer.from(codec.encode({ ...pingReport("bench" + i, "ab".repeat(16), now - (PER_PROBE - k) * 1000), seq: k + 1 }))));
}

/** Plain aedes, no hooks: publishers → one QoS 1 subscriber (or none: pub → PUBACK only). */
async function rawRate(data: Buffer[][], subscriber = true): Promise<number> {
  const aedes = await Aedes.createBroker({ concurrency: 1000, queueLimit: 1000 });
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const total = PROBES * PER_PROBE;
    let got = 0;
    const subs = subscriber ? await connectAll(url, 1, () => "bench-sub") : [];
    let all: Promise<void> = Promise.resolve();
    if (subscriber) {
      await subs[0].subscribeAsync("raw/+/result", { qos: 1 });
      all = new Promise<void>((resolve) => subs[0].on("message", () => {
        if (++got === total) resolve();
      }));
    }
    const pubs = await connectAll(url, PROBES, (i) => "raw" + i);
    const t0 = performance.now();
    await publishAll(pubs, (i) => `raw/raw${i}/result`, (i, k) => data[i][k]);
    await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`raw: ${got}/${total} delivered`)), 300000))]);
    const s = (performance.now() - t0) / 1000;
    await Promise.all([...pubs, ...subs].map((c) => c.endAsync(true)));
    return total / s;
  } finally {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  }
}

async function ingestRate(store: string, data: Buffer[][]): Promise<{ rate: number; stored: number }> {
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-bench-"));
  const c = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: dir, store, quiet: true });
  try {
    const pubs = await connectAll(c.broker.url, PROBES, (i) => "bench" + i);
    const t0 = performance.now();
    await publishAll(pubs, (i) => `miniprobe/bench${i}/result`, (i, k) => data[i][k]);
    const s = (performance.now() - t0) / 1000;
    await Promise.all(pubs.map((p) => p.endAsync(true)));
    const stored = (await c.store.counts()).reports;
    return { rate: (PROBES * PER_PROBE) / s, stored };
  } finally {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1 million result rows straight into the database, then timed /api/results queries. */
async function apiLatency(db: Db, storeSetting: string): Promise<{ p50: number; p99: number; n: number }> {
  const store = new Store(db);
  await store.migrate();
  const t0 = Date.now() - API_ROWS * 1000;
  const vals = `'{"delay.twoway.icmp.us.mean":' || (200 + i % 100) || '}'`;
  const sel = `'p' || (i % ${PROBES}), i / ${PROBES}, 0, 'ab', CASE WHEN i % 3 = 0 THEN 'traceroute-ip4' ELSE 'ping-average-ip4' END, 's', ${t0} + i * 1000, ${vals}, '127.0.0.1'`;
  if (db.dialect === "sqlite") {
    await db.exec(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${API_ROWS - 1})
      INSERT INTO result_rows (probe_id, seq, idx, token, label, schema, t_ms, vals, target) SELECT ${sel} FROM c`);
  } else {
    await db.exec(`INSERT INTO result_rows (probe_id, seq, idx, token, label, schema, t_ms, vals, target) SELECT ${sel.replace(/i \/ /, "i / ")} FROM generate_series(0, ${API_ROWS - 1}) AS g(i)`);
    await db.exec("ANALYZE result_rows");
  }
  await db.close();
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-bench-"));
  const c = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: dir, store: storeSetting, quiet: true });
  try {
    const queries = [
      "/api/results?limit=100",
      "/api/results?probe=p7&limit=100",
      "/api/results?label=traceroute-ip4&limit=100",
      `/api/results?since=${t0 + 500_000_000}&until=${t0 + 600_000_000}&limit=500&order=asc`,
      "/api/results?probe=p42&since=2h&limit=100",
      "/api/results?probe=p3&limit=1000&format=csv",
    ];
    const times: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 300; i++) {
      let q = queries[i % queries.length];
      if (i % 10 === 9 && cursor) q = "/api/results?limit=100&cursor=" + cursor;
      const s = performance.now();
      const r = await fetch(c.httpUrl + q);
      const text = await r.text();
      times.push(performance.now() - s);
      if (r.status !== 200) throw new Error(q + ": " + r.status + " " + text.slice(0, 200));
      if (i % queries.length === 0) cursor = (JSON.parse(text) as { next: string | null }).next;
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)], n: times.length };
  } finally {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<BenchRow[]> {
  const S = "collector";
  const codec = await ReportCodec.load();
  const data = payloads(codec);
  const rows: BenchRow[] = [];
  const raw = await rawRate(data);
  const note = `${PROBES} probes x ${PER_PROBE} reports, ${data[0][0].length} B each, QoS 1, ${WINDOW} in flight per probe, publishers in this process`;
  rows.push(row(S, "raw broker pub->sub (aedes, no hooks)", raw, "msg/s", undefined, note));
  const acked = await rawRate(data, false);
  rows.push(row(S, "raw broker pub->PUBACK, no subscriber", acked, "msg/s", undefined, "the ingest path minus the database"));
  const sq = await ingestRate("sqlite", data);
  rows.push(row(S, "durable ingest into SQLite", sq.rate, "reports/s", { name: "raw pub->sub", value: raw }, `stored ${sq.stored}; ${(sq.rate / acked).toFixed(2)} of pub->PUBACK`));
  const pg = await startPostgres({ fsync: true });
  try {
    const p = await ingestRate(pg.url, data);
    rows.push(row(S, "durable ingest into PostgreSQL (fsync on)", p.rate, "reports/s", { name: "raw pub->sub", value: raw }, `stored ${p.stored}; ${(p.rate / acked).toFixed(2)} of pub->PUBACK`));
    const dbName = "api_bench";
    const admin = new PostgresDb(pg.url, 1);
    await admin.exec("CREATE DATABASE " + dbName);
    await admin.close();
    const url = pg.url.replace(/\/postgres$/, "/" + dbName);
    const lp = await apiLatency(new PostgresDb(url), url);
    rows.push(row(S, `/api/results p99, ${API_ROWS} rows, PostgreSQL`, lp.p99, "ms", undefined, `p50 ${lp.p50.toFixed(1)} ms, ${lp.n} requests`));
  } finally {
    pg.stop();
  }
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-bench-api-"));
  try {
    const file = join(dir, "api.db");
    const ls = await apiLatency(new SqliteDb(file), file);
    rows.push(row(S, `/api/results p99, ${API_ROWS} rows, SQLite`, ls.p99, "ms", undefined, `p50 ${ls.p50.toFixed(1)} ms, ${ls.n} requests`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
