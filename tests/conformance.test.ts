// Every conformance vector on every runtime: each runtime's output line must equal
// Node's byte for byte, and Node's must match the expected value.
import test from "ava";
import { loadVectors, linesById, runOn, runtimes, vectorInput, VectorCase } from "../tools/testkit/runtimes.ts";

const cases = loadVectors();
const input = vectorInput(cases);

function subset(expected: unknown, actual: unknown, path: string): string | undefined {
  if (expected === null || typeof expected !== "object") {
    return expected === actual ? undefined : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `${path}: expected ${expected.length} items, got ${JSON.stringify(actual)?.slice(0, 200)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const w = subset(expected[i], actual[i], `${path}[${i}]`);
      if (w) return w;
    }
    return undefined;
  }
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
    // an empty object is written [] unless its key is declared an object
    if (Array.isArray(actual) && actual.length === 0 && Object.keys(expected as object).length === 0) return undefined;
    return `${path}: expected an object, got ${JSON.stringify(actual)?.slice(0, 200)}`;
  }
  for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
    const w = subset(v, (actual as Record<string, unknown>)[k], `${path}.${k}`);
    if (w) return w;
  }
  return undefined;
}

function checkExpected(c: VectorCase, line: string | undefined): string | undefined {
  if (line === undefined) return "no output line";
  const got = JSON.parse(line) as { out?: unknown; error?: { code: string; message: string } };
  if (c.error) {
    if (!got.error) return `expected error ${c.error.code}, got ${JSON.stringify(got.out)?.slice(0, 300)}`;
    if (got.error.code !== c.error.code) return `expected error ${c.error.code}, got ${got.error.code}: ${got.error.message}`;
    if (c.error.field && !got.error.message.startsWith(c.error.field + ": ")) {
      return `error must name field ${c.error.field}: ${got.error.message}`;
    }
    if (c.error.message && got.error.message !== c.error.message) return `message ${got.error.message}`;
    return undefined;
  }
  if (got.error) return `unexpected error ${got.error.code}: ${got.error.message}`;
  if (c.match === "subset") return subset(c.out, got.out, "out");
  const a = JSON.stringify(got.out);
  const e = JSON.stringify(c.out);
  if (a === e) return undefined;
  // key order does not matter: compare both ways as subsets
  return subset(c.out, got.out, "out") ?? subset(got.out, c.out, "out");
}

test("vector ids are unique and there are at least 150", (t) => {
  const ids = new Set(cases.map((c) => c.id));
  t.is(ids.size, cases.length, "duplicate vector ids");
  t.true(cases.length >= 150, `only ${cases.length} vectors`);
});

let nodeLines: Map<string, string>;

test.serial("node output matches every expected value", async (t) => {
  nodeLines = linesById(await runOn("node", input));
  const failures: string[] = [];
  for (const c of cases) {
    const why = checkExpected(c, nodeLines.get(c.id));
    if (why) failures.push(`${c.id}: ${why}`);
  }
  t.deepEqual(failures, [], failures.slice(0, 30).join("\n"));
});

for (const rt of runtimes.filter((r) => r.name !== "node")) {
  test.serial(`${rt.name} agrees with node on every vector`, async (t) => {
    const missing = rt.missing();
    if (missing) {
      t.fail(`${rt.name} is not available: ${missing}`);
      return;
    }
    if (!nodeLines) nodeLines = linesById(await runOn("node", input));
    const lines = linesById(await runOn(rt.name, input));
    const diffs: string[] = [];
    for (const c of cases) {
      const a = lines.get(c.id);
      const b = nodeLines.get(c.id);
      if (a !== b) diffs.push(`${c.id}:\n  ${rt.name}: ${a}\n  node:   ${b}`);
    }
    t.is(lines.size, cases.length);
    t.deepEqual(diffs, [], diffs.slice(0, 10).join("\n"));
  });
}
