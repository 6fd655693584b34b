// The host conformance suite run on REAL QuickJS: builds the native qjs (tools/build-qjs.sh,
// cached in .cache/qjs; QJS=/path/to/qjs overrides), bundles tests/hosts/qjs-suite-entry.ts
// with tools/testkit/qjs-suite-config.ts, runs it under qjs against the local servers and checks
// that every line is ok or an honest skip (IPv6 only when the machine has it). `connect`
// runs through busybox nc here (Debian's busybox has the applet), so it must pass too.
import test from "ava";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import tls from "node:tls";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { rollup } from "rollup";
import { qjsSuiteConfig } from "../../tools/testkit/qjs-suite-config.ts";

const config = qjsSuiteConfig("tests/hosts/qjs-suite-entry.ts", ["tests/hosts/host-suite.ts", "tests/hosts/qjs-suite-entry.ts"], ".cache/hostsuite/qjs-suite.js");
import { startServers } from "./servers";

const run = promisify(execFile);

async function buildQjs(): Promise<string> {
  const { stdout } = await run("bash", ["tools/build-qjs.sh"], { maxBuffer: 1 << 20 });
  return stdout.trim().split("\n").pop()!;
}

async function bundle(): Promise<string> {
  const out = config.output as { file: string };
  const b = await rollup({ ...config, onwarn: (w, warn) => (w.code === "CIRCULAR_DEPENDENCY" ? undefined : warn(w)) });
  await b.write(config.output as object);
  await b.close();
  return out.file;
}

// One build of qjs and of the bundle for every test in this file.
let built: Promise<[string, string]> | undefined;
const ready = (): Promise<[string, string]> => (built ??= Promise.all([buildQjs(), bundle()]));

