#!/usr/bin/env node
// npm run build: both device bundles plus the Lua vector runner, then their sizes.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { rollup } from "rollup";
import { register } from "tsx/esm/api";
import { compactLua, eagerClosure, lazyBundle, splitTstlBundle } from "./lua-bundle.mjs";
import { minifyLua } from "./lua-minify.mjs";

// rollup.config.ts is TypeScript: load it through tsx and drive rollup's API directly.
register();
const { default: configs, QJS_LAZY } = await import("../rollup.config.ts");

// Modules the Lua bundle hands out as proxies, loaded on first use (see tools/lua-bundle.mjs):
// the run code QuickJS loads lazily too, and Tstat's code, whose capabilities and elements
// are synchronous calls (a Lua proxy loads synchronously; QuickJS's import() cannot).
const LUA_LAZY = [...QJS_LAZY.map((f) => f.replace(/\.ts$/, "").split("/").join(".")), "core.measurements.tstat.impl"];
// The QuickJS bundle is several files (rollup.config.ts): none of an earlier build's may stay.
const { QJS_VARIANT, bundleFiles } = await import("./package/ipk.ts");
if (existsSync("dist")) for (const f of bundleFiles(QJS_VARIANT)) rmSync(f, { force: true });
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
// The Lua bundles go to a router's flash: indentation and whole-line comments dropped
// (27% of TSTL's output). The probe's bundle becomes a lazy one (tools/lua-bundle.mjs):
// modules compiled when first required, debug information dropped on Lua 5.1.
{
  const vec = "dist/vectors.lua";
  writeFileSync(vec, compactLua(readFileSync(vec, "utf8")) + "\n");
  const f = "dist/miniprobe.lua";
  const tstl = readFileSync(f, "utf8");
  // The eager bundle as TSTL wrote it (debug information and names intact): for debugging, and
  // the reference the minifier's tests compare the shipped bundle with.
  writeFileSync("dist/miniprobe.tstl.lua", compactLua(tstl) + "\n");
  const b = splitTstlBundle(tstl);
  for (const m of b.modules) m.body = compactLua(m.body);
  // The collector settings the Lua host uses (targets/lua/host.lua), from the bundle's first line.
  const hostLua = readFileSync("targets/lua/host.lua", "utf8");
  const hostConst = (name) => {
    const m = new RegExp(`^local ${name} = (\\d+)$`, "m").exec(hostLua);
    if (!m) throw new Error(`build: targets/lua/host.lua has no "local ${name} = <number>"`);
    return Number(m[1]);
  };
  const gc = { pause: hostConst("GC_PAUSE"), stepmul: hostConst("GC_STEPMUL") };
  writeFileSync(f, lazyBundle(b, { lazy: LUA_LAZY, minify: minifyLua, gc }));
  const eager = eagerClosure(b, LUA_LAZY);
  const bytes = (names) => b.modules.filter((m) => names.includes(m.name)).reduce((n, m) => n + m.body.length, 0);
  console.log(`dist/miniprobe.lua: ${eager.length} of ${b.modules.length} modules loaded at start (${bytes(eager)} of ${bytes(b.modules.map((m) => m.name))} bytes)`);
}
const js = bundleFiles(QJS_VARIANT);
const jsBytes = js.map((f) => readFileSync(f));
console.log(`dist/miniprobe*.js: ${js.length} files, ${jsBytes.reduce((n, b) => n + b.length, 0)} bytes, ${gzipSync(Buffer.concat(jsBytes)).length} gzipped together`);
for (const f of [...js, "dist/miniprobe.lua", "dist/miniprobe.tstl.lua", "dist/vectors.js", "dist/vectors.lua"]) {
  if (!existsSync(f)) continue;
  const size = statSync(f).size;
  const gz = gzipSync(readFileSync(f)).length;
  console.log(`${f.padEnd(28)} ${String(size).padStart(8)} bytes  ${String(gz).padStart(7)} gzipped`);
}
