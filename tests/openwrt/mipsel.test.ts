// The closest thing to a MIPS MiniProbe we can run here: the Lua .ipk installed the way opkg
// would into a throwaway root, its UCI file pointed at a collector (embedded broker on a free
// loopback port, SQLite in a temp dir, credentials from POST /api/probes), and the INSTALLED
// bundle run as procd would run it (`--uci /etc/config/miniprobe`) on Debian's lua5.1 for
// mipsel under qemu-user, with the mipsel busybox ping and traceroute as the tools it finds.
// Specifications go in through the collector's HTTP API; the results come back through MQTT
// into the collector's store and are checked value by value. The Lua heap (the agent's status
// heapKb, collectgarbage("count") on 32-bit mipsel) and the RSS of the qemu process are logged
// at idle and during a ping run.
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import { Collector } from "../../tools/collector/collector.ts";
import { VARIANTS, buildIpk } from "../../tools/package/ipk.ts";
import { editUci, install } from "../../tools/package/opkg-root.ts";
import { TMPFS, appletDir, mipselMissing, rssKbOf, rssSampler, runInstalled, startInstalled } from "../../tools/package/mipsel-probe.ts";
import { getJson, postJson, until } from "../collector/support/util.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const LUA = VARIANTS.find((v) => v.name === "lua")!;

interface Status {
  status: string;
  uptimeS: number;
  running: number;
  heapKb?: number;
  rssKb?: number;
  runtime: string;
  platform: string;
}

