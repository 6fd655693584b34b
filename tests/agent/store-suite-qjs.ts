// QuickJS entry of the store suite (tests/agent/store-suite.ts): the real QuickJS host, the
// file store in a scratch folder, then the memory store; one line per case, then exit.
// Bundled by tools/testkit/qjs-suite-config.ts, run by store-suite.test.ts:
//   qjs store-suite.js tmpDir=/tmp/x
import { args, createHost } from "../../targets/quickjs/host";
import { fileKind, memoryKind, runStoreSuite } from "./store-suite";

const host = createHost({ probeId: "storesuite", logLevel: "error" });
let tmpDir: string | undefined;
for (const a of args()) if (a.startsWith("tmpDir=")) tmpDir = a.slice(7);
if (tmpDir === undefined) {
  host.log("error", "usage: store-suite.js tmpDir=DIR");
  host.exit(2);
} else {
  runStoreSuite(host, [fileKind(host, tmpDir), memoryKind()], (line) => host.write(line + "\n"), () => host.exit(0));
}
