#!/usr/bin/env node
// Usage: node tools/lua-minify-cli.mjs [--without PREFIX]... IN.lua OUT.lua
// Minifies one Lua 5.1 file and prints its sizes before and after (gzip -9).
// --without drops the TSTL bundle modules whose name starts with PREFIX (lines like
// `["core.measurements.ott.index"] = function(...)`) before minifying: it measures what a
// bundle without optional measurements would weigh; the result does not run on its own
// when other modules still require the dropped ones.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dropBundleModules, LuaMinifyError, minifyLua } from "./lua-minify.mjs";

const args = process.argv.slice(2);
const without = [];
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--without" && i + 1 < args.length) without.push(args[++i]);
  else files.push(args[i]);
}
if (files.length !== 2) {
  console.error("usage: node tools/lua-minify-cli.mjs [--without PREFIX]... IN.lua OUT.lua");
  process.exit(2);
}
const [input, output] = files;
// latin1 maps bytes 1:1, so strings with any bytes pass through unchanged.
let src = readFileSync(input, "latin1");
if (without.length > 0) src = dropBundleModules(src, without);
let min;
try {
  min = minifyLua(src);
} catch (e) {
  if (!(e instanceof LuaMinifyError)) throw e;
  console.error(`${input}: ${e.message}`);
  process.exit(1);
}
writeFileSync(output, min, "latin1");
const gz = (s) => gzipSync(Buffer.from(s, "latin1"), { level: 9 }).length;
console.log(`${input}: ${src.length} bytes (${gz(src)} gzip -9) -> ${output}: ${min.length} bytes (${gz(min)} gzip -9)`);
