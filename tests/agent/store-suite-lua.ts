// Lua entry of the store suite (tests/agent/store-suite.ts): the real Lua host, the file
// store in a scratch folder, then the memory store; one line per case. Compiled by
// tsconfig.storesuite-lua.json, run by store-suite.test.ts from the repository root (the
// bundle requires targets/lua/host.lua):
//   lua5.1 storesuite.lua tmpDir=/tmp/x
import { args, createHost, runLoop } from "../../targets/lua/host";
import { fileKind, memoryKind, runStoreSuite } from "./store-suite";

const host = createHost({ probeId: "storesuite" });
let tmpDir: string | undefined;
for (const a of args()) if (a.substring(0, 7) === "tmpDir=") tmpDir = a.substring(7);
if (tmpDir === undefined) {
  host.log("error", "usage: storesuite.lua tmpDir=DIR");
  host.exit(2);
} else {
  runStoreSuite(host, [fileKind(host, tmpDir), memoryKind()], (line) => host.write(line + "\n"), () => undefined);
  runLoop();
}
