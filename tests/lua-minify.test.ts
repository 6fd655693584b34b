// The Lua minifier: every scoping rule of Lua 5.1 survives renaming (checked by running
// the code before and after on lua5.1 and luajit), lexing corner cases keep their tokens
// apart, and the real bundles behave the same minified.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM tool without type declarations
import { dropBundleModules, LuaMinifyError, minifyLua } from "../tools/lua-minify.mjs";
import { hasCommand } from "../tools/testkit/on-path.ts";
import { loadVectors, vectorInput } from "../tools/testkit/runtimes.ts";
import { canonicalAst, loadLuaparse } from "./fixtures/lua-minify/canonical-ast.ts";
import { randomProgram } from "./fixtures/lua-minify/random-program.ts";

const minify = minifyLua as (src: string) => string;
const LUAS = ["lua5.1", "luajit"];


function runLua(lua: string, code: string, args: string[] = []): string {
  const r = spawnSync(lua, ["-", ...args], { input: code, encoding: "utf8" });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}exit ${r.status}`;
}

// Runs `code` unminified and minified on both runtimes: same output, and the long local
// names are gone (they were renamed), globals and fields in `keep` are still there.
function sameBehaviour(
  t: import("ava").ExecutionContext,
  code: string,
  opts: { gone?: string[]; keep?: string[]; args?: string[]; expect?: string } = {},
): string {
  const min = minify(code);
  for (const lua of LUAS) {
    if (!hasCommand(lua)) return t.fail(`${lua} not installed`) as never;
    const before = runLua(lua, code, opts.args);
    const after = runLua(lua, min, opts.args);
    t.is(after, before, `${lua}\n--- minified:\n${min}`);
    if (opts.expect !== undefined) t.is(before, opts.expect, `${lua} ran the unminified case`);
  }
  for (const name of opts.gone ?? []) t.false(new RegExp(`\\b${name}\\b`).test(min), `${name} renamed in ${min}`);
  for (const name of opts.keep ?? []) t.true(min.includes(name), `${name} kept in ${min}`);
  return min;
}

test("local x = x sees the outer x on its right side", (t) => {
  sameBehaviour(
    t,
    `local valueOuter = 1
     do local valueOuter = valueOuter + 1; print(valueOuter) end
     local valueTwo = valueOuter * 10
     local valueTwo, valueThree = valueTwo + 1, valueTwo
     print(valueOuter, valueTwo, valueThree)`,
    { gone: ["valueOuter", "valueTwo", "valueThree"], expect: "2\n1\t11\t10\nexit 0" },
  );
});

test("local function sees itself, local f = function does not", (t) => {
  sameBehaviour(
    t,
    `local function factorial(number) if number < 2 then return 1 end return number * factorial(number - 1) end
     local notRecursive = function() return notRecursive end
     print(factorial(5), notRecursive() == nil)`,
    { gone: ["factorial", "number"], keep: ["notRecursive"], expect: "120\ttrue\nexit 0" },
  );
});

test("for-loop variables live in the body; the limits see the outer names", (t) => {
  sameBehaviour(
    t,
    `local index = 10
     for index = index, index + 2 do io.write(index, " ") end
     local list = {"a", "b"}
     for key, list in ipairs(list) do io.write(key, list, " ") end
     print(index, #list)`,
    { gone: ["index", "list", "key"], expect: "10 11 12 1a 2b 10\t2\nexit 0" },
  );
});

test("repeat-until's condition sees the body's locals, not a global of that name", (t) => {
  sameBehaviour(
    t,
    `finished = "a global that is truthy"
     local counter = 0
     repeat local finished = counter >= 3; counter = counter + 1 until finished
     print(counter, finished)`,
    { gone: ["counter"], keep: ["finished"], expect: "4\ta global that is truthy\nexit 0" },
  );
});

