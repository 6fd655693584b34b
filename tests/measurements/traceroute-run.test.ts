// Real traceroutes through every host: Node in-process (Agent) and the built bundles on
// lua5.1, luajit and qjs (plus the Node command line), on loopback and inside the probe
// namespace of tools/testkit/net/topology.sh (ECMP r1 -> r2 | r2b, L4 hash). The topology runs with
// DELAY_MS=1 so frames cross delaywire.py: on plain veth pairs the sending socket's random
// txhash travels with the packet into the router's namespace and decides the ECMP branch,
// which no real link does (a per-probe socket then looks load-balanced even with a constant
// 5-tuple). Traffic only to 127.0.0.1/::1 and 10.99.x.x / fd99:: inside namespaces made here.
import test, { ExecutionContext } from "ava";
import { traceroute } from "../../core/measurements/traceroute/index.ts";
import { Topology, cliRuntimes, nodeAgent, rowsOf, runOnce, specification, topologyUnavailable, topologyUp } from "../../tools/testkit/topology.ts";

const Q = (proto: string, more: Record<string, string> = {}) => ({
  "traceroute.protocol": proto, "traceroute.hops.max": "10", "traceroute.queries": "1", "traceroute.wait.s": "1", ...more,
});
const tr4 = (label: string, dst: string, proto = "udp", more: Record<string, string> = {}) =>
  specification(label, "now", { "destination.ip4": dst, ...Q(proto, more) });
const lb4 = (dst: string, proto = "udp") =>
  specification("tracelb-ip4", "now", { "destination.ip4": dst, "traceroute.protocol": proto, "traceroute.queries": "2", "traceroute.wait.s": "1" });

type Row = Record<string, string>;
const hops = (rows: Row[], col = "intermediate.ip4") => {
  const m = new Map<number, Set<string>>();
  for (const r of rows) {
    const h = Number(r["traceroute.hop"]);
    if (!m.has(h)) m.set(h, new Set());
    if (r[col] !== "*") m.get(h)!.add(r[col]);
  }
  return m;
};

/** The hop list of the topology: r1, r2|r2b, r3 (inbound side), server; reached. */
function checkPath(t: ExecutionContext, rows: Row[], what: string) {
  const h = hops(rows);
  t.deepEqual([...h.keys()], [1, 2, 3, 4], `${what}: four hops: ${JSON.stringify(rows)}`);
  t.deepEqual([...(h.get(1) ?? [])], ["10.99.1.1"], what);
  for (const a of h.get(2) ?? []) t.true(a === "10.99.12.2" || a === "10.99.112.2", `${what}: hop 2 ${a}`);
  for (const a of h.get(3) ?? []) t.true(a === "10.99.23.3" || a === "10.99.123.3", `${what}: hop 3 ${a}`);
  t.deepEqual([...(h.get(4) ?? [])], ["10.99.3.2"], what);
  t.true(rows.every((r) => r["destination.reached"] === "True"), `${what}: reached`);
}

const runtimes = cliRuntimes();

// ------------------------------------------------------------------ loopback

for (const rt of runtimes) {
  test(`loopback: ${rt.name} --once traceroute-ip4 and traceroute-paris-ip4 to 127.0.0.1: hop 1 is 127.0.0.1, reached; bad targets refused`, async (t) => {
    if (rt.missing) return t.fail(`${rt.name}: ${rt.missing}`);
    for (const label of ["traceroute-ip4", "traceroute-paris-ip4"]) {
      const r = await runOnce(rt, tr4(label, "127.0.0.1", "udp", { "traceroute.queries": "3" }));
      t.is(r.code, 0, `${rt.name} ${label}: ${r.stderr}`);
      const rows = rowsOf(r.msg);
      t.true(rows.length >= 1, r.stdout);
      t.is(rows[0]?.["traceroute.hop"], "1");
      t.is(rows[0]?.["intermediate.ip4"], "127.0.0.1");
      t.true(Number(rows[0]?.["rtt.us"]) >= 0);
      t.is(rows[0]?.["traceroute.flag"], "");
      t.true(rows.every((x) => x["destination.reached"] === "True"), `${rt.name} ${label} reached`);
    }
    for (const bad of ["-f", ";reboot", "--help", "127.0.0.1;id"]) {
      const e = await runOnce(rt, tr4("traceroute-ip4", bad));
      t.is(e.code, 2);
      t.true(String(e.msg?.message).startsWith("destination.ip4: "), String(e.msg?.message));
    }
    const p = await runOnce(rt, tr4("traceroute-ip4", "127.0.0.1", "sctp"));
    t.is(p.code, 2);
    t.true(String(p.msg?.message).startsWith("traceroute.protocol: "), String(p.msg?.message));
  });
}

