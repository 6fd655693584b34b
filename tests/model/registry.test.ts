// Every element a capability or result names resolves in a registry an mPlane client can
// read: the mPlane core registry (the RI's mplane/registry.json) or miniprobe's own.
import test from "ava";
import type { Host } from "../../core/host.ts";
import { Agent } from "../../core/agent/agent.ts";
import { measurements } from "../../core/measurements/index.ts";
import { coreElements } from "../../core/model/registry.ts";

/** The core names miniprobe relies on, as the RI's registry.json (master, revision 0) defines them. */
const CORE_WE_USE: Record<string, string> = {
  time: "time", "destination.ip4": "address", "destination.ip6": "address", "intermediate.ip4": "address", "intermediate.ip6": "address",
  "source.port": "natural", "delay.twoway.icmp.us": "natural", "delay.twoway.icmp.us.min": "natural", "delay.twoway.icmp.us.mean": "natural",
  "delay.twoway.icmp.us.50pct": "natural", "delay.twoway.icmp.us.max": "natural", "delay.twoway.icmp.count": "natural",
  "packets.lost": "natural", "rtt.us": "natural", "octets.layer7": "natural", "bandwidth.nominal.kbps": "natural",
  bufferstalls: "natural", "content.url": "url",
};

const host = {
  info: { runtime: "node", runtimeVersion: "t", platform: "linux", arch: "x86_64", hostname: "reg", probeId: "reg" },
  tools: {}, now: () => Date.now(), mono: () => 0, log: () => undefined, which: () => undefined, httpGet: () => ({ cancel() {} }),
} as unknown as Host;
const tools = {
  ping: { path: "/usr/bin/ping", flavour: "iputils", version: "20221126", flags: ["-6", "-W", "-c", "-i", "-s", "-t", "-w"] },
  traceroute: { path: "/usr/sbin/traceroute", flavour: "traceroute", version: "2.1.2", flags: ["--sport", "-6", "-I", "-T", "-U"] },
  scamper: { path: "/usr/bin/scamper", flavour: "scamper", version: "20211212", flags: [] },
};

test("every parameter and column of every capability is a core element or one of miniprobe's own", (t) => {
  const agent = new Agent(host, measurements, { tools });
  const core = new Map(coreElements().map((e) => [e.name, e.prim]));
  const used = new Set<string>();
  for (const c of agent.capabilities()) {
    for (const n of [...Object.keys(c.parameters), ...c.results]) {
      t.truthy(agent.registry.prim(n), `${c.label}: ${n} is in no registry`);
      if (core.has(n)) used.add(n);
      else t.true(agent.registry.isOwn(n), `${c.label}: ${n} must be defined in miniprobe's registry`);
    }
  }
  t.deepEqual([...used].sort(), Object.keys(CORE_WE_USE).sort(), "the core names relied on are pinned here");
  for (const [n, prim] of Object.entries(CORE_WE_USE)) t.is(core.get(n) as string, prim, n);
  const doc = agent.registry.document("http://127.0.0.1:1/registry.json") as { elements: { name: string }[]; "registry-uri": string };
  t.is(doc["registry-uri"], "http://127.0.0.1:1/registry.json");
  for (const e of doc.elements) t.false(core.has(e.name), `${e.name} redefines a core element`);
  t.true(doc.elements.some((e) => e.name === "url") && !doc.elements.some((e) => e.name === "delay.twoway.icmp.us.count"));
});

test("the core list is the RI's: 113 elements, with its primitives", (t) => {
  const core = coreElements();
  t.is(core.length, 113);
  t.is(new Set(core.map((e) => e.name)).size, 113);
  t.deepEqual(core.find((e) => e.name === "destination.url"), { name: "destination.url", prim: "url" });
});
