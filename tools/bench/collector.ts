// Collector bench: durable reports/s from 100 simulated probes into SQLite and into
// PostgreSQL, behind the embedded aedes broker and behind an external mosquitto, each
// against the raw pub → sub rate of the same broker with the same publishers and payloads
// in the same run; and /api/results latency (p50/p99) over 1 million stored rows.
//
// The probes are a child process (collector-load.ts), so what is measured is this process
// (broker or broker client, decoding, database) and not the load generator. "Durable":
// with aedes a report counts when its PUBACK is back at the probe, which the collector
// writes only after the commit; with mosquitto the broker PUBACKs the probe at once, so a
// report counts when the collector committed it (its PUBACK to mosquitto follows). Every
// figure is the median of BENCH_COLLECTOR_RUNS runs (default 3), run interleaved so the
// load of this shared machine spreads over all of them.
import mqtt from "mqtt";
import { Aedes } from "aedes";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Collector } from "../collector/collector.ts";
import { SqliteDb } from "../collector/store/sqlite.ts";
import { PostgresDb } from "../collector/store/postgres.ts";
import { Store } from "../collector/store/store.ts";
import { Db } from "../collector/store/db.ts";
import { startPostgres, PgServer } from "../testkit/postgres.ts";
import { startMosquitto, Mosquitto } from "../testkit/mosquitto.ts";
import type { LoadConfig, LoadResult } from "./collector-load.ts";
import { BenchRow, row } from "./report.ts";

const PROBES = 100;
const PER_PROBE = Number(process.env.BENCH_COLLECTOR_REPORTS ?? 500);
const WINDOW = 20;
const RUNS = Number(process.env.BENCH_COLLECTOR_RUNS ?? 3);
const API_ROWS = Number(process.env.BENCH_COLLECTOR_ROWS ?? 1_000_000);
const PREFIX = "miniprobe";
const TOTAL = PROBES * PER_PROBE;
/** Any one measurement: load started to every report counted. */
const RUN_TIMEOUT_MS = 180_000;
const LOAD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "collector-load.ts");

type BrokerKind = "aedes" | "mosquitto";

interface Load {
  /** Starts publishing; resolves with the child's own timing when every report is PUBACKed. */
  go(): Promise<LoadResult>;
  stop(): void;
}

