#!/usr/bin/env node
// `miniprobe probe [--capabilities | --registry | --once FILE|- | --version]` runs the probe
// on Node; `miniprobe collector ...` starts the collector; everything else (probes,
// capabilities, run, results, interrupt, probe add) is the operator CLI talking to the
// collector's HTTP API (tools/cli). TypeScript is loaded through tsx: no build step.
import { register } from "tsx/esm/api";

register();
const argv = process.argv.slice(2);
const [sub, next] = argv;
if (sub === "probe" && next !== "add") {
  const { main } = await import("../../targets/node/main.ts");
  process.exitCode = await main(argv.slice(1));
} else if (sub === "collector") {
  const { main } = await import("../collector/main.ts");
  process.exitCode = await main(argv.slice(1));
} else {
  const { main } = await import("../cli/main.ts");
  process.exitCode = await main(argv);
}