test("closures keep their upvalues: an inner local never shadows a name still used from outside", (t) => {
  sameBehaviour(
    t,
    `local outerText = "outer"
     local function make(prefixText)
       local innerText = "inner"
       local unusedLocal = 0
       return function(suffixText)
         local lateLocal = suffixText .. "!"
         return prefixText .. outerText .. innerText .. lateLocal
       end
     end
     local counterValue = 0
     local function bump() counterValue = counterValue + 1; return counterValue end
     for step = 1, 3 do local ignored = bump() end
     print(make("p")("s"), counterValue, bump())`,
    { gone: ["outerText", "innerText", "prefixText", "suffixText", "lateLocal", "counterValue"], expect: "pouterinners!\t3\t4\nexit 0" },
  );
});

test("many locals with disjoint lives share short names", (t) => {
  const body = Array.from({ length: 30 }, (_, i) => `do local temporaryNumber${i} = ${i}; total = total + temporaryNumber${i} end`);
  const min = sameBehaviour(t, `total = 0 ${body.join(" ")} print(total)`, { keep: ["total"], expect: "435\nexit 0" });
  const locals = new Set([...min.matchAll(/local (\w+)/g)].map((m) => m[1]));
  t.is(locals.size, 1, min);
});

test("globals, fields, methods, self and ... keep their names", (t) => {
  const min = sameBehaviour(
    t,
    `globalCounter = 5
     local objectTable = {alphaField = 1, ["betaKey"] = 2}
     objectTable.gammaField = 3
     function objectTable:method(extraValue) return self.alphaField + self.gammaField + extraValue end
     local function withSelf(self) return self.betaKey end
     local firstArg, secondArg = ...
     print(objectTable:method(globalCounter), withSelf(objectTable), firstArg, secondArg, select("#", ...))`,
    { gone: ["objectTable", "extraValue", "firstArg", "secondArg", "withSelf"], keep: ["globalCounter", "alphaField", "betaKey", "gammaField", "method", "self."], args: ["x1", "x2"], expect: "9\t2\tx1\tx2\t2\nexit 0" },
  );
  t.regex(min, /function \w+:method\(/);
});

test("a global with a short name is never taken by a local", (t) => {
  const min = sameBehaviour(
    t,
    `e = 5 t = 6 n = 7
     local longLocalName = 3
     local function someFunction(parameterName) return parameterName + e + t + n end
     print(someFunction(longLocalName))`,
    { gone: ["longLocalName", "someFunction", "parameterName"], expect: "21\nexit 0" },
  );
  t.false(/local [etn]=/.test(min), min);
});

test("Lua 5.1's hidden arg of vararg functions stays as it is", (t) => {
  // lua5.1 (LUA_COMPAT_VARARG) and luajit disagree on this; each must agree with itself.
  sameBehaviour(
    t,
    `local arg = "outer"
     local function varargs(...) return type(arg) end
     local function fixed() return arg end
     print(varargs(1, 2), fixed())`,
    { gone: ["varargs"], keep: ["arg"] },
  );
});

test("strings with --, quotes, escapes and long brackets pass through untouched", (t) => {
  sameBehaviour(
    t,
    `local textValue = "a -- not a comment"
     print(textValue, 'it\\'s', "q\\"q", "\\\\", "tab\\tend", "\\65\\066\\0067", "line\\
continued", '--[[ no ]]')
     print([[long -- string ]], [==[ has ]] and ]=] inside ]==], [[
first newline dropped]])
     --[[ a long
     comment ]] print("after long comment") --[==[ another ]] ]==] print("after level 2")
     -- short comment with [[ brackets
     print(#[[]], [=[]=] == "")`,
    { gone: ["textValue"] },
  );
});

test("tokens that would merge keep a space: 1 .. x, - -x, a.. .5, t[ [[k]] ]", (t) => {
  const min = sameBehaviour(
    t,
    `local numberValue = 7
     local tableValue = {[ [[key]] ] = "long key"}
     print(1 .. 2, 1 .. numberValue, numberValue .. 1, - -numberValue, numberValue - -1, numberValue.. .5)
     print(0x10, 1e3, 1E-3, .5, 3., 0xfF + 1, 2^-1, tableValue[ [[key]] ], not nil, #"abc")`,
    { gone: ["numberValue", "tableValue"] },
  );
  t.true(min.includes("1 .."), min);
  t.true(min.includes("- -"), min);
  t.true(min.includes("[ [[key]]"), min);
  t.true(min.includes(".. .5"), min);
});

test("a statement ';' stays only before '(', a table's ';' stays", (t) => {
  const min = sameBehaviour(
    t,
    `local printer = print; (printer)("called");
     local listValue = {1; 2; 3}; print(#listValue);
     do return end;`,
    { gone: ["printer", "listValue"], expect: "called\n3\nexit 0" },
  );
  t.is((min.match(/;/g) ?? []).length, 3, min);
});

test("random programs full of shadowing print the same minified", (t) => {
  // Error messages name locals ("attempt to call local 'alpha'"): the minified program
  // names the renamed local instead, and every line is line 1.
  const clean = (s: string) => s.replace(/stdin:\d+:/g, "stdin:N:").replace(/(local|upvalue) '[^']*'/g, "$1 '?'");
  for (let seed = 1; seed <= 8; seed++) {
    const src = randomProgram(seed);
    const min = minify(src);
    for (const lua of LUAS) {
      const before = runLua(lua, src);
      t.true(before.includes("true"), `seed ${seed} ${lua}: some parts run through`);
      t.is(clean(runLua(lua, min)), clean(before), `seed ${seed} ${lua}`);
    }
  }
});

test("same input, same bytes; minifying twice changes nothing more", (t) => {
  const src = `local alphaValue, betaValue = 1, 2 local function sum(x, y) return x + y end print(sum(alphaValue, betaValue))`;
  const once = minify(src);
  t.is(minify(src), once);
  t.is(minify(once), once);
});

test("input it cannot parse is a LuaMinifyError with the line", (t) => {
  const cases: [string, RegExp][] = [
    [`print("unfinished)`, /line 1: unfinished string/],
    [`x = [==[ never closed ]=]`, /unfinished long string/],
    [`local a = print\n(a)("x")`, /line 2: ambiguous syntax/],
    [`if x then`, /'end' expected/],
    [`x = 1 +`, /unexpected symbol/],
    [`a.b`, /syntax error/],
    [`x = a ! b`, /unexpected character/],
  ];
  for (const [src, re] of cases) {
    const err = t.throws(() => minify(src), { instanceOf: LuaMinifyError }, src);
    t.regex(err!.message, re, src);
  }
});

test("CRLF line endings, and a short comment that ends at \\r", (t) => {
  sameBehaviour(t, "local crlfValue = 1 -- comment\r\nprint(crlfValue, [[a\r\nb]])\r-- old Mac line\rprint('done')\r\n", { gone: ["crlfValue"] });
});

test("a shebang line is kept", (t) => {
  t.is(minify("#!/usr/bin/lua\nlocal someValue = 1 print(someValue)\n"), "#!/usr/bin/lua\nlocal e=1 print(e)\n");
});

// The real bundles: luac accepts them, and they behave byte for byte the same.
const dir = mkdtempSync(join(tmpdir(), "lua-minify-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function minifiedCopy(t: import("ava").ExecutionContext, file: string): string | undefined {
  if (!existsSync(file)) {
    t.fail(`${file} not built (node tools/build.mjs)`);
    return undefined;
  }
  const out = join(dir, file.replace(/\//g, "_"));
  const src = readFileSync(file, "latin1");
  const min = minify(src);
  t.is(minify(src), min, "same bytes every time");
  t.true(min.length < src.length * 0.75, `${src.length} -> ${min.length} bytes`);
  writeFileSync(out, min, "latin1");
  const luac = spawnSync("luac5.1", ["-p", out], { encoding: "utf8" });
  t.is(luac.status, 0, `luac5.1 -p: ${luac.stderr}`);
  return out;
}

// dist/miniprobe.tstl.lua is the bundle as typescript-to-lua wrote it; dist/miniprobe.lua is
// what ships: the same modules minified one by one inside the lazy bundle (tools/lua-bundle.mjs).
test("dist/miniprobe.lua minified: same --version, --help, --capabilities, --registry and exceptions", (t) => {
  const min = minifiedCopy(t, "dist/miniprobe.tstl.lua");
  if (!min) return;
  // Tool discovery logs how long it took on stderr: not part of the comparison.
  const run = (lua: string, file: string, args: string[], input?: string) => {
    const r = spawnSync(lua, [file, ...args], { input, encoding: "utf8", timeout: 60000 });
    return `${r.stdout}exit ${r.status}`;
  };
  const badSpec = JSON.stringify({ specification: "measure", version: 1, label: "probe-info", when: "now + 30", parameters: {}, results: [] });
  const cases: [string[], string?][] = [
    [["--version"]],
    [["--help"]],
    [["--capabilities"]],
    [["--registry"]],
    [["--once", "-"], badSpec],
    [["--no-such-option"]],
  ];
  for (const lua of LUAS) {
    for (const [args, input] of cases) {
      const before = run(lua, "dist/miniprobe.tstl.lua", args, input);
      t.true(before.length > 20, `${lua} ${args.join(" ")}: ${before}`);
      t.is(run(lua, min, args, input), before, `${lua} ${args.join(" ")}`);
      t.is(run(lua, "dist/miniprobe.lua", args, input), before, `${lua} ${args.join(" ")}: the shipped bundle`);
    }
  }
});

test("dist/vectors.lua minified: the vector runner prints the same lines", (t) => {
  const min = minifiedCopy(t, "dist/vectors.lua");
  if (!min) return;
  const input = vectorInput(loadVectors());
  for (const lua of LUAS) {
    const run = (file: string) => {
      const r = spawnSync(lua, [file], { input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 600000 });
      t.is(r.status, 0, `${lua} ${file}: ${r.stderr.slice(0, 2000)}`);
      return r.stdout;
    };
    const before = run("dist/vectors.lua");
    t.true(before.split("\n").length > 1000, `${lua}: ${before.length} bytes of output`);
    t.is(run(min), before, lua);
  }
});

test("an independent parser (luaparse) sees the same program in both bundles, up to local names", (t) => {
  const luaparse = loadLuaparse();
  if (!luaparse) return t.fail("luaparse not installed (devDependency luaparse@0.3.1, or LUAPARSE_DIR)");
  for (const file of ["dist/miniprobe.tstl.lua", "dist/vectors.lua"]) {
    if (!existsSync(file)) return t.fail(`${file} not built (node tools/build.mjs)`);
    const src = readFileSync(file, "latin1");
    const before = canonicalAst(luaparse, src);
    const after = canonicalAst(luaparse, minify(src));
    // Not t.is: a diff of two megabytes of JSON helps nobody; say where they part.
    let at = 0;
    while (at < before.length && before[at] === after[at]) at++;
    t.true(before === after, `${file}: first difference at ${at}: ${before.slice(at - 200, at + 100)} / ${after.slice(at - 200, at + 100)}`);
  }
});

test("dropBundleModules removes whole modules and nothing else", (t) => {
  const bundle = [
    "local ____modules = {}",
    "____modules = {",
    '["keep.a"] = function(...) ',
    "local t = {",
    "}",
    "return t",
    "end,",
    '["drop.b"] = function(...) ',
    "return {}",
    "end,",
    '["keep.c"] = function(...) ',
    "return 3",
    "end,",
    '["drop.d"] = function(...) ',
    "return 4",
    "end,",
    "}",
    'return ____modules["keep.c"]()',
  ].join("\n");
  const out = (dropBundleModules as (b: string, p: string[]) => string)(bundle, ["drop."]);
  t.false(out.includes("drop."));
  t.is(spawnSync("luac5.1", ["-p", "-"], { input: out }).status, 0, out);
  t.is(runLua("lua5.1", out.replace(/return (____modules\[.*)$/, "print($1)")), "3\nexit 0");
});
