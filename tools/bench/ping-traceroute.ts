// Ping and traceroute against the system tools on the same path in the same run: the probe's
// mean RTT vs iputils ping's, and a probe traceroute's wall time vs `traceroute -n` and
// scamper's. Through tools/testkit/net/topology.sh (DELAY_MS=5, ~41 ms to the server) when root,
// else on loopback.
import { spawnSync } from "node:child_process";
import { ping } from "../../core/measurements/ping/index.ts";
import { traceroute } from "../../core/measurements/traceroute/index.ts";
import { cliRuntimes, nodeAgent, rowsOf, runOnce, specification, Topology, topologyUnavailable, topologyUp } from "../testkit/topology.ts";
import { BenchRow, row } from "./report.ts";

function iputilsMeanUs(prefix: string[], dst: string, count: number): number | undefined {
  const argv = [...prefix, "ping", "-n", "-c", String(count), "-i", "0.2", dst];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 30000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("rtt "));
  if (!line) return undefined;
  return Number(line.split("=")[1].trim().split("/")[1]) * 1000;
}

function wallMs(argv: string[]): number {
  const t0 = performance.now();
  spawnSync(argv[0], argv.slice(1), { timeout: 120000, stdio: "ignore" });
  return performance.now() - t0;
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const why = topologyUnavailable();
  let topo: Topology | undefined;
  if (!why) topo = topologyUp({ prefix: "mpbench-", delayMs: 5 });
  try {
    const prefix = topo ? topo.inProbe : [];
    const dst = topo ? "10.99.3.2" : "127.0.0.1";
    const where = topo ? "topology DELAY_MS=5, probe -> server 10.99.3.2" : `loopback (${why})`;
    const S = `ping mean RTT, 10 echo requests at 0.2 s (${where})`;
    const P = { "ping.payload.octets": "56", "ping.ttl": "64", "ping.timeout.s": "1" };
    const spec = specification("ping-average-ip4", "now + 2s / 0.2s", { "destination.ip4": dst, ...P });
    const base = iputilsMeanUs(prefix, dst, 10);
    const agent = await nodeAgent([ping], prefix);
    const mean = (m: Record<string, unknown> | undefined) => Number(rowsOf(m)[0]?.["delay.twoway.icmp.us.mean"]);
    const cmp = base !== undefined ? { name: "iputils ping -c 10 -i 0.2", value: base } : undefined;
    rows.push(row(S, "node in-process (Agent)", mean(await agent.run(spec)), "us", cmp));
    for (const rt of cliRuntimes()) {
      if (rt.missing) continue;
      const r = await runOnce(rt, spec, prefix);
      rows.push(row(S, `${rt.name} --once`, mean(r.msg), "us", cmp, r.code === 0 ? undefined : `FAILED: exit ${r.code} ${r.stderr.slice(0, 120)}`));
    }
    const T = `traceroute wall time to ${dst}, 3 probes per hop, process start included (${where})`;
    const tspec = specification("traceroute-ip4", "now", {
      "destination.ip4": dst, "traceroute.protocol": "udp", "traceroute.hops.max": "30", "traceroute.queries": "3", "traceroute.wait.s": "5",
    });
    const tr = wallMs([...prefix, "traceroute", "-n", "-q", "3", dst]);
    const sc = wallMs([...prefix, "scamper", "-O", "json", "-c", "trace -P udp-paris -q 3 -Q", "-i", dst]);
    for (const rt of cliRuntimes()) {
      if (rt.missing) continue;
      const r = await runOnce(rt, tspec, prefix);
      const ok = r.code === 0 && rowsOf(r.msg).some((x) => x["destination.reached"] === "True");
      rows.push(row(T, `${rt.name} --once traceroute-ip4`, r.ms, "ms", { name: "traceroute -n -q 3", value: tr }, ok ? undefined : `FAILED: exit ${r.code} ${r.stderr.slice(0, 120)}`));
    }
    const pspec = specification("traceroute-paris-ip4", "now", {
      "destination.ip4": dst, "traceroute.protocol": "udp", "traceroute.hops.max": "30", "traceroute.queries": "3", "traceroute.wait.s": "5",
    });
    const lua = cliRuntimes().find((r) => r.name === "lua5.1" && !r.missing);
    if (lua) {
      const r = await runOnce(lua, pspec, prefix);
      rows.push(row(T, "lua5.1 --once traceroute-paris-ip4 (scamper)", r.ms, "ms", { name: "scamper trace -P udp-paris -q 3 -Q", value: sc }));
    }
    const tagent = await nodeAgent([traceroute], prefix);
    const t0 = performance.now();
    await tagent.run(tspec);
    rows.push(row(T, "node in-process traceroute-ip4", performance.now() - t0, "ms", { name: "traceroute -n -q 3", value: tr }));
  } finally {
    topo?.down();
  }
  return rows;
}
