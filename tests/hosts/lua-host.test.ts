// The real Lua host (targets/lua/host.lua) against the shared host conformance suite, on
// lua5.1, LuaJIT and lua5.1 for mipsel under qemu: local HTTP + echo servers on port 0, the
// suite bundled by TSTL into dist/hostsuite.lua, every reported line must be "ok" (or an
// honest "skip"). Then what the suite cannot see from inside: signals (with and without a
// handler) and exit() killing the host's process groups, stdin over its limit, luasec TLS.
import test from "ava";
import { execFile, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import type { AddressInfo } from "node:net";
import path from "node:path";
import * as tls from "node:tls";
import { fileURLToPath } from "node:url";
import { startServers, TestServers } from "./servers";
import { hasCommand } from "../../tools/testkit/on-path.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/hostsuite.lua");
/** The Lua host passes every check but the ones that need what the machine lacks. */
const MIN_OK = 110;

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
const mipselReady = fs.existsSync(path.join(root, ".cache/mipsel-sysroot/usr/bin/lua5.1")) && hasCommand("qemu-mipsel-static");
const shm = fs.existsSync("/dev/shm") ? "/dev/shm" : undefined;

const runtimes: { name: string; cmd: string[]; ready: boolean; tmpBase?: string }[] = [
  { name: "lua5.1", cmd: ["lua5.1"], ready: hasCommand("lua5.1") },
  { name: "luajit", cmd: ["luajit"], ready: hasCommand("luajit") },
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
    for (const name of ["exec.cancel-no-process", "spawn.kill-no-process", "http.cancel-server-closed", "connect.binary",
      "fs.read-dev-zero", "timer.long", "http.glob-literal", "http.cl-conflict", "http.bad-chunk", "http.big-header",
      "http.not-http", "http.scheme-case", "http.non-ascii-path", "readStdin"]) {
      t.true(lines.includes(`ok ${name}`), name);
    }
  });
}

// ---------------------------------------------------------------- outside the suite

/**
 * A Lua chunk driving the host directly (LUA_PATH finds targets/lua/host.lua). MP_MODE:
 * children  an exec and a spawn of `sleep 30`, "pids A B" printed; with MP_HANDLER=1 an
 *           onSignal handler prints "signal NAME", cancels both and lets the loop end
 * exit      the same children, then host.exit(5) after 100 ms
 * stdin     readStdin with a 100000-byte limit: prints "stdin CODE" or "stdin ok N"
 * tls       connect(MP_HOST, MP_PORT, tls with MP_CA / MP_NAME): prints "tls CODE" or, after
 *           echoing all 256 byte values, "tls ok" / "tls differ"
 */
const DRIVER = `
local H = require("host")
local host = H.createHost()
local mode = os.getenv("MP_MODE")
local function say(s) io.stdout:write(s .. "\\n") io.stdout:flush() end
if mode == "children" or mode == "exit" then
  local h = host.exec({ "sleep", "30" }, { timeoutMs = 60000, maxBytes = 100 }, function(e) say("exec " .. (e and e.code or "done")) end)
  host.spawn({ "sleep", "30" }, { onExit = function(c, sig) say("spawn exit " .. tostring(sig)) end }, function(e, p)
    if e then return say("spawn " .. e.code) end
    say("pids " .. p.pid)
    if os.getenv("MP_HANDLER") == "1" then
      host.onSignal(function(name) say("signal " .. name); h.cancel(); p.kill("KILL") end)
    end
    if mode == "exit" then host.setTimer(100, function() host.exit(5) end) end
  end)
elseif mode == "stdin" then
  host.readStdin(function(e, v) say(e and ("stdin " .. e.code) or ("stdin ok " .. #v)) end, 100000)
elseif mode == "tls" then
  local all = {}
  for i = 0, 255 do all[#all + 1] = string.char(i) end
  all = table.concat(all)
  host.connect(os.getenv("MP_HOST"), tonumber(os.getenv("MP_PORT")), { tls = true, timeoutMs = 5000,
    caFile = os.getenv("MP_CA"), servername = os.getenv("MP_NAME") }, function(e, s)
    if e then return say("tls " .. e.code) end
    local got = ""
    s.onData(function(d)
      got = got .. d
      if #got >= 256 then say(got == all and "tls ok" or "tls differ"); s.close() end
    end)
    s.write(all, function() end)
  end)
end
H.runLoop()
`;

