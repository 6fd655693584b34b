#!/usr/bin/env node
// `miniprobe probe ...` runs the probe on Node; further subcommands (collector, demo)
// join as they are built. TypeScript is loaded through tsx, so no build step is needed.
import { register } from "tsx/esm/api";

register();
const [sub, ...rest] = process.argv.slice(2);
const usage = "usage: miniprobe probe [--capabilities | --registry | --once FILE|- | --version]\n";
if (sub === "probe") {
  const { main } = await import("../../targets/node/main.ts");
  process.exitCode = await main(rest);
} else {
  process.stderr.write(usage);
  process.exitCode = sub === undefined || sub === "--help" ? 0 : 64;
}
