// QuickJS entry of the host conformance suite: creates the real QuickJS host, reads the
// config from the command line (key=value arguments), runs the suite, prints one line per
// check and exits. Bundled by rollup.hostsuite.config.ts, run by quickjs-host.test.ts:
//   qjs .cache/hostsuite/qjs-suite.js httpBase=http://127.0.0.1:P tmpDir=/tmp/x echoPort=Q [httpBase6=...] [stdin=TEXT]
import { args, createHost } from "../../targets/quickjs/host";
import { runHostSuite, suiteConfigFromArgs } from "./host-suite";

const host = createHost({ probeId: "hostsuite" });
const cfg = suiteConfigFromArgs(args());
if (cfg === undefined) {
  host.log("error", "usage: qjs-suite.js httpBase=URL tmpDir=DIR echoPort=N [httpBase6=URL] [stdin=TEXT]");
  host.exit(2);
} else {
  runHostSuite(host, cfg, (lines) => {
    for (const l of lines) host.write(l + "\n");
    host.exit(0);
  });
}
