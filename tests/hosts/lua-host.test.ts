// The real Lua host (targets/lua/host.lua) against the shared host conformance suite, on
// lua5.1 and on LuaJIT: local HTTP + echo servers on port 0, the suite bundled by TSTL into
// dist/hostsuite.lua, every reported line must be "ok" (or an honest "skip").
import test from "ava";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServers, TestServers } from "./servers";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/hostsuite.lua");
/** The Lua host passes every check but the ones that need what the machine lacks. */
const MIN_OK = 70;

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

function buildIfNeeded(): void {
  const sources = ["core", "targets/lua/host.lua", "targets/lua/host.d.ts", "tests/hosts/host-suite.ts",
    "tests/hosts/lua-suite-entry.ts", "tsconfig.hostsuite-lua.json"].map((p) => path.join(root, p));
  const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  if (sources.some((s) => newestMtime(s) > built)) {
    execFileSync("npx", ["tstl", "-p", "tsconfig.hostsuite-lua.json"], { cwd: root, stdio: "pipe" });
  }
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d !== "" && fs.existsSync(path.join(d, bin)));
}

let servers: TestServers;
let tmpRoot: string;

test.before(async () => {
  buildIfNeeded();
  servers = await startServers();
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "mp-luahost-"));
});

test.after.always(async () => {
  if (servers) await servers.close();
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
});

function runSuite(lua: string[], tmpDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = [bundle, `httpBase=${servers.httpBase}`, `tmpDir=${tmpDir}`, `echoPort=${servers.echoPort}`,
    "stdin=stdin check; 1 2"];
  if (servers.httpBase6 !== undefined) args.push(`httpBase6=${servers.httpBase6}`);
  return new Promise((resolve) => {
    const child = execFile(lua[0], [...lua.slice(1), ...args], { cwd: root, timeout: 120_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end("stdin check; 1 2");
  });
}

// lua5.1 for mipsel under qemu-user, when tools/mipsel-sysroot.sh has built the sysroot. Its
// scratch folder is on tmpfs: 32-bit readdir under qemu-user fails on ext4 (64-bit
// directory offsets), an emulator artefact a real router does not have.
const mipsel = path.join(root, "tools/mipsel-lua");
const mipselReady = fs.existsSync(path.join(root, ".cache/mipsel-sysroot/usr/bin/lua5.1")) && onPath("qemu-mipsel-static");
const shm = fs.existsSync("/dev/shm") ? "/dev/shm" : undefined;

const runtimes: { name: string; cmd: string[]; ready: boolean; tmpBase?: string }[] = [
  { name: "lua5.1", cmd: ["lua5.1"], ready: onPath("lua5.1") },
  { name: "luajit", cmd: ["luajit"], ready: onPath("luajit") },
  { name: "lua5.1-mipsel", cmd: [mipsel], ready: mipselReady && shm !== undefined, tmpBase: shm },
];

for (const rt of runtimes) {
  const lua = rt.name;
  const t0 = rt.ready ? test.serial : test.skip;
  t0(`host suite passes on ${lua}`, async (t) => {
    const dir = fs.mkdtempSync(path.join(rt.tmpBase ?? tmpRoot, "mp-luahost-" + lua + "-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const r = await runSuite(rt.cmd, dir);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    t.log(`${lua}: ${lines.filter((l) => l.startsWith("ok ")).length} ok, ` +
      `${lines.filter((l) => l.startsWith("skip ")).length} skip`);
    for (const l of lines.filter((x) => x.startsWith("skip "))) t.log(l);
    const bad = lines.filter((l) => !l.startsWith("ok ") && !l.startsWith("skip "));
    t.deepEqual(bad, [], `stderr:\n${r.stderr}`);
    t.is(r.code, 0, r.stderr);
    t.false(r.stderr.includes("callback failed"), r.stderr);
    // the Lua host has exec, httpGet, connect and readStdin: none of those may be skipped
    const skipped = lines.filter((l) => l.startsWith("skip ") && !l.startsWith("skip http.ipv6:"));
    t.deepEqual(skipped, []);
    t.true(lines.filter((l) => l.startsWith("ok ")).length >= MIN_OK, `only ${lines.length} lines:\n${r.stdout}`);
    t.true(lines.includes("ok info.runtime"));
    t.true(lines.includes("ok lua.self-context"), "onLine compiled with self must work too");
  });
}
