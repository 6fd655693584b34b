#!/usr/bin/env node
// Usage: node tools/lua-minify-cli.mjs IN.lua OUT.lua — minifies one Lua 5.1 file.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { minifyLua } from "./lua-minify.mjs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node tools/lua-minify-cli.mjs IN.lua OUT.lua");
  process.exit(2);
}
const src = readFileSync(input);
const min = Buffer.from(minifyLua(src.toString("latin1")), "latin1");
writeFileSync(output, min);
const gz = (b) => gzipSync(b, { level: 9 }).length;
console.log(`${input}: ${src.length} bytes (${gz(src)} gzip -9) -> ${output}: ${min.length} bytes (${gz(min)} gzip -9)`);
