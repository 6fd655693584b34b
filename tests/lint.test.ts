// tools/lint-portable.ts against tests/fixtures/lint: every `// @expect rule...` marker
// (on the hit's line; `// @expect-prev` / `// @expect-next` for the line above / below)
// must be reported with that rule and line, and nothing else may be (clean.ts has none).
import test from "ava";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lintFiles, RULES, type Hit } from "../tools/lint-portable.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const dir = path.join(here, "fixtures", "lint");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort().map((f) => path.join(dir, f));

let cached: Hit[] | undefined;
function hits(): Hit[] {
  if (cached === undefined) cached = lintFiles(files, path.join(root, "tsconfig.json"));
  return cached;
}

function expected(file: string): string[] {
  const out: string[] = [];
  readFileSync(file, "utf8").split("\n").forEach((text, i) => {
    const m = /\/\/ @expect(-prev|-next)? ([\w -]+)$/.exec(text);
    if (m === null) return;
    const line = i + 1 + (m[1] === "-prev" ? -1 : m[1] === "-next" ? 1 : 0);
    for (const rule of m[2].trim().split(/\s+/)) out.push(`${line} ${rule}`);
  });
  return out.sort();
}

const base = (h: Hit): string => path.basename(h.file);

for (const file of files) {
  const name = path.basename(file);
  test(`fixture ${name}`, (t) => {
    const got = hits().filter((h) => base(h) === name).map((h) => `${h.line} ${h.rule}`).sort();
    t.deepEqual(got, expected(file), hits().filter((h) => base(h) === name).map((h) => `${h.line}:${h.col} ${h.rule}: ${h.message}`).join("\n"));
  });
}

test("every rule has a bad fixture and a row in tools/lint-rules.md", (t) => {
  const table = readFileSync(path.join(root, "tools", "lint-rules.md"), "utf8");
  const source = readFileSync(path.join(root, "tools", "lint-portable.ts"), "utf8");
  const header = source.substring(0, source.indexOf("\nimport "));
  const reported = new Set(hits().map((h) => h.rule));
  for (const id of Object.keys(RULES)) {
    t.true(reported.has(id), `no fixture reports ${id}`);
    t.true(table.includes("`" + id + "`"), `${id} missing from tools/lint-rules.md`);
    t.true(header.includes(id), `${id} missing from the header of tools/lint-portable.ts`);
  }
});

test("clean.ts has no hits", (t) => {
  t.deepEqual(hits().filter((h) => base(h) === "clean.ts"), []);
});

test("hits carry file:line:col", (t) => {
  const h = hits().find((x) => x.rule === "modulo" && base(x) === "modulo.ts");
  t.truthy(h);
  t.is(h?.line, 2);
  t.is(h?.col, 13);
  t.is(h?.file.endsWith("tests/fixtures/lint/modulo.ts"), true);
});
