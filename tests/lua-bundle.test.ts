// The lazy Lua bundle (tools/lua-bundle.mjs) on a small bundle in typescript-to-lua's shape:
// modules compile only when required, a lazy module only when a member is read, debug
// information is gone on Lua 5.1 unless MINIPROBE_LUA_DEBUG=1, and a lazy module that
// would be iterated (export * from it) is refused at build time.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM JS without types
import { lazyBundle, splitTstlBundle, eagerClosure } from "../tools/lua-bundle.mjs";

const MODULES: [string, string][] = [
  ["app.util", 'io.write("load util\\n")\nlocal ____exports = {}\n____exports.twice = function(x) return x * 2 end\nreturn ____exports'],
  ["app.heavy", 'io.write("load heavy\\n")\nlocal ____exports = {}\n____exports.run = function(x)\nlocal t = nil\nif x < 0 then return t.boom end\nreturn x + 1\nend\nreturn ____exports'],
  ["app.main", [
    'local util = require("app.util")',
    'local heavy = require("app.heavy")',
    'io.write("main ", util.twice(21), "\\n")',
    'io.write("run ", heavy.run(1), "\\n")',
    'local ok, err = pcall(heavy.run, -1)',
    'io.write("err ", tostring(err), "\\n")',
    'return {}',
  ].join("\n")],
];

function tstlText(mods: [string, string][]): string {
  const body = mods.map(([n, b]) => `["${n}"] = function(...) \n${b}\n end,`).join("\n");
  return `local ____modules = {}\n____modules = {\n${body}\n}\nlocal ____entry = require("app.main", ...)\nreturn ____entry\n`;
}

function run(lua: string, file: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(lua, [file], { encoding: "utf8", timeout: 10000, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${lua} ${file}: ${r.stderr}`);
  return r.stdout;
}

test("modules load when required, a lazy one when first used; Lua 5.1 drops line numbers", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "lua-bundle-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const b = splitTstlBundle(tstlText(MODULES));
  t.deepEqual(b.modules.map((m: { name: string }) => m.name), ["app.util", "app.heavy", "app.main"]);
  t.deepEqual(eagerClosure(b, ["app.heavy"]).sort(), ["app.main", "app.util"]);
  const file = join(dir, "b.lua");
  writeFileSync(file, lazyBundle(b, { lazy: ["app.heavy"] }));
  const out = run("lua5.1", file);
  // heavy loads after main printed: the require handed out a proxy
  t.is(out.split("\n").slice(0, 4).join("|"), "load util|main 42|load heavy|run 2");
  t.regex(out, /err app\.heavy:0: attempt to index/, "the module is named, the line is not");
  t.notRegex(out, /local 't'/, "no local names");
  const dbg = run("lua5.1", file, { MINIPROBE_LUA_DEBUG: "1" });
  t.regex(dbg, /err app\.heavy:[1-9]\d*: attempt to index local 't'/, "line numbers and local names kept for debugging");
  const jit = run("luajit", file);
  t.is(jit.split("\n").slice(0, 4).join("|"), "load util|main 42|load heavy|run 2");
  t.log(out.trim().split("\n").join(" / "));
});

test("a lazy module may not be iterated or imported other than as a namespace", (t) => {
  const mods: [string, string][] = [
    ["app.heavy", "local ____exports = {}\n____exports.x = 1\nreturn ____exports"],
    ["app.main", 'local ____exports = {}\ndo\nlocal ____export = require("app.heavy")\nfor k, v in pairs(____export) do ____exports[k] = v end\nend\nreturn ____exports'],
  ];
  const e = t.throws(() => lazyBundle(splitTstlBundle(tstlText(mods)), { lazy: ["app.heavy"] }));
  t.regex(e!.message, /app\.main iterates the lazy module app\.heavy/);
  t.throws(() => lazyBundle(splitTstlBundle(tstlText(mods)), { lazy: ["app.nothere"] }), { message: /not in the bundle/ });
});

test("the probe's bundle loads its measurement code only when it runs", (t) => {
  // --version touches no measurement: the parsers, the player and Tstat's code stay on disk
  const hook = 'local x = os.exit; os.exit = function(c) collectgarbage("collect"); io.stderr:write("heapKb=", math.floor(collectgarbage("count")), "\\n"); x(c) end';
  const r = spawnSync("lua5.1", ["-e", hook, "dist/miniprobe.lua", "--version"], { encoding: "utf8", timeout: 30000 });
  t.is(r.status, 0, r.stderr);
  const heap = Number(/heapKb=(\d+)/.exec(r.stderr)?.[1]);
  // the whole bundle compiled costs about 1.9 MB on 64-bit Lua 5.1; loaded lazily and stripped, about half
  t.true(heap > 100 && heap < 1400, `heap ${heap} KB`);
  t.log(`lua5.1 heap after --version: ${heap} KB`);
});
