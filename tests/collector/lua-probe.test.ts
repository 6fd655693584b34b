// The deployment path end to end with real parts only: mosquitto with the password file and
// ACL the collector's tooling writes, PostgreSQL (a cluster the test creates), the collector
// on both, a real Lua probe (lua5.1 dist/miniprobe.lua --config, the config that
// `miniprobe probe add` prints), and the operator CLI: `run` sends a ping specification and
// waits for its result, `results` prints the rows.
import test from "ava";
import { ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Collector } from "../../tools/collector/collector.ts";
import { addMosquittoCollector } from "../../tools/collector/mosquitto-files.ts";
import { main } from "../../tools/cli/main.ts";
import { startPostgres } from "../../tools/testkit/postgres.ts";
import { startMosquitto } from "./support/mosquitto.ts";
import { tempDir, until } from "./support/util.ts";

async function cli(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--url", url, ...args], { write: (s) => (out += s), err: (s) => (err += s), tty: false });
  return { code, out, err };
}

test("mosquitto + PostgreSQL: the CLI sends a ping specification to a Lua probe and `miniprobe results` prints its rows", async (t) => {
  const [pgs, m] = await Promise.all([startPostgres({ fsync: false }), startMosquitto({ auth: true })]);
  t.teardown(() => pgs.stop());
  t.teardown(() => m.stop());
  const files = { passwd: m.passwd, acl: m.acl };
  addMosquittoCollector(files, "miniprobe", "collector", "collector-pw");
  m.hup();
  const d = tempDir("miniprobe-luaprobe-");
  t.teardown(d.remove);
  const c = await until("collector", async () => Collector.start({
    broker: m.url, brokerUser: "collector", brokerPassword: "collector-pw", brokerClientId: "coll-" + process.pid,
    store: pgs.url, mqttPort: 0, httpPort: 0, dataDir: d.dir, quiet: true,
  }).catch(() => undefined), 20000, 300);
  t.teardown(() => c.close());
  const url = c.httpUrl;

  // probe add: credentials into mosquitto's files, and the probe's configuration on stdout
  let r = await cli(url, "--json", "probe", "add", "lab-lua", "--mosquitto-passwd", m.passwd, "--mosquitto-acl", m.acl);
  t.is(r.code, 0, r.err);
  const cfg = JSON.parse(r.out) as Record<string, unknown>;
  t.is(cfg.probeId, "lab-lua");
  t.is(typeof cfg.password, "string");
  m.hup();
  await new Promise((res) => setTimeout(res, 300));
  const cfgFile = join(d.dir, "probe.json");
  writeFileSync(cfgFile, JSON.stringify({ ...cfg, broker: m.url, queueDir: join(d.dir, "queue"), statusIntervalS: 5 }));

  let log = "";
  const probe: ChildProcess = spawn("lua5.1", ["dist/miniprobe.lua", "--config", cfgFile], { stdio: ["ignore", "ignore", "pipe"] });
  probe.stderr!.on("data", (b: Buffer) => { if (log.length < 100000) log += b.toString(); });
  t.teardown(() => { probe.kill("SIGKILL"); });
  await until("the probe online with capabilities", async () => {
    const p = await c.store.probe("lab-lua");
    return p?.capabilities_json ? p : undefined;
  }, 60000, 200).catch((e) => { throw new Error((e as Error).message + "\nprobe log:\n" + log); });

  r = await cli(url, "probes");
  t.regex(r.out, /lab-lua\s+online/, r.out);
  r = await cli(url, "run", "lab-lua", "ping-average-ip4", "destination.ip4=127.0.0.1", "--when", "now + 2s / 1s");
  t.is(r.code, 0, r.err + "\nprobe log:\n" + log);
  t.regex(r.out.split("\n")[0], /delay\.twoway\.icmp\.us\.mean/);
  r = await cli(url, "--json", "results", "lab-lua", "--label", "ping-average-ip4");
  t.is(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { probe: string; seq: number; values: Record<string, number> }[];
  t.is(rows.length, 1);
  t.is(rows[0].probe, "lab-lua");
  t.is(rows[0].seq, 1);
  t.is(rows[0].values["delay.twoway.icmp.count"], 2);
  t.is(rows[0].values["packets.lost"], 0);
  t.true(rows[0].values["delay.twoway.icmp.us.mean"] > 0 && rows[0].values["delay.twoway.icmp.us.mean"] < 1000000);
  r = await cli(url, "results", "lab-lua", "--csv");
  t.regex(r.out, /^probe,seq,row,token,label,time/);
  t.is(r.out.trim().split("\n").length, 2);
  t.log(r.out.trim());
});