test("loopback: Node in-process traceroute-ip6 to ::1 (icmp) and busybox traceroute", async (t) => {
  const a = await nodeAgent([traceroute]);
  const r = rowsOf(await a.run(specification("traceroute-ip6", "now", { "destination.ip6": "::1", ...Q("icmp") })));
  t.is(r[0]?.["intermediate.ip6"], "::1");
  t.is(r[0]?.["destination.reached"], "True");
  const bb = await nodeAgent([traceroute], [], { busybox: { path: "/usr/bin/busybox", flavour: "busybox" } });
  if (bb.tools.traceroute === undefined) return;
  t.is(bb.tools.traceroute.flavour, "busybox");
  const caps = traceroute.capabilities({ host: bb.host, tools: bb.tools, options: {}, probeId: "test" }).map((c) => c.label);
  t.false(caps.includes("traceroute-paris-ip4"), "busybox gets no Paris capability");
  t.false(caps.includes("tracelb-ip4"), "no scamper, no tracelb");
  const rows = rowsOf(await bb.run(tr4("traceroute-ip4", "127.0.0.1")));
  t.is(rows[0]?.["intermediate.ip4"], "127.0.0.1");
});

// ------------------------------------------------------------------ topology

let topo: Topology | undefined;
let why: string | undefined = topologyUnavailable();
test.before(() => {
  if (why) return;
  try {
    topo = topologyUp({ prefix: "mptrace-", delayMs: 1 });
  } catch (e) {
    why = (e as Error).message;
  }
});
test.after.always(() => topo?.down());

const viaTopo = (name: string, f: (t: ExecutionContext, topo: Topology) => Promise<void>) =>
  test.serial(`topology: ${name}`, async (t) => {
    if (!topo) {
      t.log(`skipped: ${why}`);
      t.pass();
      return;
    }
    await f(t, topo);
  });

for (const rt of runtimes) {
  viaTopo(`${rt.name}: classic, Paris and tracelb to 10.99.3.2 from the probe namespace`, async (t, tp) => {
    if (rt.missing) return t.fail(`${rt.name}: ${rt.missing}`);
    const c = await runOnce(rt, tr4("traceroute-ip4", "10.99.3.2"), tp.inProbe);
    t.is(c.code, 0, c.stderr);
    checkPath(t, rowsOf(c.msg), `${rt.name} classic`);
    const second = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const p = await runOnce(rt, tr4("traceroute-paris-ip4", "10.99.3.2", "udp", { "traceroute.queries": "3" }), tp.inProbe);
      const rows = rowsOf(p.msg);
      checkPath(t, rows, `${rt.name} paris run ${i}`);
      for (const a of hops(rows).get(2) ?? []) second.add(a);
    }
    t.is(second.size, 1, `${rt.name}: Paris keeps one path through the load balancer across runs: ${[...second]}`);
    // tracelb is probabilistic, and the topology forwards in userspace: on a busy machine a
    // run can lose enough probes to miss a branch. Up to three runs, their hops united.
    const h = new Map<number, Set<string>>();
    for (let i = 0; i < 3 && !(h.get(2)?.size === 2 && h.get(3)?.size === 2); i++) {
      const lb = await runOnce(rt, lb4("10.99.3.2"), tp.inProbe, 120000);
      for (const [hop, addrs] of hops(rowsOf(lb.msg))) for (const a of addrs) (h.get(hop) ?? h.set(hop, new Set()).get(hop)!).add(a);
      if (i > 0) t.log(`${rt.name}: tracelb run ${i + 1} needed`);
    }
    t.true(h.get(2)?.has("10.99.12.2") && h.get(2)?.has("10.99.112.2"), `${rt.name} tracelb hop 2: ${[...(h.get(2) ?? [])]}`);
    t.true(h.get(3)?.has("10.99.23.3") && h.get(3)?.has("10.99.123.3"), `${rt.name} tracelb hop 3: ${[...(h.get(3) ?? [])]}`);
  });
}

