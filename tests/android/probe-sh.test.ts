// android/assets/probe.sh, the script the root runner runs through su on the phone:
// `stop` ends only a process running this bundle (the pid file may be stale after a
// reboot or an app kill), `run` stops a leftover probe first and then execs qjs so su's
// exit status is the probe's. Run here with /bin/sh and the native qjs on the real bundle.
import test from "ava";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { QJS_VARIANT, bundleFiles } from "../../tools/package/ipk.ts";
import { QJS } from "../support/probe-cli.ts";

function filesDir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), "miniprobe-files-"));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  mkdirSync(join(d, "bin"));
  copyFileSync(QJS, join(d, "bin", "qjs"));
  spawnSync("chmod", ["755", join(d, "bin", "qjs")]);
  // The bundle and its chunks, as the root runner copies assets/js.
  for (const f of bundleFiles(QJS_VARIANT)) copyFileSync(f, join(d, "bin", basename(f)));
  copyFileSync("android/assets/probe.sh", join(d, "bin", "probe.sh"));
  return d;
}

function probeSh(d: string, verb: string) {
  const r = spawnSync("sh", [join(d, "bin", "probe.sh"), verb, d], { encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  return r;
}

/** A long-running probe (a 60 s ping) started the way probe.sh starts it. */
function longProbe(t: { teardown(fn: () => void): void }, d: string): { child: ChildProcess; closed: Promise<number | null> } {
  const spec = join(d, "spec.json");
  writeFileSync(spec, JSON.stringify({
    specification: "measure", version: 1, label: "ping-detail-ip4", when: "now + 60s / 1s",
    parameters: { "destination.ip4": "127.0.0.1" }, results: [],
  }));
  const child = spawn(join(d, "bin", "qjs"), ["--std", join(d, "bin", "miniprobe.js"), "--once", spec], { stdio: "ignore" });
  const closed = new Promise<number | null>((res) => child.on("close", (code, sig) => res(code ?? (sig === null ? null : 128))));
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL"); });
  return { child, closed };
}

const alive = (pid: number) => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`not within ${ms} ms`)), ms))]);

test.before(() => {
  if (!existsSync(QJS)) throw new Error(`${QJS} missing (tools/build-qjs.sh)`);
  if (!existsSync("dist/miniprobe.js")) throw new Error("dist/miniprobe.js missing (npm run build)");
});

test("stop: the probe in the pid file gets SIGTERM and is gone; the pid file too", async (t) => {
  const d = filesDir(t);
  const { child, closed } = longProbe(t, d);
  await new Promise((r) => setTimeout(r, 500)); // let it start its ping
  writeFileSync(join(d, "probe.pid"), `${child.pid}\n`);
  const r = probeSh(d, "stop");
  t.is(r.status, 0, r.stderr);
  t.is(await within(closed, 15_000), 143, "ended by SIGTERM (the probe exits 128+15 by itself), not SIGKILL");
  t.false(existsSync(join(d, "probe.pid")));
});

test("stop: a stale pid file naming another process leaves that process alone", async (t) => {
  const d = filesDir(t);
  const other = spawn("sleep", ["30"], { stdio: "ignore" });
  t.teardown(() => { other.kill("SIGKILL"); });
  await new Promise((r) => other.on("spawn", r));
  writeFileSync(join(d, "probe.pid"), `${other.pid}\n`);
  const r = probeSh(d, "stop");
  t.is(r.status, 0, r.stderr);
  t.true(alive(other.pid!), "sleep still runs");
  t.false(existsSync(join(d, "probe.pid")));
  for (const junk of ["1;reboot", "$(reboot)", "", "-1"]) {
    writeFileSync(join(d, "probe.pid"), junk);
    t.is(probeSh(d, "stop").status, 0, junk);
  }
});

test("run: a leftover probe is stopped first, then qjs is exec'd (its exit status, output in probe.log)", async (t) => {
  const d = filesDir(t);
  const { child, closed } = longProbe(t, d);
  await new Promise((r) => setTimeout(r, 500));
  writeFileSync(join(d, "probe.pid"), `${child.pid}\n`);
  // A configuration no agent can accept, so the new probe ends at once, as it would
  // when run directly with the same arguments.
  writeFileSync(join(d, "config.json"), "{not json");
  const direct = spawnSync(join(d, "bin", "qjs"), ["--std", join(d, "bin", "miniprobe.js"), "--config", join(d, "config.json")], { encoding: "utf8", timeout: 60_000 });
  t.not(direct.status, 0);
  const r = probeSh(d, "run");
  t.is(await within(closed, 15_000), 143, "the leftover probe was stopped by SIGTERM");
  t.is(r.status, direct.status, "su sees the probe's exit status");
  // The same messages (timestamps aside) went to probe.log.
  const lines = (s: string) => s.split("\n").map((l) => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, "")).filter((l) => l !== "").sort();
  t.deepEqual(lines(readFileSync(join(d, "probe.log"), "utf8")), lines(direct.stdout + direct.stderr));
  t.regex(readFileSync(join(d, "probe.pid"), "utf8"), /^\d+\n$/);
  t.true(existsSync(join(d, "queue")));
});

test("usage errors exit 64", (t) => {
  const r = spawnSync("sh", ["android/assets/probe.sh", "run", "relative"], { encoding: "utf8" });
  t.is(r.status, 64);
  const d = filesDir(t);
  t.is(probeSh(d, "restart").status, 64);
});