function driverEnv(extra: { [k: string]: string }): NodeJS.ProcessEnv {
  return { ...process.env, LUA_PATH: `${path.join(root, "targets/lua")}/?.lua;;`, ...extra };
}

/** Gone, or a zombie waiting for a reaper that is not the probe. */
function processGone(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return /^State:\s+Z/m.test(st);
  } catch {
    return true;
  }
}

interface Driven {
  out: string[];
  waitFor(prefix: string): Promise<string | undefined>;
  exited: Promise<{ code: number | null; signal: string | null }>;
  kill(sig: NodeJS.Signals): void;
  stderr(): string;
  pid: number;
}

function drive(cmd: string[], env: NodeJS.ProcessEnv, stdin?: (w: NodeJS.WritableStream) => void): Driven {
  const child = spawn(cmd[0], [...cmd.slice(1), "-e", DRIVER], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
  const out: string[] = [];
  let err = "";
  let buf = "";
  const waiters: (() => void)[] = [];
  child.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      out.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on("data", (d) => (err += d));
  child.stdin.on("error", () => undefined); // EPIPE once the host stopped reading: expected
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => { for (const w of waiters.splice(0)) w(); resolve({ code, signal }); }));
  if (stdin) stdin(child.stdin);
  else child.stdin.end();
  let done = false;
  void exited.then(() => (done = true));
  return {
    out,
    pid: child.pid ?? -1,
    exited,
    kill: (sig) => child.kill(sig),
    stderr: () => err,
    waitFor: async (prefix) => {
      const deadline = Date.now() + 30_000; // runtime start under load, qemu included
      for (;;) {
        const hit = out.find((l) => l.startsWith(prefix));
        if (hit !== undefined || done || Date.now() > deadline) return hit;
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
      }
    },
  };
}

async function allGone(pids: number[]): Promise<number[]> {
  let left = pids.filter((p) => !processGone(p));
  for (let i = 0; i < 40 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter((p) => !processGone(p));
  }
  return left;
}

