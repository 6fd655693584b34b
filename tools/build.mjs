#!/usr/bin/env node
// npm run build: both device bundles plus the Lua vector runner, then their sizes.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { rollup } from "rollup";
import { register } from "tsx/esm/api";

// rollup.config.ts is TypeScript: load it through tsx and drive rollup's API directly.
register();
const { default: configs } = await import("../rollup.config.ts");
for (const cfg of configs) {
  const bundle = await rollup({ ...cfg, onwarn: (w, warn) => (w.code === "CIRCULAR_DEPENDENCY" ? undefined : warn(w)) });
  await bundle.write(cfg.output);
  await bundle.close();
}

const steps = [
  ["npx", ["tstl", "-p", "tsconfig.lua.json"]],
  ["npx", ["tstl", "-p", "tsconfig.vectors-lua.json"]],
];
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build failed: ${cmd} ${args.join(" ")}`);
    process.exit(r.status ?? 1);
  }
}
// The Lua bundle goes to a router's flash: drop indentation and whole-line comments
// (27% of TSTL's output). Only safe without long strings ([[ ]]) or line continuations,
// which could carry significant leading spaces: then the file is left as it is.
for (const f of ["dist/miniprobe.lua", "dist/vectors.lua"]) {
  const text = readFileSync(f, "utf8");
  if (/\[=*\[/.test(text) || /\\\n/.test(text)) {
    console.warn(`${f}: has long strings or line continuations, not compacted`);
    continue;
  }
  const lines = [];
  for (const line of text.split("\n")) {
    const t = line.replace(/^[ \t]+/, "");
    if (t === "" || (t.startsWith("--") && !t.startsWith("--["))) continue;
    lines.push(t);
  }
  writeFileSync(f, lines.join("\n") + "\n");
}
for (const f of ["dist/miniprobe.js", "dist/miniprobe.lua", "dist/vectors.js", "dist/vectors.lua"]) {
  if (!existsSync(f)) continue;
  const size = statSync(f).size;
  const gz = gzipSync(readFileSync(f)).length;
  console.log(`${f.padEnd(22)} ${String(size).padStart(8)} bytes  ${String(gz).padStart(7)} gzipped`);
}
