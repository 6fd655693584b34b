// The operator CLI against a running collector (embedded broker, SQLite) and a simulated
// probe: tables by default, JSON for scripts, exit codes scripts can trust.
import test from "ava";
import { Collector } from "../../tools/collector/collector.ts";
import { ReportCodec } from "../../tools/collector/report-codec.ts";
import { main } from "../../tools/cli/main.ts";
import { ProbeSim } from "../../tools/testkit/probe-sim.ts";
import { tempDir, until } from "./support/util.ts";

const codec = ReportCodec.loadSync();

async function cli(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--url", url, ...args], { write: (s) => (out += s), err: (s) => (err += s), tty: false });
  return { code, out, err };
}

test("probes, capabilities, run, results, interrupt, probe add; exit codes", async (t) => {
  const d = tempDir("miniprobe-cli-");
  t.teardown(d.remove);
  const c = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: d.dir, quiet: true });
  t.teardown(() => c.close());
  const sim = await ProbeSim.start({ url: c.broker.url, probeId: "lab1", codec, refuse: ["ott-download"] });
  t.teardown(() => sim.stop(false));
  await until("capabilities", async () => (await c.store.probe("lab1"))?.capabilities_json || undefined);
  const url = c.httpUrl;

  let r = await cli(url, "probes");
  t.is(r.code, 0, r.err);
  t.regex(r.out.split("\n")[0], /^probe\s+state\s+last seen\s+last measurement\s+queue/);
  t.regex(r.out.split("\n")[1], /^lab1\s+online\s+\d+s ago\s+never\s+0/);
  r = await cli(url, "--json", "probes");
  t.is(JSON.parse(r.out)[0].id, "lab1");

  r = await cli(url, "capabilities", "lab1");
  t.is(r.code, 0);
  t.regex(r.out, /ping-average-ip4\s+now \.\.\. future \/ 0\.2s\s+destination\.ip4=\*/);

  r = await cli(url, "run", "lab1", "ping-average-ip4", "destination.ip4=127.0.0.1", "--when", "now + 3s / 1s");
  t.is(r.code, 0, r.err);
  t.regex(r.err, /lab1 ping-average-ip4 [0-9a-f]{8}: (sent|accepted|done)/);
  const lines = r.out.trim().split("\n");
  t.is(lines.length, 2);
  t.regex(lines[0], /delay\.twoway\.icmp\.us\.mean/);
  const mean = Number(lines[1].split(/\s+/)[5]);
  t.true(mean >= 200 && mean <= 300, lines[1]);

  r = await cli(url, "--json", "run", "lab1", "traceroute-ip4", "destination.ip4=127.0.0.1");
  t.is(r.code, 0, r.err);
  const tr = JSON.parse(r.out);
  t.deepEqual(tr.results.map((x: any) => x.values["intermediate.ip4"]), ["10.0.0.1", "192.0.2.1", "127.0.0.1"]);

  r = await cli(url, "results", "lab1", "--label", "ping-average-ip4", "--csv");
  t.is(r.code, 0);
  t.regex(r.out, /^probe,seq,row,token,label,time,delay\.twoway\.icmp\.us\.min,delay\.twoway\.icmp\.us\.mean/);
  t.is(r.out.trim().split("\n").length, 2);
  r = await cli(url, "results", "lab1", "--since", "10m", "--json");
  t.is(JSON.parse(r.out).length, 4, "one ping row and three hops");

  // The probe refuses: exit 2 with its reason.
  r = await cli(url, "run", "lab1", "ott-download", "content.url=http://127.0.0.1:1/x.m3u8");
  t.is(r.code, 2);
  t.regex(r.err, /refused the specification: destination\.ip4: unreachable/);
  // Usage errors and unknown things.
  t.is((await cli(url, "run", "lab1", "ping-average-ip4", "nokeyvalue")).code, 64);
  r = await cli(url, "run", "lab1", "ping-average-ip4", "ping.ttl=0");
  t.is(r.code, 64);
  t.regex(r.err, /ping\.ttl/);
  t.is((await cli(url, "capabilities", "nobody")).code, 4);
  t.is((await cli(url, "interrupt", "0123456789abcdef0123456789abcdef")).code, 4);
  t.is((await cli("http://127.0.0.1:1", "probes")).code, 1);

  // A periodic specification, interrupted.
  r = await cli(url, "run", "lab1", "ping-average-ip4", "destination.ip4=127.0.0.1", "--when", "now + 1h / 10s", "--no-wait");
  t.is(r.code, 0);
  const token = r.out.trim();
  r = await cli(url, "interrupt", token);
  t.is(r.code, 0);
  t.is(r.out.trim(), token + " interrupted");

  r = await cli(url, "probe", "add", "newprobe");
  t.is(r.code, 0, r.err);
  const cfg = JSON.parse(r.out);
  t.is(cfg.probeId, "newprobe");
  t.is(cfg.username, "newprobe");
  t.is(cfg.prefix, "miniprobe");
  t.is(cfg.registryUrl, url + "/registry/miniprobe.json");
  t.true(await c.credentials.verify("newprobe", cfg.password));
  const reg = (await (await fetch(cfg.registryUrl)).json()) as { "registry-format": string; elements: { name: string }[] };
  t.is(reg["registry-format"], "mplane-0");
  t.true(reg.elements.some((e) => e.name === "ott.mos"));
});
