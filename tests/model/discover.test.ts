// Tool discovery in core, with the real programs of this machine through the Node host:
// configured paths win, busybox stands in for missing applets, and the Host is left as it was.
import test from "ava";
import { createHost } from "../../targets/node/host.ts";
import { discoverTools } from "../../core/tools/discover.ts";

const quiet = () => createHost({ logLevel: "error" });

test("configured busybox alone: its applets become ping/traceroute/nc, classified as busybox", async (t) => {
  const host = quiet();
  const before = JSON.stringify(host.tools);
  const tools = await discoverTools(host, { paths: { busybox: "/usr/bin/busybox" }, onlyConfigured: true });
  t.is(JSON.stringify(host.tools), before, "host.tools is not changed");
  t.is(tools.busybox?.flavour, "busybox");
  t.regex(tools.busybox?.version ?? "", /^1\.\d+\.\d+$/);
  t.is(tools.ping?.path, "/usr/bin/busybox");
  t.is(tools.ping?.flavour, "busybox");
  t.true(tools.ping?.flags?.includes("-W"), JSON.stringify(tools.ping));
  t.is(tools.traceroute?.flavour, "busybox");
  t.true(tools.traceroute?.flags?.includes("-I"), "busybox traceroute -I found by asking getopt");
  t.is(tools.scamper, undefined, "nothing from PATH when only configured paths count");
});

test("a configured path wins over PATH, and an unknown program is listed as unknown", async (t) => {
  const tools = await discoverTools(quiet(), { paths: { ping: "/usr/bin/busybox", curl: "/bin/true" } });
  t.is(tools.ping?.path, "/usr/bin/busybox");
  t.is(tools.ping?.flavour, "busybox");
  t.is(tools.curl?.flavour, "unknown");
});

test("PATH discovery finds this machine's iputils ping and Debian traceroute", async (t) => {
  const tools = await discoverTools(quiet());
  t.is(tools.ping?.flavour, "iputils");
  t.regex(tools.ping?.version ?? "", /^\d{8}$/);
  t.is(tools.traceroute?.flavour, "traceroute");
  t.true(tools.traceroute?.flags?.includes("--sport"));
  t.is(tools.scamper?.flavour, "scamper");
});
