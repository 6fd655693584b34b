// QuickJS entry of the host conformance suite: creates the real QuickJS host, reads the
// config from the command line (key=value arguments), runs the suite, prints one line per
// check and exits. Bundled by rollup.hostsuite.config.ts, run by quickjs-host.test.ts:
//   qjs .cache/hostsuite/qjs-suite.js httpBase=http://127.0.0.1:P tmpDir=/tmp/x echoPort=Q [httpBase6=...] [stdin=TEXT]
import { args, createHost } from "../../targets/quickjs/host";
import { parseNum } from "../../core/util/num";
import { HostSuiteConfig, runHostSuite } from "./host-suite";

const host = createHost({ probeId: "hostsuite" });
const kv: { [k: string]: string } = {};
for (const a of args()) {
  const eq = a.indexOf("=");
  if (eq > 0) kv[a.substring(0, eq)] = a.substring(eq + 1);
}
const port = parseNum(kv["echoPort"] !== undefined ? kv["echoPort"] : "");
const httpBase = kv["httpBase"];
const tmpDir = kv["tmpDir"];
if (httpBase === undefined || tmpDir === undefined || port === undefined) {
  host.log("error", "usage: qjs-suite.js httpBase=URL tmpDir=DIR echoPort=N [httpBase6=URL] [stdin=TEXT]");
  host.exit(2);
} else {
  const cfg: HostSuiteConfig = { httpBase, tmpDir, echoPort: port };
  if (kv["httpBase6"] !== undefined) cfg.httpBase6 = kv["httpBase6"];
  if (kv["stdin"] !== undefined) cfg.stdin = kv["stdin"];
  runHostSuite(host, cfg, (lines) => {
    for (const l of lines) host.write(l + "\n");
    host.exit(0);
  });
}
