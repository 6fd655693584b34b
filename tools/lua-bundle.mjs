// The Lua bundle as a router runs it: one file whose modules are compiled only when first
// required. typescript-to-lua's bundle compiles every module's code when the file loads,
// and Lua keeps all of it (1.5 MB of function prototypes for 650 KB of source), although
// an idle daemon needs less than half of it and a probe without Tstat never runs the Tstat
// code. Here each module's source sits in one long comment at the end of the file, which
// the Lua lexer skips without keeping; a small loader reads a module from its byte offset
// (through a handle opened at start, so an opkg upgrade that replaces the file mid-run
// does not change what it reads), compiles it and, on PUC Lua 5.1, drops its debug
// information (line numbers, local names: about 40% of a prototype's memory) by
// rewriting the dumped bytecode as `luac -s` would. MINIPROBE_LUA_DEBUG=1 keeps it.
//
// Some modules are only ever reached through a namespace import whose members are read
// at call time (a measurement's implementation behind its capability descriptor): for
// those `require` returns a proxy that loads the module on first member access.

/** Splits typescript-to-lua's luaBundle output into its modules, in bundle order. */
export function splitTstlBundle(text) {
  const lines = text.split("\n");
  const modules = [];
  let cur = null;
  let entry = null;
  for (const line of lines) {
    const head = /^\["([^"]+)"\] = function\(\.\.\.\) $/.exec(line);
    if (head) {
      if (cur) throw new Error(`lua-bundle: module ${cur.name} not closed before ${head[1]}`);
      cur = { name: head[1], lines: [] };
      continue;
    }
    if (cur && line === " end,") {
      modules.push({ name: cur.name, body: cur.lines.join("\n") });
      cur = null;
      continue;
    }
    if (cur) {
      cur.lines.push(line);
      continue;
    }
    const e = /^local ____entry = require\("([^"]+)", \.\.\.\)$/.exec(line);
    if (e) entry = e[1];
  }
  if (cur) throw new Error(`lua-bundle: module ${cur.name} not closed`);
  if (!entry || modules.length === 0) throw new Error("lua-bundle: not a typescript-to-lua bundle");
  return { modules, entry };
}

/**
 * Drops indentation and whole-line comments (27% of TSTL's output). Only safe without long
 * strings or line continuations, which could carry significant leading spaces: such a
 * body is left as it is.
 */
