// Through the agent on Node (what `--once` does): an mPlane specification whose scope is an
// absolute range over a recorded log directory (a query over logs already written, which the
// capability's `past ... future` scope allows) gives a result whose rows and values are the
// fixture's rows in the window; runtime.conf stays byte-exact. Also: every Tstat capability
// has its own schema. The device options are handed in here as the CLI's --config will.
import test from "ava";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "../../core/agent/agent.ts";
import { readMessage, writeMessage, type Statement } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { formatTime } from "../../core/util/time.ts";
import type { Measurement } from "../../core/measurements/types.ts";
import { tstat } from "../../core/measurements/tstat/index.ts";
import { tstatCapabilities } from "../../core/measurements/tstat/capabilities.ts";
import { FIX, device, tempDir, testHost } from "./support.ts";

function withOptions(options: Record<string, string>): { m: Measurement; host: ReturnType<typeof testHost> } {
  const host = testHost();
  const dev = device(host, options);
  const m: Measurement = { ...tstat, capabilities: () => tstatCapabilities(dev), run: (ctx) => tstat.run({ ...ctx, device: dev }) };
  return { m, host };
}

function spec(label: string, when: string, parameters: Record<string, string> = {}) {
  return readMessage(parseJson(JSON.stringify({ specification: "measure", version: 1, label, when, parameters, results: [] }))) as Statement;
}

test("done criterion on Node: an absolute past range over mixed_e2e gives the fixture's 27 rows with their values; conf untouched", async (t) => {
  const tmp = tempDir("tstat-agent-");
  t.teardown(tmp.cleanup);
  const conf = join(tmp.dir, "runtime.conf");
  copyFileSync(join(FIX, "runtime-conf-variants/runtime_core.conf"), conf);
  const before = readFileSync(conf, "latin1");
  const { m, host } = withOptions({ "tstat.logDir": join(FIX, "mixed_e2e/out"), "tstat.runtimeConf": conf });
  const agent = new Agent(host, [m]);
  const out = await agent.handle(spec("tstat-log_tcp_complete-end_to_end", "2026-11-22 23:00:00 ... 2026-11-22 23:10:00"));
  const json = JSON.parse(writeMessage(out)) as { result?: string; results: string[]; resultvalues: string[][]; when: string; exception?: string; message?: string };
  t.is(json.result, "measure", JSON.stringify(json).slice(0, 300));
  t.is(json.when, "2026-11-22 23:00:00.000000 ... 2026-11-22 23:10:00.000000");
  const rows = readFileSync(join(FIX, "mixed_e2e/out/2026_11_22_23_01.out/log_tcp_complete"), "latin1").split("\n").slice(1).filter(Boolean).map((l) => l.split(" "));
  t.is(json.resultvalues.length, 27);
  const col = (n: string) => json.results.indexOf(n);
  for (let i = 0; i < 27; i++) {
    const r = json.resultvalues[i];
    const f = rows[i];
    t.is(r[col(f[0].includes(":") ? "source.ip6" : "source.ip4")], f[0]);
    t.is(r[col("source.port")], f[1]);
    t.is(r[col("destination.port")], f[15]);
    t.is(Number(r[col("source.rtt.ms.mean")]), Number(f[44]));
    t.is(r[col("source.rtt.count")], f[48]);
    t.is(r[col("destination.ttl.min")], f[56]);
    t.is(r[col("start")], formatTime(Number(f[28])), "start to the microsecond");
    t.true(r[col("start")].startsWith("2026-11-22 23:01:"));
  }
  t.is(readFileSync(conf, "latin1"), before);
  // a window that holds none of them
  const none = await agent.handle(spec("tstat-log_tcp_complete-end_to_end", "2026-11-22 22:00:00 ... 2026-11-22 22:30:00"));
  t.deepEqual((JSON.parse(writeMessage(none)) as { resultvalues: unknown[] }).resultvalues, []);
  // no log directory configured: no Tstat capability at all
  t.deepEqual(tstat.capabilities(testHost() as never), []);
});

test("every Tstat capability has its own schema; log scopes are past ... future", (t) => {
  const dev = device(testHost(), { "tstat.logDir": "/nonexistent", "tstat.binary": "/usr/bin/tstat" });
  const caps = tstatCapabilities(dev);
  t.deepEqual(caps.map((c) => c.label), [
    "tstat-log_tcp_complete-core", "tstat-log_tcp_complete-end_to_end", "tstat-log_tcp_complete-tcp_options",
    "tstat-log_tcp_complete-p2p_stats", "tstat-log_tcp_complete-layer7", "tstat-log_http_complete", "tstat-log_udp_complete",
    "tstat-capture", "tstat-status",
  ]);
  const schemas = caps.map((c) => Object.keys(c.parameters).sort().join(",") + "|" + c.results.join(","));
  t.is(new Set(schemas).size, caps.length);
  for (const c of caps.slice(0, 7)) t.is(c.when, "past ... future");
  for (const c of caps) t.is(new Set(c.results).size, c.results.length, `${c.label}: no column twice`);
  // every result column is in the registry with a type
  const agent = new Agent(testHost(), [{ ...tstat, capabilities: () => caps }]);
  for (const c of caps) for (const r of c.results) t.truthy(agent.registry.prim(r), `${c.label}: ${r} registered`);
  t.is(agent.registry.prim("source.rtt.ms.mean"), "real");
  t.is(agent.registry.prim("packets.forward"), "natural");
  t.is(agent.registry.prim("source.ip4"), "address");
});
