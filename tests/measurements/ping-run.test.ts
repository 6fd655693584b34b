// Real pings through every host: Node in-process (Agent) and the built bundles on lua5.1,
// luajit and qjs (plus the Node command line), on loopback and inside the probe namespace of
// tools/testkit/net/topology.sh with DELAY_MS=5 per link (RTT ~41 ms to the server). Traffic goes
// only to 127.0.0.1/::1 and to 10.99.x.x / fd99:: inside namespaces made here.
import test from "ava";
import { ping } from "../../core/measurements/ping/index.ts";
import { CliRuntime, Topology, cliRuntimes, nodeAgent, rowsOf, runOnce, specification, topologyUnavailable, topologyUp } from "../../tools/testkit/topology.ts";

const P = { "ping.payload.octets": "56", "ping.ttl": "64", "ping.timeout.s": "1" };
const avg4 = (dst: string, when = "now + 1s / 0.25s") => specification("ping-average-ip4", when, { "destination.ip4": dst, ...P });
const avg6 = (dst: string, when = "now + 1s / 0.25s") => specification("ping-average-ip6", when, { "destination.ip6": dst, ...P });
const num = (s: string | undefined) => (s === undefined || s === "*" ? NaN : Number(s));

const runtimes = cliRuntimes();

function checkAverage(t: import("ava").ExecutionContext, msg: Record<string, unknown> | undefined, count: number, lo: number, hi: number, what: string) {
  const rows = rowsOf(msg);
  t.is(rows.length, 1, `${what}: one aggregate row: ${JSON.stringify(msg)?.slice(0, 400)}`);
  const r = rows[0] ?? {};
  t.is(num(r["delay.twoway.icmp.count"]), count, `${what}: count`);
  t.is(num(r["packets.lost"]), 0, `${what}: lost`);
  const min = num(r["delay.twoway.icmp.us.min"]);
  const mean = num(r["delay.twoway.icmp.us.mean"]);
  const max = num(r["delay.twoway.icmp.us.max"]);
  const med = num(r["delay.twoway.icmp.us.50pct"]);
  t.true(min > 0 && min <= mean && mean <= max && min <= med && med <= max, `${what}: 0 < min ${min} <= mean ${mean} / median ${med} <= max ${max}`);
  t.true(mean >= lo && mean <= hi, `${what}: mean ${mean} us within ${lo} ... ${hi}`);
  t.false(Number.isNaN(num(r["delay.twoway.icmp.us.stddev"])), `${what}: stddev`);
}

// ------------------------------------------------------------------ loopback, every runtime

test("loopback: done criterion on Node in-process: now + 3s / 1s -> count 3, 0 < min <= mean <= max", async (t) => {
  const a = await nodeAgent([ping]);
  const msg = await a.run(avg4("127.0.0.1", "now + 3s / 1s"));
  checkAverage(t, msg, 3, 1, 5000, "node in-process");
});

for (const rt of runtimes) {
  test(`loopback: ${rt.name} --once ping-average-ip4 127.0.0.1 and ip6 ::1, detail rows, exception for a malicious target`, async (t) => {
    if (rt.missing) return t.fail(`${rt.name}: ${rt.missing}`);
    const r4 = await runOnce(rt, avg4("127.0.0.1"));
    t.is(r4.code, 0, r4.stderr);
    checkAverage(t, r4.msg, 4, 1, 5000, `${rt.name} ip4`);
    const r6 = await runOnce(rt, avg6("::1"));
    t.is(r6.code, 0, r6.stderr);
    checkAverage(t, r6.msg, 4, 1, 5000, `${rt.name} ip6`);
    const d = await runOnce(rt, specification("ping-detail-ip4", "now + 1s / 0.5s", { "destination.ip4": "127.0.0.1", ...P }));
    const rows = rowsOf(d.msg);
    t.is(rows.length, 2, d.stdout);
    for (const row of rows) {
      t.true(num(row["delay.twoway.icmp.us"]) > 0);
      t.is(row["ping.reply.ttl"], "64");
      t.true(Math.abs(Date.parse(row["time"].replace(" ", "T") + "Z") - Date.now()) < 60000, `time ${row["time"]}`);
    }
    t.deepEqual(rows.map((r) => r["ping.sequence"]), ["1", "2"]);
    for (const bad of ["-f", ";reboot", "127.0.0.1 -f", "$(reboot)"]) {
      const e = await runOnce(rt, avg4(bad));
      t.is(e.code, 2, `${rt.name} '${bad}' exits 2`);
      t.is(typeof e.msg?.exception, "string");
      t.true(String(e.msg?.message).startsWith("destination.ip4: "), `${rt.name}: ${e.msg?.message}`);
    }
    const n = await runOnce(rt, specification("ping-average-name-ip4", "now + 1s / 0.5s", { "destination.name": "-f", ...P }));
    t.is(n.code, 2);
    t.true(String(n.msg?.message).startsWith("destination.name: "), String(n.msg?.message));
    const oneShot = await runOnce(rt, specification("ping-average-ip4", "now", { "destination.ip4": "127.0.0.1", ...P }));
    t.is(oneShot.code, 2, "a one-shot scope against the periodic capability is refused");
    t.true(String(oneShot.msg?.message).startsWith("when: "), String(oneShot.msg?.message));
  });
}