export function compactLua(body) {
  if (/\[=*\[/.test(body) || /\\\n/.test(body)) return body;
  const out = [];
  for (const line of body.split("\n")) {
    const t = line.replace(/^[ \t]+/, "");
    if (t === "" || (t.startsWith("--") && !t.startsWith("--["))) continue;
    out.push(t);
  }
  return out.join("\n");
}

/** The modules each module requires at its top level (for reporting what loads when). */
export function requiresOf(body) {
  const out = [];
  const re = /\brequire\("([^"]+)"/g;
  let m;
  while ((m = re.exec(body))) if (out.indexOf(m[1]) < 0) out.push(m[1]);
  return out;
}

const LOADER = String.raw`
local ____file
do
local src = debug.getinfo(1, "S").source
if src:sub(1, 1) ~= "@" then error("miniprobe: the Lua bundle must be run from its file (it reads its modules from it)") end
____file = io.open(src:sub(2), "rb")
if not ____file then error("miniprobe: cannot reopen " .. src:sub(2)) end
end
local ____base = ____file:seek("end") - ____segBytes - ____tailBytes
local ____strip
if _VERSION == "Lua 5.1" and not jit and os.getenv("MINIPROBE_LUA_DEBUG") ~= "1" then
-- A Lua 5.1 binary chunk without line numbers and local names (what luac -s writes, but
-- the chunk name stays, so an error still names its module): sizes are read in the dump's
-- own byte order; the dropped parts are written as zero counts.
____strip = function(s)
local little, sint, ssize, sinstr, snum = s:byte(7) == 1, s:byte(8), s:byte(9), s:byte(10), s:byte(11)
local pos, out = 13, { s:sub(1, 12) }
local zint = string.rep("\0", sint)
local function int(n)
local v = 0
if little then for i = n, 1, -1 do v = v * 256 + s:byte(pos + i - 1) end
else for i = 1, n do v = v * 256 + s:byte(pos + i - 1) end end
pos = pos + n
return v
end
local function fn()
local start = pos
local n = int(ssize)
pos = pos + n
pos = pos + 2 * sint + 4
n = int(sint)
pos = pos + n * sinstr
n = int(sint)
for _ = 1, n do
local t = s:byte(pos)
pos = pos + 1
if t == 1 then pos = pos + 1 elseif t == 3 then pos = pos + snum elseif t == 4 then local l = int(ssize); pos = pos + l end
end
n = int(sint)
out[#out + 1] = s:sub(start, pos - 1)
for _ = 1, n do fn() end
n = int(sint)
pos = pos + n * sint
n = int(sint)
for _ = 1, n do local l = int(ssize); pos = pos + l + 2 * sint end
n = int(sint)
for _ = 1, n do local l = int(ssize); pos = pos + l end
out[#out + 1] = zint .. zint .. zint
end
fn()
return table.concat(out)
end
end
local ____moduleCache, ____proxies = {}, {}
local ____originalRequire = require
local require
local function ____load(file, ...)
local at = ____index[file]
____file:seek("set", ____base + at[1])
local src = ____file:read(at[2])
if not src or #src ~= at[2] then error("miniprobe: cannot read module " .. file .. " from the bundle") end
local chunk, err = loadstring(src, "=" .. file)
src = nil
if not chunk then error("miniprobe: module " .. file .. ": " .. tostring(err)) end
if ____strip then chunk = assert(loadstring(____strip(string.dump(chunk)), "=" .. file)) end
local module = chunk(require)
local value
if select("#", ...) > 0 then value = module(...) else value = module(file) end
____moduleCache[file] = { value = value }
return value
end
require = function(file, ...)
local c = ____moduleCache[file]
if c then return c.value end
if ____index[file] then
if ____lazy[file] then
local p = ____proxies[file]
if not p then
p = setmetatable({}, { __index = function(_, k) local c2 = ____moduleCache[file]; return (c2 and c2.value or ____load(file))[k] end })
____proxies[file] = p
end
return p
end
return ____load(file, ...)
end
if ____originalRequire then return ____originalRequire(file) end
error("module '" .. file .. "' not found")
end
`;

/**
 * A proxy has no keys of its own (Lua 5.1 has no __pairs): a lazy module must be required
 * as `local NAME = require(...)` (a TypeScript namespace import) and never iterated, which
 * is what `export * from` compiles to.
 */
function checkLazyUses(modules, lazy) {
  for (const m of modules) {
    for (const l of lazy) {
      const q = JSON.stringify(l);
      if (!m.body.includes(`require(${q}`)) continue;
      const re = new RegExp(`local ([A-Za-z_][A-Za-z0-9_]*) = require\\(${q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)`);
      const d = re.exec(m.body);
      const uses = m.body.split(`require(${q}`).length - 1;
      if (!d || uses !== 1) throw new Error(`lua-bundle: ${m.name} must import the lazy module ${l} as a namespace (import * as x)`);
      if (m.body.includes(`pairs(${d[1]})`)) throw new Error(`lua-bundle: ${m.name} iterates the lazy module ${l} (export * from it?)`);
    }
  }
}

/**
 * The lazy bundle: loader, module index, entry call, then every module's source in one
 * long comment. `lazy` names modules that `require` hands out as proxies; `minify`
 * rewrites each module's chunk (tools/lua-minify.mjs: local names, whitespace); `gc`
 * ({pause, stepmul}) sets the collector before the first module is compiled: the
 * compiler's garbage is where the heap's holes start.
 */
export function lazyBundle({ modules, entry }, { lazy = [], minify = (s) => s, gc } = {}) {
  const names = new Set(modules.map((m) => m.name));
  for (const l of lazy) if (!names.has(l)) throw new Error(`lua-bundle: lazy module ${l} is not in the bundle`);
  checkLazyUses(modules, lazy);
  const segs = modules.map((m) => ({ name: m.name, text: minify(`local require = ...\nreturn function(...)\n${m.body}\nend\n`) }));
  const all = segs.map((s) => s.text).join("");
  let level = 1;
  while (all.includes("]" + "=".repeat(level) + "]")) level++;
  const eq = "=".repeat(level);
  const tail = `]${eq}]\n`;
  const index = [];
  let off = 0;
  for (const s of segs) {
    const len = Buffer.byteLength(s.text, "utf8");
    index.push(`[${JSON.stringify(s.name)}] = {${off}, ${len}}`);
    off += len;
  }
  const head = [
    ...(gc ? [`collectgarbage("setpause", ${gc.pause}) collectgarbage("setstepmul", ${gc.stepmul})`] : []),
    `local ____segBytes, ____tailBytes = ${off}, ${Buffer.byteLength(tail)}`,
    `local ____index = {\n${index.join(",\n")}\n}`,
    `local ____lazy = {${lazy.map((l) => `[${JSON.stringify(l)}] = true`).join(", ")}}`,
    LOADER.trim(),
    `local ____entry = require(${JSON.stringify(entry)}, ...)`,
    `return ____entry`,
    `--[${eq}[`,
  ].join("\n") + "\n";
  return head + all + tail;
}

/**
 * Modules loaded when the entry starts: the closure of top-level requires, where a lazy
 * module stops the walk (it loads when first used).
 */
export function eagerClosure({ modules, entry }, lazy = []) {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const seen = new Set();
  const walk = (n) => {
    if (seen.has(n) || lazy.includes(n) || !byName.has(n)) return;
    seen.add(n);
    for (const r of requiresOf(byName.get(n).body)) walk(r);
  };
  walk(entry);
  return [...seen];
}
