// Every capability of every device has its own schema (verb, parameter names, result
// columns), so a specification an mPlane client builds from a capability — unlabelled, or
// labelled the RI client's way "<label>-N" — is matched to that capability and no other.
// Devices: every combination of the tools the measurements know.
import test from "ava";
import type { Host, ToolInfo, ToolSet } from "../../core/host.ts";
import { Agent } from "../../core/agent/agent.ts";
import { measurements } from "../../core/measurements/index.ts";
import { readMessage, type Statement } from "../../core/model/statement.ts";

const IPUTILS: ToolInfo = { path: "/usr/bin/ping", flavour: "iputils", version: "20221126", flags: ["-4", "-6", "-D", "-I", "-W", "-c", "-i", "-n", "-s", "-t", "-w"] };
const choices: Record<string, (ToolInfo | undefined)[]> = {
  ping: [undefined, IPUTILS, { path: "/bin/busybox", flavour: "busybox", version: "1.30.1", flags: ["-4", "-6", "-W", "-c", "-i", "-s", "-t"] },
    { path: "/bin/busybox", flavour: "busybox", version: "1.35.0", flags: ["-4", "-6", "-W", "-c", "-i", "-s", "-t", "-w"] },
    { path: "/bin/ping", flavour: "toybox", flags: ["-4", "-6", "-W", "-c", "-i", "-s", "-t", "-w"] },
    { path: "/usr/bin/ping", flavour: "iputils", version: "s20161105", flags: ["-W", "-c", "-i", "-s", "-t", "-w"] }],
  ping6: [undefined, { path: "/usr/bin/ping6", flavour: "iputils", version: "s20161105", flags: ["-W", "-c", "-i", "-s", "-t", "-w"] }],
  traceroute: [undefined,
    { path: "/usr/sbin/traceroute", flavour: "traceroute", version: "2.1.2", flags: ["--sport", "-4", "-6", "-I", "-N", "-T", "-U", "-m", "-n", "-q", "-w"] },
    { path: "/usr/sbin/traceroute", flavour: "traceroute", version: "2.0.1", flags: ["-4", "-6", "-I", "-T", "-m", "-n", "-q", "-w"] },
    { path: "/bin/busybox", flavour: "busybox", version: "1.35.0", flags: ["-4", "-6", "-I", "-m", "-n", "-q", "-w"] }],
  traceroute6: [undefined, { path: "/bin/busybox", flavour: "busybox", version: "1.30.1", flags: ["-I", "-m", "-n", "-q", "-w"] }],
  scamper: [undefined, { path: "/usr/bin/scamper", flavour: "scamper", version: "20211212", flags: [] }],
};

function* devices(): Generator<{ tools: ToolSet; http: boolean }> {
  const names = Object.keys(choices);
  const idx = names.map(() => 0);
  for (;;) {
    const tools: ToolSet = {};
    names.forEach((n, k) => {
      const t = choices[n][idx[k]];
      if (t) tools[n] = t;
    });
    yield { tools, http: true };
    yield { tools, http: false };
    let k = 0;
    while (k < names.length && ++idx[k] === choices[names[k]].length) idx[k++] = 0;
    if (k === names.length) return;
  }
}

function fakeHost(http: boolean): Host {
  const h = {
    info: { runtime: "node", runtimeVersion: "test", platform: "linux", arch: "x86_64", hostname: "schema-test", probeId: "schema-test" },
    tools: {},
    now: () => Date.UTC(2026, 10, 22, 12),
    mono: () => 0,
    log: () => undefined,
    which: () => undefined,
  } as unknown as Host;
  if (http) (h as { httpGet?: unknown }).httpGet = () => ({ cancel() {} });
  return h;
}

const schemaOf = (c: Statement) => `${c.verb} p ${Object.keys(c.parameters).sort().join(" ")} r ${[...c.results].sort().join(" ")}`;

function valueFor(name: string, constraint: string): string {
  if (constraint.includes(" ... ")) return constraint.split(" ... ")[0];
  if (constraint !== "*") return constraint.split(",")[0];
  if (name === "destination.ip4") return "127.0.0.1";
  if (name === "destination.ip6") return "::1";
  if (name === "destination.name") return "localhost";
  if (name === "content.url") return "http://127.0.0.1/x.m3u8";
  throw new Error(`no test value for ${name}`);
}

function specFrom(cap: Statement, label: string | undefined, allParams: boolean): Statement {
  const params: Record<string, string> = {};
  for (const [k, c] of Object.entries(cap.parameters)) if (allParams || k.startsWith("destination.") || k === "content.url") params[k] = valueFor(k, c);
  const when = cap.when?.includes(" / ") ? "now + 20s / 10s" : "now";
  return readMessage({ specification: "measure", version: 1, ...(label ? { label } : {}), when, parameters: params, results: allParams ? cap.results : [] }) as Statement;
}

test("no two capabilities of any device share a schema, and each one's own specification finds it", (t) => {
  let count = 0;
  let capsSeen = 0;
  for (const d of devices()) {
    count++;
    const agent = new Agent(fakeHost(d.http), measurements, { tools: d.tools });
    const caps = agent.capabilities();
    capsSeen += caps.length;
    const seen = new Map<string, string>();
    for (const c of caps) {
      const s = schemaOf(c);
      const other = seen.get(s);
      if (other !== undefined) t.fail(`${JSON.stringify(d.tools)}: ${c.label} and ${other} share the schema ${s}`);
      seen.set(s, c.label!);
    }
    caps.forEach((c, i) => {
      // the RI client's specification: every parameter and column, no label
      const a = agent.accept(specFrom(c, undefined, true));
      if (a.index !== i) t.fail(`unlabelled ${c.label} matched ${caps[a.index].label}`);
      // the RI client's renaming of the label, with only the destination given
      const b = agent.accept(specFrom(c, `${c.label}-3`, false));
      if (b.index !== i) t.fail(`${c.label}-3 matched ${caps[b.index].label}`);
    });
  }
  t.true(count >= 300, `${count} devices`);
  t.true(capsSeen > count * 5, `${capsSeen} capabilities`);
});

test("Paris and classic traceroute differ by the flow identifier (source.port), ping aggregate and detail by columns", (t) => {
  const agent = new Agent(fakeHost(false), measurements, { tools: { traceroute: choices.traceroute[1]!, scamper: choices.scamper[1]!, ping: IPUTILS } });
  const byLabel = new Map(agent.capabilities().map((c) => [c.label!, c]));
  t.truthy(byLabel.get("traceroute-paris-ip4")!.parameters["source.port"]);
  t.false("source.port" in byLabel.get("traceroute-ip4")!.parameters);
  const avg = byLabel.get("ping-average-ip4")!;
  const det = byLabel.get("ping-detail-ip4")!;
  t.deepEqual(Object.keys(avg.parameters).sort(), Object.keys(det.parameters).sort());
  t.true(det.results.includes("delay.twoway.icmp.us") && !avg.results.includes("delay.twoway.icmp.us"));
});