viaTopo("node in-process: classic UDP (port per probe) spreads over both branches; Debian traceroute Paris (--sport) does not", async (t, tp) => {
  const a = await nodeAgent([traceroute], tp.inProbe);
  const seen = new Set<string>();
  for (let i = 0; i < 3 && seen.size < 2; i++) {
    for (const x of hops(rowsOf(await a.run(tr4("traceroute-ip4", "10.99.3.2", "udp", { "traceroute.queries": "6" })))).get(2) ?? []) seen.add(x);
  }
  t.is(seen.size, 2, `classic: ${[...seen]}`);
  // Paris with Debian traceroute: hide scamper so the capability falls to traceroute --sport
  const tools = { ...a.tools };
  delete tools.scamper;
  const d = await nodeAgent([traceroute], tp.inProbe, tools);
  for (const proto of ["udp", "tcp"]) {
    const second = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const rows = rowsOf(await d.run(tr4("traceroute-paris-ip4", "10.99.3.2", proto, { "traceroute.queries": "3" })));
      checkPath(t, rows, `debian paris ${proto} run ${i}`);
      for (const x of hops(rows).get(2) ?? []) second.add(x);
    }
    t.is(second.size, 1, `debian paris ${proto}: ${[...second]}`);
  }
});

viaTopo("node in-process: !H from 10.99.251.1, silence from 10.99.250.1, IPv6 path, ICMP and TCP", async (t, tp) => {
  const a = await nodeAgent([traceroute], tp.inProbe);
  // r3 answers from an "unreachable" route, which the kernel rate-limits per source (1/s,
  // burst 5: ip_rt_error_cost), whatever icmp_ratelimit says: up to 3 tries, 2 s apart.
  let u: Row[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 2000));
    u = rowsOf(await a.run(tr4("traceroute-ip4", "10.99.251.1", "udp", { "traceroute.queries": "3" })));
    if (u.some((r) => r["traceroute.flag"] === "!H")) break;
  }
  const lastHop = u.length > 0 ? u[u.length - 1]["traceroute.hop"] : "";
  const flagged = u.filter((r) => r["traceroute.hop"] === lastHop && r["traceroute.flag"] === "!H");
  t.true(flagged.length > 0, JSON.stringify(u));
  for (const r of flagged) t.true(r["intermediate.ip4"] === "10.99.23.3" || r["intermediate.ip4"] === "10.99.123.3");
  t.true(u.every((r) => r["destination.reached"] === "False"));
  const b = rowsOf(await a.run(tr4("traceroute-ip4", "10.99.250.1", "udp", { "traceroute.hops.max": "5" })));
  t.true(b.some((r) => r["traceroute.flag"] === "*" && r["intermediate.ip4"] === "*" && r["rtt.us"] === "*"), JSON.stringify(b));
  t.true(b.every((r) => r["destination.reached"] === "False"));
  for (const proto of ["icmp", "tcp"]) checkPath(t, rowsOf(await a.run(tr4("traceroute-ip4", "10.99.3.2", proto))), proto);
  const v6 = rowsOf(await a.run(specification("traceroute-ip6", "now", { "destination.ip6": "fd99:0:0:3::2", ...Q("udp") })));
  const h6 = hops(v6, "intermediate.ip6");
  t.deepEqual([...(h6.get(1) ?? [])], ["fd99:0:0:1::1"]);
  t.deepEqual([...(h6.get(4) ?? [])], ["fd99:0:0:3::2"]);
  t.is(v6[0]?.["destination.reached"], "True");
  const bb = await nodeAgent([traceroute], tp.inProbe, { busybox: { path: "/usr/bin/busybox", flavour: "busybox" } });
  if (bb.tools.traceroute !== undefined) checkPath(t, rowsOf(await bb.run(tr4("traceroute-ip4", "10.99.3.2"))), "busybox");
});