test("the installed Lua package on mipsel Lua under qemu-user: ping and traceroute through the collector", async (t) => {
  if (!fs.existsSync(path.join(REPO, LUA.bundle))) return t.fail("dist/miniprobe.lua missing: run npm run build first");
  const missing = mipselMissing();
  if (missing) return t.fail(missing);
  t.timeout(170000);

  const tmp = fs.mkdtempSync(path.join(TMPFS!, "mp-mipsel-"));
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, "root");
  install(root, buildIpk(LUA), "miniprobe-lua");
  const bin = appletDir(path.join(tmp, "bin"));

  const c = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: path.join(tmp, "data"), quiet: true, anonymous: false });
  t.teardown(() => c.close());
  // What `miniprobe probe add mips-1` prints on the collector, copied into UCI on the router.
  const made = await postJson(c.httpUrl, "/api/probes", { id: "mips-1" });
  t.is(made.status, 201, JSON.stringify(made.body));
  const conf = editUci(root, {
    broker: [made.body.broker],
    username: made.body.username,
    password: made.body.password,
    probe_id: made.body.probeId,
    queue_dir: path.join(root, "tmp/miniprobe"),
    status_interval: "5",
    log_level: "debug",
  });

  // The agent reads UCI itself: what it would run with, password masked.
  const cc = runInstalled(root, bin, ["--uci", conf, "--check-config"]);
  t.is(cc.status, 0, cc.stderr);
  const eff = JSON.parse(cc.stdout) as Record<string, unknown>;
  t.deepEqual(eff.broker, [made.body.broker]);
  t.is(eff.probeId, "mips-1");
  t.is(eff.username, "mips-1");
  t.not(eff.password, made.body.password, "the password is not printed");
  t.is(eff.statusIntervalS, 5);

  const probe = startInstalled(root, bin);
  t.teardown(() => probe.stop(2000).then(() => undefined));
  const probeView = async () => (await getJson(c.httpUrl, "/api/probes/mips-1")).body as { online: boolean; capabilities: { label: string }[]; status: Status | null };
  const online = await until("the mipsel probe online with its capabilities", async () => {
    if (probe.exited()) return "exited" as const;
    const p = await probeView();
    return p.online && p.capabilities.length > 0 ? p : undefined;
  }, 90000, 250);
  if (online === "exited") return t.fail("the probe exited: " + probe.log().slice(-2000));
  const labels = online.capabilities.map((x) => x.label);
  for (const l of ["ping-average-ip4", "ping-detail-ip4", "traceroute-ip4"]) t.true(labels.includes(l), `${l} in ${labels.join(", ")}`);
  t.regex(online.status!.runtime, /Lua 5\.1/);
  t.regex(online.status!.platform, /mips/i, "the agent sees a MIPS machine");
  t.regex(probe.log(), /mips-1/);

  // Idle: a status the probe published after it had been up a few seconds.
  const idle = await until("an idle status after 5 s", async () => {
    const s = (await probeView()).status;
    return s && s.uptimeS >= 5 && s.running === 0 ? s : undefined;
  }, 60000, 250);
  const idleRss = rssKbOf(probe.pid);
  t.true(idle.heapKb! > 50 && idle.heapKb! < 16384, `idle heap ${idle.heapKb} KB`);

  // Ping: 50 echo requests 0.2 s apart; a status during the run shows the heap while running.
  const sampler = rssSampler(probe.pid);
  const ping = await postJson(c.httpUrl, "/api/specifications", {
    probe: "mips-1", capability: "ping-average-ip4", when: "now + 10s / 0.2s",
    parameters: { "destination.ip4": "127.0.0.1", "ping.payload.octets": "56", "ping.ttl": "64", "ping.timeout.s": "2" },
  });
  t.is(ping.status, 201, JSON.stringify(ping.body));
  let during: Status | undefined;
  const pingRes = await until("the ping result in the collector", async () => {
    const s = (await probeView()).status;
    if (s && s.running > 0 && (during === undefined || s.uptimeS > during.uptimeS)) during = s;
    const r = (await getJson(c.httpUrl, "/api/results?token=" + ping.body.token)).body.results as { label: string; values: Record<string, unknown> }[];
    return r.length > 0 ? r : undefined;
  }, 90000, 200);
  const rssDuring = sampler.stop();
  t.is(pingRes.length, 1);
  t.is(pingRes[0].label, "ping-average-ip4");
  const v = pingRes[0].values;
  const n = (k: string) => Number(v[k]);
  // duration / period = 50 echo requests; a run that starts late keeps its planned end
  // (core/agent/scheduler.ts), so the milliseconds qemu takes to start it cost the last one.
  t.true(n("delay.twoway.icmp.count") >= 45 && n("delay.twoway.icmp.count") <= 50, JSON.stringify(v));
  t.is(n("packets.lost"), 0);
  t.true(n("delay.twoway.icmp.us.min") > 0 && n("delay.twoway.icmp.us.min") <= n("delay.twoway.icmp.us.mean"));
  t.true(n("delay.twoway.icmp.us.mean") <= n("delay.twoway.icmp.us.max"));
  t.true(n("delay.twoway.icmp.us.50pct") >= n("delay.twoway.icmp.us.min") && n("delay.twoway.icmp.us.50pct") <= n("delay.twoway.icmp.us.max"));
  // Loopback under emulation: well under 100 ms even on a loaded machine.
  t.true(n("delay.twoway.icmp.us.mean") < 100000, `mean ${n("delay.twoway.icmp.us.mean")} us`);
  t.true(n("delay.twoway.icmp.us.stddev") >= 0);

  // Traceroute to 127.0.0.1: one hop, the destination itself, reached.
  const tr = await postJson(c.httpUrl, "/api/specifications", {
    probe: "mips-1", capability: "traceroute-ip4", when: "now",
    parameters: { "destination.ip4": "127.0.0.1", "traceroute.protocol": "udp", "traceroute.hops.max": "5", "traceroute.queries": "3", "traceroute.wait.s": "2" },
  });
  t.is(tr.status, 201, JSON.stringify(tr.body));
  const trRes = await until("the traceroute result in the collector", async () => {
    const r = (await getJson(c.httpUrl, "/api/results?order=asc&token=" + tr.body.token)).body.results as { label: string; row: number; values: Record<string, unknown> }[];
    return r.length > 0 ? r : undefined;
  }, 90000, 200).catch(async (e: Error) => {
    t.log(JSON.stringify((await getJson(c.httpUrl, "/api/specifications/" + tr.body.token)).body));
    t.log(JSON.stringify((await getJson(c.httpUrl, "/api/probes/mips-1")).body));
    t.log(probe.log().slice(-3000));
    throw e;
  });
  t.true(trRes.every((r) => r.label === "traceroute-ip4"));
  t.is(trRes.length, 3, "three probes to the one hop: " + JSON.stringify(trRes.map((r) => r.values)));
  for (const r of trRes) {
    t.is(Number(r.values["traceroute.hop"]), 1);
    t.is(r.values["intermediate.ip4"], "127.0.0.1");
    t.true(Number(r.values["rtt.us"]) > 0 && Number(r.values["rtt.us"]) < 100000, `rtt ${r.values["rtt.us"]}`);
    t.true([true, "True", "true", 1].includes(r.values["destination.reached"] as never), `reached: ${r.values["destination.reached"]}`);
  }
  t.deepEqual(trRes.map((r) => Number(r.values["traceroute.probe"])).sort(), [1, 2, 3]);

  t.log(`mipsel Lua heap: idle ${idle.heapKb} KB, during ping ${during?.heapKb ?? "(no status during the run)"} KB`);
  t.log(`RSS of the qemu-mipsel process: idle ${idleRss} KB (agent's own /proc/self/statm: ${idle.rssKb} KB), during ping max ${Math.max(...rssDuring)} KB`);

  // The tools it ran were the mipsel busybox applets on its PATH.
  t.true(probe.log().includes(`ping: ${bin}/ping -4 -c `), "ran the PATH's ping");
  t.true(probe.log().includes(`traceroute: ${bin}/traceroute -n `), "ran the PATH's traceroute");

  // SIGTERM as procd sends it: drain, say offline, exit 0.
  t.is(await probe.stop(15000), 0, probe.log().slice(-2000));
  t.true(await until("the probe offline", async () => ((await probeView()).online ? undefined : true), 20000, 200));

  // A UCI change (`uci set miniprobe.main.probe_id=...; uci commit; reload_config`): procd
  // restarts the instance because its `file` parameter changed; the restarted agent is the
  // new identity, with the new credentials, and the old report queue is empty.
  const made2 = await postJson(c.httpUrl, "/api/probes", { id: "mips-2" });
  editUci(root, { probe_id: "mips-2", username: made2.body.username, password: made2.body.password });
  const eff2 = JSON.parse(runInstalled(root, bin, ["--uci", conf, "--check-config"]).stdout) as Record<string, unknown>;
  t.is(eff2.probeId, "mips-2");
  const again = startInstalled(root, bin);
  t.teardown(() => again.stop(2000).then(() => undefined));
  const p2 = await until("mips-2 online", async () => {
    if (again.exited()) return "exited" as const;
    const b = (await getJson(c.httpUrl, "/api/probes/mips-2")).body as { online?: boolean; status: Status | null; queueDepth: number };
    return b.online ? b : undefined;
  }, 90000, 250);
  if (p2 === "exited") return t.fail("the restarted probe exited: " + again.log().slice(-2000));
  t.is(p2.queueDepth, 0);
  t.is(await again.stop(15000), 0, again.log().slice(-2000));
});