/** The probes' process, connected and waiting for "go". */
async function startLoad(port: number): Promise<Load> {
  const cfg: LoadConfig = { host: "127.0.0.1", port, probes: PROBES, perProbe: PER_PROBE, window: WINDOW, prefix: PREFIX, nowMs: Date.now(), timeoutMs: RUN_TIMEOUT_MS + 60_000 };
  const child = spawn(process.execPath, ["--import", "tsx", LOAD_SCRIPT, JSON.stringify(cfg)], { stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((l: string) => void)[] = [];
  lines.on("line", (l) => waiting.shift()?.(l));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`collector-load exited (${code}): ${err.slice(0, 500)}`))));
  exited.catch(() => undefined);
  const line = () => Promise.race([new Promise<string>((r) => waiting.push(r)), exited]);
  const ready = await bounded(line(), 60_000, "collector-load: no 'ready'");
  if (ready !== "ready") throw new Error("collector-load said: " + ready);
  return {
    go: async () => {
      child.stdin.write("go\n");
      return JSON.parse(await bounded(line(), RUN_TIMEOUT_MS, "collector-load: not done")) as LoadResult;
    },
    stop: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** A measured rate, with how busy this process was meanwhile (event loop, CPU of all its threads). */
export interface Rate {
  rate: number;
  /** Event loop utilization, 0..1. */
  elu: number;
  /** CPU time of this process over wall time (1 = one core). */
  cpu: number;
  /** Ingest only: mean reports per committed transaction. */
  batch?: number;
}

function measuring(): (reports: number) => Rate {
  const t0 = performance.now();
  const e0 = performance.eventLoopUtilization();
  const c0 = process.cpuUsage();
  return (reports) => {
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { rate: reports / (ms / 1000), elu: performance.eventLoopUtilization(e0).utilization, cpu: (c.user + c.system) / 1000 / ms };
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

const BROKER_SETTINGS = ["max_queued_messages 1000000", "max_inflight_messages 1000"];

async function withMosquitto<T>(fn: (m: Mosquitto, url: string) => Promise<T>): Promise<T> {
  const m = await startMosquitto({ logTypes: ["error"], settings: BROKER_SETTINGS });
  try {
    return await fn(m, `mqtt://127.0.0.1:${m.port}`);
  } finally {
    await m.stop();
  }
}

/** The raw rate: the same probes into the broker, one plain QoS 1 subscriber (mqtt.js, as the collector's broker client) counting in this process. */
export async function rawRate(kind: BrokerKind): Promise<Rate> {
  const measure = async (url: string): Promise<Rate> => {
    // MQTT 5 with the collector's receive window on mosquitto; aedes speaks 3.1.1 only.
    const v5 = { protocolVersion: 5, properties: { receiveMaximum: 1000 } } as const;
    const sub = mqtt.connect(url, { clientId: "bench-sub", clean: true, reconnectPeriod: 0, ...(kind === "mosquitto" ? v5 : { protocolVersion: 4 as const }) });
    try {
      await bounded(new Promise<void>((resolve, reject) => {
        sub.once("connect", () => resolve());
        sub.once("error", reject);
      }), 10_000, "bench subscriber: no CONNACK");
      await sub.subscribeAsync(PREFIX + "/+/result", { qos: 1 });
      let got = 0;
      const all = new Promise<void>((resolve) => sub.on("message", () => {
        if (++got === TOTAL) resolve();
      }));
      const load = await startLoad(portOf(url));
      try {
        const done = measuring();
        await load.go();
        await bounded(all, RUN_TIMEOUT_MS, `raw ${kind}: ${got}/${TOTAL} delivered`);
        return done(TOTAL);
      } finally {
        load.stop();
      }
    } finally {
      await sub.endAsync(true);
    }
  };
  if (kind === "mosquitto") return withMosquitto((_, url) => measure(url));
  const aedes = await Aedes.createBroker({ concurrency: 1000, queueLimit: 1000 });
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  try {
    return await measure(`mqtt://127.0.0.1:${(server.address() as { port: number }).port}`);
  } finally {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** A fresh store setting per run: a SQLite file in a temp dir, or a new PostgreSQL database. */
async function freshStore(kind: "sqlite" | "postgres", pg: PgServer, dir: string, n: number): Promise<string> {
  if (kind === "sqlite") return join(dir, "collector.db");
  const name = "ingest_bench_" + n;
  const admin = new PostgresDb(pg.url, 1);
  await admin.exec("CREATE DATABASE " + name);
  await admin.close();
  return pg.url.replace(/\/postgres$/, "/" + name);
}

export async function ingestRate(kind: BrokerKind, storeKind: "sqlite" | "postgres", pg: PgServer, n: number): Promise<Rate> {
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-bench-"));
  const store = await freshStore(storeKind, pg, dir, n);
  const run = async (broker: string): Promise<Rate> => {
    const c = await Collector.start({ broker, mqttPort: 0, httpPort: 0, dataDir: dir, store, quiet: true, brokerClientId: "bench-collector" });
    try {
      let committed = 0;
      let batches = 0;
      let done: () => void = () => undefined;
      const all = new Promise<void>((r) => (done = r));
      const before = c.ingest.onReports;
      c.ingest.onReports = (reports) => {
        before(reports);
        committed += reports.length;
        batches++;
        if (committed >= TOTAL) done();
      };
      const load = await startLoad(portOf(c.broker.url));
      try {
        const done = measuring();
        // aedes: the probe's last PUBACK comes after the last commit. mosquitto: wait for the commit.
        await load.go();
        if (kind === "mosquitto") await bounded(all, RUN_TIMEOUT_MS, `${kind}/${storeKind}: ${committed}/${TOTAL} committed`);
        const rate = { ...done(TOTAL), batch: committed / Math.max(1, batches) };
        const stored = (await c.store.counts()).reports;
        if (stored !== TOTAL) throw new Error(`${kind}/${storeKind}: ${stored} reports stored, ${TOTAL} sent`);
        return rate;
      } finally {
        load.stop();
      }
    } finally {
      await c.close();
    }
  };
  try {
    return kind === "mosquitto" ? await withMosquitto((_, url) => run(url)) : await run("embedded");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
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
  const rows: BenchRow[] = [];
  const pg = await startPostgres({ fsync: true });
  try {
    const runs: Record<string, Rate[]> = {};
    const add = (k: string, v: Rate) => (runs[k] ??= []).push(v);
    let n = 0;
    for (let i = 0; i < RUNS; i++) {
      for (const b of ["aedes", "mosquitto"] as const) {
        add(b + " raw", await rawRate(b));
        add(b + " sqlite", await ingestRate(b, "sqlite", pg, ++n));
        add(b + " postgres", await ingestRate(b, "postgres", pg, ++n));
      }
    }
    // Each run's rate, and this process's event loop / CPU use in the median run.
    const med = (k: string) => median(runs[k].map((r) => r.rate));
    const all = (k: string) => {
      const byRate = runs[k].slice().sort((a, b) => a.rate - b.rate);
      const m = byRate[Math.floor(byRate.length / 2)];
      return `runs ${runs[k].map((v) => Math.round(v.rate)).join(", ")}; collector process: event loop ${Math.round(m.elu * 100)}% busy, CPU ${m.cpu.toFixed(2)} cores${m.batch !== undefined ? `, ${Math.round(m.batch)} reports per transaction` : ""}`;
    };
    const note = `${PROBES} probes x ${PER_PROBE} reports, QoS 1, ${WINDOW} in flight per probe, probes in a child process; median of ${RUNS}`;
    for (const b of ["aedes", "mosquitto"] as const) {
      const raw = med(b + " raw");
      const base = { name: "raw pub->sub", value: raw };
      rows.push(row(S, `${b}: raw broker pub->sub`, raw, "msg/s", undefined, `${note}; ${all(b + " raw")}`));
      rows.push(row(S, `${b}: durable ingest into SQLite`, med(b + " sqlite"), "reports/s", base, all(b + " sqlite")));
      rows.push(row(S, `${b}: durable ingest into PostgreSQL`, med(b + " postgres"), "reports/s", base, "fsync on; " + all(b + " postgres")));
    }
    if (API_ROWS > 0) {
      const dbName = "api_bench";
      const admin = new PostgresDb(pg.url, 1);
      await admin.exec("CREATE DATABASE " + dbName);
      await admin.close();
      const url = pg.url.replace(/\/postgres$/, "/" + dbName);
      const lp = await apiLatency(new PostgresDb(url), url);
      rows.push(row(S, `/api/results p99, ${API_ROWS} rows, PostgreSQL`, lp.p99, "ms", undefined, `p50 ${lp.p50.toFixed(1)} ms, ${lp.n} requests`));
    }
  } finally {
    pg.stop();
  }
  if (API_ROWS > 0) {
    const dir = mkdtempSync(join(tmpdir(), "miniprobe-bench-api-"));
    try {
      const file = join(dir, "api.db");
      const ls = await apiLatency(new SqliteDb(file), file);
      rows.push(row(S, `/api/results p99, ${API_ROWS} rows, SQLite`, ls.p99, "ms", undefined, `p50 ${ls.p50.toFixed(1)} ms, ${ls.n} requests`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