test("loopback: busybox ping (applet of the busybox binary, found by probeTools) on Node in-process", async (t) => {
  const a = await nodeAgent([ping], [], { busybox: { path: "/usr/bin/busybox", flavour: "busybox" } });
  if (a.tools.ping === undefined) {
    t.pass("busybox has no ping applet here");
    return;
  }
  t.is(a.tools.ping.flavour, "busybox");
  t.true((a.tools.ping.flags ?? []).includes("-W"));
  const msg = await a.run(avg4("127.0.0.1"));
  checkAverage(t, msg, 4, 1, 5000, "busybox");
  const d = await a.run(specification("ping-detail-ip4", "now + 1s / 0.5s", { "destination.ip4": "127.0.0.1", ...P }));
  t.deepEqual(rowsOf(d).map((r) => r["ping.sequence"]), ["0", "1"], "busybox counts from 0");
  t.true(rowsOf(d).every((r) => r["time"] !== "*"), "times from line arrival");
});

// ------------------------------------------------------------------ topology with delay

let topo: Topology | undefined;
let why: string | undefined = topologyUnavailable();

test.before(() => {
  if (why) return;
  try {
    topo = topologyUp({ prefix: "mpping-", delayMs: 5, dns: true });
  } catch (e) {
    why = (e as Error).message;
  }
});
test.after.always(() => topo?.down());

const viaTopo = (name: string, f: (t: import("ava").ExecutionContext, topo: Topology) => Promise<void>) =>
  test.serial(`topology: ${name}`, async (t) => {
    if (!topo) {
      t.log(`skipped: ${why}`);
      t.pass();
      return;
    }
    await f(t, topo);
  });

// RTT per link traversal: 2 * 5 ms per hop plus delaywire's ~0.1-0.3 ms; server is 4 hops away
for (const rt of runtimes) {
  viaTopo(`${rt.name}: ping 10.99.3.2 (41 ms) and 10.99.1.1 (10 ms) and fd99:0:0:3::2 inside the probe namespace`, async (t, tp) => {
    if (rt.missing) return t.fail(`${rt.name}: ${rt.missing}`);
    const far = await runOnce(rt, avg4("10.99.3.2"), tp.inProbe);
    t.is(far.code, 0, far.stderr);
    checkAverage(t, far.msg, 4, 39000, 60000, `${rt.name} server`);
    const near = await runOnce(rt, avg4("10.99.1.1"), tp.inProbe);
    checkAverage(t, near.msg, 4, 9500, 20000, `${rt.name} r1`);
    const v6 = await runOnce(rt, avg6("fd99:0:0:3::2"), tp.inProbe);
    checkAverage(t, v6.msg, 4, 39000, 60000, `${rt.name} server v6`);
  });
}

viaTopo("node in-process: blackhole is a result with 100% loss; unreachable likewise; TTL 2 expires", async (t, tp) => {
  const a = await nodeAgent([ping], tp.inProbe);
  for (const dst of ["10.99.250.1", "10.99.251.1"]) {
    const msg = await a.run(avg4(dst));
    const r = rowsOf(msg)[0];
    t.truthy(r, JSON.stringify(msg));
    t.is(r["delay.twoway.icmp.count"], "0", dst);
    t.is(r["packets.lost"], "4", dst);
    t.is(r["delay.twoway.icmp.us.mean"], "*", dst);
  }
  const ttl = await a.run(specification("ping-average-ip4", "now + 1s / 0.5s", { "destination.ip4": "10.99.3.2", ...P, "ping.ttl": "2" }));
  t.is(rowsOf(ttl)[0]["delay.twoway.icmp.count"], "0");
});

viaTopo("every runtime: host name resolved by the tool (fakedns) and the address reported", async (t, tp) => {
  for (const rt of runtimes) {
    if (rt.missing) continue;
    const r = await runOnce(rt, specification("ping-average-name-ip4", "now + 1s / 0.5s", { "destination.name": "server.lab.test", ...P }), tp.inProbeDns);
    const row = rowsOf(r.msg)[0];
    t.truthy(row, `${rt.name}: ${r.stdout} ${r.stderr}`);
    t.is(row?.["destination.ip4"], "10.99.3.2", rt.name);
    t.is(row?.["delay.twoway.icmp.count"], "2", rt.name);
    const nx = await runOnce(rt, specification("ping-average-name-ip4", "now + 1s / 0.5s", { "destination.name": "nowhere.lab.test", ...P }), tp.inProbeDns);
    t.is(nx.code, 0, `${rt.name}: an unknown name is a result`);
    t.is(rowsOf(nx.msg)[0]?.["delay.twoway.icmp.count"], "0");
  }
});

viaTopo("busybox ping through the topology agrees with iputils on the delay", async (t, tp) => {
  const a = await nodeAgent([ping], tp.inProbe, { busybox: { path: "/usr/bin/busybox", flavour: "busybox" } });
  if (a.tools.ping === undefined) {
    t.pass("no busybox ping");
    return;
  }
  checkAverage(t, await a.run(avg4("10.99.3.2")), 4, 39000, 60000, "busybox server");
});

export type { CliRuntime };