function runQjs(qjs: string, args: string[], stdin: string, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(qjs, args, { stdio: ["pipe", "pipe", "pipe"], env: env ?? process.env });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

/** A QuickJS-only check of qjs-suite-entry.ts (mode=...): its one line of JSON. */
async function mode(args: string[], env?: NodeJS.ProcessEnv): Promise<{ [k: string]: unknown }> {
  const [qjs, script] = await ready();
  const r = await runQjs(qjs, [script, ...args], "", env);
  if (r.code !== 0) throw new Error(`qjs exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

test("QuickJS host passes the host conformance suite on native qjs", async (t) => {
  const [qjs, script] = await ready();
  const servers = await startServers();
  const tmpDir = mkdtempSync(join(tmpdir(), "mp-qjs-host-"));
  const stdin = "stdin line 1\nline 2\n";
  try {
    const args = [script, `httpBase=${servers.httpBase}`, `tmpDir=${tmpDir}`, `echoPort=${servers.echoPort}`, `stdin=${stdin}`];
    if (servers.httpBase6 !== undefined) args.push(`httpBase6=${servers.httpBase6}`);
    const r = await runQjs(qjs, args, stdin);
    t.log(r.stdout);
    if (r.stderr !== "") t.log(`stderr: ${r.stderr}`);
    t.is(r.code, 0);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    t.true(lines.length > 60, `only ${lines.length} checks ran`);
    // Honest skips: IPv6 only when the machine has it.
    const honest = (l: string) => l.startsWith("skip http.ipv6:");
    t.deepEqual(lines.filter((l) => !l.startsWith("ok ") && !honest(l)), []);
    // What the QuickJS host must really do (not skip):
    for (const name of ["exec.timeout", "exec.onLine", "http.redirect", "http.range", "http.maxBytes", "readStdin", "fs.rename",
      "exec.cancel", "exec.cancel-no-process", "exec.stdin", "spawn.cat", "spawn.kill-no-process", "http.cancel",
      "http.cl-conflict", "http.glob-literal", "http.non-ascii-path", "fs.read-dev-zero", "fs.readRange", "memory",
      "timer.long", "connect.echo", "connect.bulk", "connect.binary", "connect.cancel", "connect.refused"]) {
      t.true(lines.includes(`ok ${name}`), name);
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
    await servers.close();
  }
});

test("fs.read of /dev/zero with a 4 MiB limit ends fast with ETOOBIG and holds little memory", async (t) => {
  const base = await mode(["mode=read", "path=/dev/null", "max=10"]);
  const r = await mode(["mode=read", "path=/dev/zero", `max=${4 * 1024 * 1024}`]);
  t.log(`peak RSS: reading /dev/null ${base.hwmKb} kB, the refused /dev/zero read ${r.hwmKb} kB`);
  t.is(r.error, "ETOOBIG");
  t.is(r.length, null);
  t.true((r.hwmKb as number) < 16 * 1024, `peak RSS ${r.hwmKb} kB`);
});

test("connect declares its helper and round-trips every byte value through it", async (t) => {
  const servers = await startServers();
  try {
    const info = await mode(["mode=info"]);
    t.regex(String(info.connect), /^(nc|socat):\//);
    t.regex(String(info.tls), /^openssl:\//);
    t.is(info.hasConnect, true);
    const r = await mode(["mode=echo", "host=127.0.0.1", `port=${servers.echoPort}`]);
    t.is(r.error, undefined, String(r.message));
    t.is(r.same, true);
    if (servers.echo6) {
      const r6 = await mode(["mode=echo", "host=::1", `port=${servers.echoPort}`]);
      t.is(r6.same, true, JSON.stringify(r6));
    }
  } finally {
    await servers.close();
  }
});

test("connect falls back to socat, and is absent without any helper (no setsid either: /proc tree kills)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mp-qjs-path-"));
  const servers = await startServers();
  try {
    const only = join(dir, "only-socat");
    const none = join(dir, "none");
    mkdirSync(only);
    mkdirSync(none);
    symlinkSync("/usr/bin/socat", join(only, "socat"));
    const info = await mode(["mode=info"], { ...process.env, PATH: only });
    t.is(info.connect, `socat:${join(only, "socat")}`);
    const r = await mode(["mode=echo", "host=127.0.0.1", `port=${servers.echoPort}`], { ...process.env, PATH: only });
    t.is(r.same, true, JSON.stringify(r));
    const absent = await mode(["mode=info"], { ...process.env, PATH: none });
    t.deepEqual(absent, { connect: null, tls: null, hasConnect: false });
  } finally {
    await servers.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("TLS through openssl s_client: certificate and name verified, every byte value survives", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mp-qjs-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
    "-subj", "/CN=probe.test", "-addext", "subjectAltName=DNS:probe.test,IP:127.0.0.1"]);
  const server = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (sock) => sock.pipe(sock));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const ok = await mode(["mode=echo", "host=127.0.0.1", `port=${port}`, "tls=1", `caFile=${cert}`, "servername=probe.test"]);
    t.is(ok.same, true, JSON.stringify(ok));
    const byIp = await mode(["mode=echo", "host=127.0.0.1", `port=${port}`, "tls=1", `caFile=${cert}`]);
    t.is(byIp.same, true, JSON.stringify(byIp));
    const wrongName = await mode(["mode=echo", "host=127.0.0.1", `port=${port}`, "tls=1", `caFile=${cert}`, "servername=other.test"]);
    t.is(wrongName.error, "EPROTO", JSON.stringify(wrongName));
    const untrusted = await mode(["mode=echo", "host=127.0.0.1", `port=${port}`, "tls=1", "servername=probe.test"]);
    t.is(untrusted.error, "EPROTO", JSON.stringify(untrusted));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** pids whose command line holds `arg` (our sleep, started through setsid). */
function withArg(arg: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "latin1").split("\0").includes(arg)) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

for (const [sig, handler, want] of [["SIGTERM", false, 143], ["SIGINT", false, 130], ["SIGHUP", false, 129], ["SIGTERM", true, 0]] as const) {
  test.serial(`${sig} ${handler ? "reaches onSignal" : "without a handler exits " + want}, and no child is left`, async (t) => {
    const [qjs, script] = await ready();
    const arg = `31.${process.pid}${Math.floor(Math.random() * 1e6)}`;
    const p = spawn(qjs, [script, "mode=hold", `arg=${arg}`, ...(handler ? ["handler=1"] : [])], { stdio: ["ignore", "pipe", "pipe"] });
    t.teardown(() => {
      p.kill("SIGKILL");
      for (const pid of withArg(arg)) process.kill(pid, "SIGKILL");
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => p.on("exit", (code, signal) => resolve({ code, signal })));
    for (let i = 0; i < 100 && !out.includes("ready"); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = JSON.parse(out.split("\n")[0]).ready as number;
    // the sleep is visible (its pid is the same before and after setsid has exec'd it)
    for (let i = 0; i < 100 && withArg(arg).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    t.deepEqual(withArg(arg), [pid]);
    p.kill(sig);
    const end = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
    t.truthy(end, "still running 5 s after the signal");
    t.deepEqual(end, { code: want, signal: null });
    if (handler) t.deepEqual(JSON.parse(out.trim().split("\n").pop()!), { signal: "TERM" });
    let left = withArg(arg);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      left = withArg(arg);
    }
    t.deepEqual(left, [], "sleep left behind");
  });
}
