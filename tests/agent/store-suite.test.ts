// The store suite (tests/agent/store-suite.ts) on every runtime: Node in this process, native
// qjs (tools/build-qjs.sh) and lua5.1 / LuaJIT from bundles built here. Every case of every
// store must print "ok" — or, for the cases that need durability, "skip ... not durable" on
// the memory store, which says it is not durable.
//
// The bundles are cached in .cache/storesuite under a hash of their sources (.cache may be
// shared by several checkouts, so a name alone could hand one checkout another's build);
// each is built beside its final name and renamed into place, so test processes building at
// once never see half a file.
import test, { type ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { rollup } from "rollup";
import { hasCommand } from "../../tools/testkit/on-path.ts";
import { qjsSuiteConfig } from "../../tools/testkit/qjs-suite-config.ts";
import { createHost } from "../../targets/node/host.ts";
import { fileKind, memoryKind, runStoreSuite, storeCaseNames } from "./store-suite.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const cacheDir = path.join(root, ".cache/storesuite");
const KINDS = ["file", "memory"];

function filesUnder(p: string): string[] {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return [p];
  return fs.readdirSync(p).sort().flatMap((e) => filesUnder(path.join(p, e)));
}

/** A name for the bundle made of these sources (paths and contents), tool versions included. */
function sourceKey(sources: string[]): string {
  const h = createHash("sha256");
  for (const f of sources.flatMap((s) => filesUnder(path.join(root, s)))) {
    h.update(path.relative(root, f) + "\0");
    h.update(fs.readFileSync(f));
  }
  return h.digest("hex").slice(0, 16);
}

/** Bundles of other sources unused this long are deleted when a new one is built. */
const STALE_MS = 24 * 3600 * 1000;

/**
 * `file` if it exists (its time refreshed: it is in use), else what `build(tmp)` writes to
 * tmp, renamed into place; then older bundles of the same kind are pruned.
 */
async function cached(file: string, build: (tmp: string) => Promise<void>): Promise<string> {
  const now = new Date();
  if (fs.existsSync(file)) {
    fs.utimesSync(file, now, now);
    return file;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await build(tmp);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const kind = path.basename(file).split("-")[0] + "-";
  for (const n of fs.readdirSync(cacheDir)) {
    const p = path.join(cacheDir, n);
    try {
      if (n.startsWith(kind) && p !== file && now.getTime() - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Pruned by another run meanwhile.
    }
  }
  return file;
}

const SHARED = ["core", "tests/agent/store-suite.ts", "package-lock.json"];
const QJS_SOURCES = ["tests/agent/store-suite.ts", "tests/agent/store-suite-qjs.ts"];

async function qjsBundle(): Promise<string> {
  const key = sourceKey([...SHARED, "targets/quickjs", "tests/agent/store-suite-qjs.ts", "tools/testkit/qjs-suite-config.ts"]);
  return cached(path.join(cacheDir, `qjs-${key}.js`), async (tmp) => {
    const config = qjsSuiteConfig("tests/agent/store-suite-qjs.ts", QJS_SOURCES, tmp);
    const b = await rollup({ ...config, onwarn: (w, warn) => (w.code === "CIRCULAR_DEPENDENCY" ? undefined : warn(w)) });
    await b.write(config.output as object);
    await b.close();
  });
}

async function luaBundle(): Promise<string> {
  const key = sourceKey([...SHARED, "targets/lua", "tests/agent/store-suite-lua.ts", "tsconfig.storesuite-lua.json", "tsconfig.json"]);
  return cached(path.join(cacheDir, `lua-${key}.lua`), async (tmp) => {
    const out = `${tmp}.d`;
    try {
      await run("npx", ["tstl", "-p", "tsconfig.storesuite-lua.json", "--outDir", out], { cwd: root, maxBuffer: 4 << 20 });
      fs.renameSync(path.join(out, "storesuite.lua"), tmp);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
}

function scratch(t: ExecutionContext, name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `mp-store-${name}-`));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Runs a suite process to its end; a non-zero exit is reported, not thrown. */
async function runProcess(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(cmd, args, { cwd: root, timeout: 180_000, maxBuffer: 4 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? err.message };
  }
}

/** One assertion per case and store: its line says ok (or the honest skip of a store that is not durable). */
function checkLines(t: ExecutionContext, runtime: string, stdout: string): void {
  const lines = stdout.split("\n").filter((l) => l !== "");
  t.log(`${runtime}:\n${lines.join("\n")}`);
  for (const kind of KINDS) {
    for (const c of storeCaseNames()) {
      const name = `${kind}.${c.name}`;
      const want = kind === "memory" && c.durableOnly ? `skip ${name}: not durable` : `ok ${name} `;
      const line = lines.find((l) => l.startsWith(`ok ${name} `) || l.startsWith(`FAIL ${name}:`) || l.startsWith(`skip ${name}:`));
      t.true(line !== undefined && line.startsWith(want), `${runtime} ${name}: ${line ?? "no line"}`);
    }
  }
  t.deepEqual(lines.filter((l) => !l.startsWith("ok ") && !l.startsWith("skip ")), [], `${runtime}: unexpected lines`);
}

test.serial("store suite on node", async (t) => {
  const host = createHost({ probeId: "storesuite", logLevel: "error" });
  const dir = scratch(t, "node");
  const lines: string[] = [];
  await new Promise<void>((resolve) => runStoreSuite(host, [fileKind(host, dir), memoryKind()], (l) => lines.push(l), resolve));
  checkLines(t, "node", lines.join("\n"));
});

test.serial("store suite on native qjs", async (t) => {
  const [qjs, bundle] = await Promise.all([
    run("bash", ["tools/build-qjs.sh"], { cwd: root, maxBuffer: 1 << 20 }).then((r) => r.stdout.trim().split("\n").pop()!),
    qjsBundle(),
  ]);
  const r = await runProcess(qjs, [bundle, `tmpDir=${scratch(t, "qjs")}`]);
  checkLines(t, "qjs", r.stdout);
  t.is(r.code, 0, r.stderr);
});

for (const lua of ["lua5.1", "luajit"]) {
  test.serial(`store suite on ${lua}`, async (t) => {
    if (lua === "luajit" && !hasCommand(lua)) {
      t.log("luajit is not installed (not on PATH): the suite runs on lua5.1 only");
      t.pass();
      return;
    }
    const bundle = await luaBundle();
    const r = await runProcess(lua, [bundle, `tmpDir=${scratch(t, lua)}`]);
    checkLines(t, lua, r.stdout);
    t.is(r.code, 0, r.stderr);
  });
}
