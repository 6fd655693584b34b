// The host conformance suite run on REAL QuickJS: builds the native qjs (tools/build-qjs.sh,
// cached in .cache/qjs; QJS=/path/to/qjs overrides), bundles tests/hosts/qjs-suite-entry.ts
// with rollup.hostsuite.config.ts, runs it under qjs against the local servers and checks
// that every line is ok or an honest skip (IPv6 only when the machine has it). `connect`
// runs through busybox nc here (Debian's busybox has the applet), so it must pass too.
import test from "ava";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { rollup } from "rollup";
import config from "../../rollup.hostsuite.config";
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

function runQjs(qjs: string, args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(qjs, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

test("QuickJS host passes the host conformance suite on native qjs", async (t) => {
  const [qjs, script] = await Promise.all([buildQjs(), bundle()]);
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