for (const rt of runtimes) {
  const t0 = rt.ready ? test.serial : test.skip;
  for (const [sig, code] of [["SIGTERM", 143], ["SIGINT", 130], ["SIGHUP", 129]] as const) {
    t0(`${rt.name}: ${sig} without a handler kills the host's process groups and exits ${code}, no traceback`, async (t) => {
      const d = drive(rt.cmd, driverEnv({ MP_MODE: "children" }));
      t.teardown(() => d.kill("SIGKILL"));
      const line = await d.waitFor("pids ");
      t.truthy(line, d.stderr());
      const pids = (line ?? "").split(" ").slice(1).map(Number);
      // the exec's sleep is the spawn's sibling: find it by its parent, the probe
      const kids = childrenOf(d.pid);
      t.true(kids.length >= 2, `children of the probe: ${kids.join(",")}`);
      d.kill(sig);
      const end = await d.exited;
      t.is(end.signal, null, "the host exits by itself");
      t.is(end.code, code);
      t.deepEqual(await allGone([...pids, ...kids]), [], "children left behind");
      t.false(d.stderr().includes("traceback"), d.stderr());
      t.false(d.stderr().includes("interrupted"), d.stderr());
    });
  }

  t0(`${rt.name}: with onSignal the handler runs from the loop, cancels, and the loop ends`, async (t) => {
    const d = drive(rt.cmd, driverEnv({ MP_MODE: "children", MP_HANDLER: "1" }));
    t.teardown(() => d.kill("SIGKILL"));
    t.truthy(await d.waitFor("pids "), d.stderr());
    const kids = childrenOf(d.pid);
    d.kill("SIGTERM");
    const end = await d.exited;
    t.is(end.code, 0, d.stderr());
    t.true(d.out.includes("signal TERM"), d.out.join("|"));
    t.true(d.out.includes("exec ECANCELED"), d.out.join("|"));
    t.true(d.out.includes("spawn exit KILL"), d.out.join("|"));
    t.deepEqual(await allGone(kids), []);
  });

  t0(`${rt.name}: exit() kills every child process group first`, async (t) => {
    const d = drive(rt.cmd, driverEnv({ MP_MODE: "exit" }));
    t.teardown(() => d.kill("SIGKILL"));
    t.truthy(await d.waitFor("pids "), d.stderr());
    const kids = childrenOf(d.pid);
    t.true(kids.length >= 2);
    const end = await d.exited;
    t.is(end.code, 5);
    t.deepEqual(await allGone(kids), []);
  });

  t0(`${rt.name}: readStdin stops at its limit while reading`, async (t) => {
    // 1 MB offered in 64 KiB pieces on a pipe that is never closed: only the limit can answer
    const d = drive(rt.cmd, driverEnv({ MP_MODE: "stdin" }), (w) => {
      const piece = Buffer.alloc(65536, "a");
      for (let i = 0; i < 16; i++) w.write(piece);
    });
    t.teardown(() => d.kill("SIGKILL"));
    t.is(await d.waitFor("stdin "), "stdin ETOOBIG", d.stderr());
  });
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid && fields[0] !== "Z") out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

/** A CA and a server certificate for "probe.test", made with the openssl CLI (argv, no shell). */
function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe", timeout: 30000 });
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=miniprobe test CA"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=probe.test"]);
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=DNS:probe.test,IP:127.0.0.1\n");
  run(["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf"]);
  return { ca: path.join(dir, "ca.pem"), cert: path.join(dir, "srv.pem"), key: path.join(dir, "srv.key") };
}

const haveLuasec = (lua: string[]): boolean => {
  try {
    execFileSync(lua[0], [...lua.slice(1), "-e", "require('ssl')"], { stdio: "pipe", timeout: 30000 });
    return true;
  } catch {
    return false;
  }
};

for (const rt of runtimes) {
  const t0 = rt.ready && hasCommand("openssl") ? test.serial : test.skip;
  t0(`${rt.name}: TLS connect verifies CA and name with luasec, or is EUNSUPPORTED without it`, async (t) => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, "mp-luatls-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const c = makeCerts(dir);
    const server = tls.createServer({ cert: fs.readFileSync(c.cert), key: fs.readFileSync(c.key) }, (s) => s.pipe(s));
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    const port = String((server.address() as AddressInfo).port);
    const run = async (env: { [k: string]: string }) => {
      const d = drive(rt.cmd, driverEnv({ MP_MODE: "tls", MP_HOST: "127.0.0.1", MP_PORT: port, ...env }));
      t.teardown(() => d.kill("SIGKILL"));
      const line = await d.waitFor("tls ");
      await d.exited;
      return line;
    };
    if (!haveLuasec(rt.cmd)) {
      t.is(await run({ MP_CA: c.ca, MP_NAME: "probe.test" }), "tls EUNSUPPORTED");
      return;
    }
    t.is(await run({ MP_CA: c.ca, MP_NAME: "probe.test" }), "tls ok");
    t.is(await run({ MP_CA: c.ca }), "tls ok", "by IP address (subjectAltName IP)");
    t.is(await run({ MP_NAME: "probe.test" }), "tls EPROTO", "unknown CA");
    t.is(await run({ MP_CA: c.ca, MP_NAME: "other.test" }), "tls EPROTO", "wrong name");
    t.is(await run({ MP_CA: path.join(dir, "missing.pem") }), "tls ENOENT", "CA file missing");
  });
}
