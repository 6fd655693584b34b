// The host conformance suite (tests/hosts/host-suite.ts) run in-process against the Node
// host, with the local HTTP/echo servers of tests/hosts/servers.ts.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost } from "../../targets/node/host";
import { runHostSuite } from "./host-suite";
import { startServers } from "./servers";

test("Node host passes the host conformance suite", async (t) => {
  const servers = await startServers();
  const tmpDir = mkdtempSync(join(tmpdir(), "mp-node-host-"));
  try {
    const host = createHost({ probeId: "hostsuite", logLevel: "warn" });
    const lines = await new Promise<string[]>((resolve) =>
      runHostSuite(host, { httpBase: servers.httpBase, httpBase6: servers.httpBase6, tmpDir, echoPort: servers.echoPort }, resolve),
    );
    t.log(lines.join("\n"));
    const bad = lines.filter((l) => !l.startsWith("ok "));
    // Node can do everything: the only acceptable skips are ones the runner caused
    // (no stdin given, no IPv6 loopback on this machine).
    const allowed = bad.filter((l) => l.startsWith("skip readStdin:") || l.startsWith("skip http.ipv6:"));
    t.deepEqual(bad, allowed);
    t.true(lines.length > 60, `only ${lines.length} checks ran`);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
    await servers.close();
  }
});

test("Node host: info and tools", (t) => {
  const host = createHost({ probeId: "p1" });
  t.is(host.info.runtime, "node");
  t.is(host.info.probeId, "p1");
  t.is(host.info.runtimeVersion, process.version);
  t.regex(host.info.arch, /^[a-z0-9_]+$/);
  for (const [name, tool] of Object.entries(host.tools)) {
    t.truthy(tool?.path, name);
    t.truthy(tool?.flavour, name);
  }
  t.is(typeof host.connect, "function");
});
