// The host conformance suite (tests/hosts/host-suite.ts) run in-process against the Node
// host, with the local HTTP/echo servers of tests/hosts/servers.ts, plus the Node-only
// parts the suite cannot reach from inside (stdin over its limit, signals, exit).
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import * as tls from "node:tls";
import type { Stream } from "../../core/host";
import { createHost } from "../../targets/node/host";
import { runHostSuite } from "./host-suite";
import { startServers } from "./servers";

test("Node host passes the host conformance suite", async (t) => {
  const servers = await startServers();
  const tmpDir = mkdtempSync(join(tmpdir(), "mp-node-host-"));
  try {
    const stdinText = "stdin line 1\nline 2\n";
    const stdin = new PassThrough();
    stdin.end(stdinText);
    const host = createHost({ probeId: "hostsuite", logLevel: "warn", stdin });
    const lines = await new Promise<string[]>((resolve) =>
      runHostSuite(
        host,
        { httpBase: servers.httpBase, httpBase6: servers.httpBase6, tmpDir, echoPort: servers.echoPort, stdin: stdinText },
        resolve,
      ),
    );
    t.log(lines.join("\n"));
    const bad = lines.filter((l) => !l.startsWith("ok "));
    // Node can do everything: the only acceptable skip is one the machine causes (no IPv6 loopback).
    const allowed = bad.filter((l) => l.startsWith("skip http.ipv6:"));
    t.deepEqual(bad, allowed);
    t.true(lines.length > 110, `only ${lines.length} checks ran`);
    for (const name of ["exec.cancel-no-process", "spawn.kill-no-process", "http.cancel-server-closed", "connect.binary",
      "fs.read-dev-zero", "timer.long", "http.glob-literal", "readStdin"]) {
      t.true(lines.includes(`ok ${name}`), name);
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
    await servers.close();
  }
});

test("Node host: info and tools", (t) => {
  const host = createHost({ probeId: "p1" });
  t.is(host.info.runtime, "node");
  t.is(host.info.probeId, "p1");
  t.is(host.info.runtimeVersion, process.version);
  t.is(host.info.connect, "socket");
  t.is(host.info.tls, "node-tls");
  t.regex(host.info.arch, /^[a-z0-9_]+$/);
  for (const [name, tool] of Object.entries(host.tools)) {
    t.truthy(tool?.path, name);
    t.truthy(tool?.flavour, name);
  }
  t.is(typeof host.connect, "function");
});

test("Node host: readStdin stops at its limit while reading", async (t) => {
  const input = new PassThrough();
  const host = createHost({ stdin: input });
  const got = new Promise<{ code?: string; text?: string }>((resolve) =>
    host.readStdin!((e, text) => resolve({ code: e?.code, text }), 100_000),
  );
  // 1 MB offered in 64 KiB pieces; the stream never ends, so only the limit can answer
  const piece = Buffer.alloc(65536, "a");
  for (let i = 0; i < 16; i++) input.write(piece);
  const r = await got;
  t.is(r.code, "ETOOBIG");
  t.is(r.text, undefined);
  input.destroy();
});

test("Node host: a 30-day timer does not fire at once and clearTimer stops it", async (t) => {
  const host = createHost();
  let fired = 0;
  const warnings: string[] = [];
  const onWarn = (w: Error) => warnings.push(w.name);
  process.on("warning", onWarn);
  t.teardown(() => process.off("warning", onWarn));
  const id = host.setTimer(30 * 86400_000, () => fired++);
  await new Promise((r) => setTimeout(r, 100));
  host.clearTimer(id);
  t.is(fired, 0);
  t.false(warnings.includes("TimeoutOverflowWarning"), warnings.join(","));
});

/** Pids whose command line contains `needle`. */
function procsWith(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "latin1").includes(needle)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

// A child Node process with the real host: it starts a sleep in its own group, then is sent
// a signal. Without an onSignal handler the host must kill the group and exit 143 / 130.
for (const [sig, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  test(`Node host: ${sig} without a handler kills child groups and exits ${code}`, async (t) => {
    const tail = `${sig === "SIGTERM" ? 1 : 2}${process.pid}`;
    const needle = `40.${tail}`;
    // the needle is assembled inside the child, so the child's own command line lacks it
    const script = `import { createHost } from "./targets/node/host.ts";
const h = createHost();
const arg = "40." + "${tail}";
h.exec(["sleep", arg], { timeoutMs: 60000, maxBytes: 100 }, () => undefined);
h.spawn(["sleep", arg], { onExit: () => undefined }, () => process.stdout.write("started\\n"));`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    t.teardown(() => {
      child.kill("SIGKILL");
      for (const pid of procsWith(needle)) process.kill(pid, "SIGKILL");
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("child never started its processes: " + stderr)), 20000);
      child.stdout.on("data", (d) => {
        if (String(d).includes("started")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    t.is(procsWith(needle).length, 2);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    child.kill(sig);
    t.is(await exited, code, stderr);
    // the reaper may need a moment after the group is killed
    let left = procsWith(needle);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      left = procsWith(needle);
    }
    t.deepEqual(left, []);
  });
}

/** A CA and a server certificate for "probe.test", made with the openssl CLI (argv, no shell). */
function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8", timeout: 30000 });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=miniprobe test CA"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=probe.test"]);
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:probe.test\n");
  run(["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf"]);
  return { ca: join(dir, "ca.pem"), cert: join(dir, "srv.pem"), key: join(dir, "srv.key") };
}

test("Node host: TLS connect verifies against caFile and servername, and refuses otherwise", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mp-node-tls-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const c = makeCerts(dir);
  const server = tls.createServer({ cert: readFileSync(c.cert), key: readFileSync(c.key) }, (s) => s.pipe(s));
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const host = createHost();
  const open = (o: { caFile?: string; servername?: string }) =>
    new Promise<{ code?: string; stream?: Stream }>((resolve) =>
      host.connect!("127.0.0.1", port, { tls: true, timeoutMs: 5000, ...o }, (e, s) => resolve({ code: e?.code, stream: s })),
    );

  const good = await open({ caFile: c.ca, servername: "probe.test" });
  t.is(good.code, undefined);
  const echoed = await new Promise<string>((resolve) => {
    let got = "";
    const bytes = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    good.stream!.onData((d) => {
      got += d;
      if (got.length >= 256) resolve(got);
    });
    good.stream!.write(bytes, () => undefined);
  });
  t.is(echoed, Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join(""));
  good.stream!.close();

  t.is((await open({ servername: "probe.test" })).code, "EPROTO", "unknown CA");
  t.is((await open({ caFile: c.ca, servername: "other.test" })).code, "EPROTO", "wrong name");
  t.is((await open({ caFile: join(dir, "missing.pem") })).code, "ENOENT", "CA file missing");
});
