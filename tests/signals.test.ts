// Issue 8, "processes die with the probe": SIGTERM or SIGINT during a 60-count ping leaves
// no ping process, on every runtime. The probe runs `--once -` with a ping to a loopback
// address unique to this run (127.83.X.Y: all of 127/8 answers on Linux), so the test can
// find its ping in /proc by command line, and never mistakes another run's for it.
import test from "ava";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { probeRuntimes, runtimeMissing } from "./support/probe-cli.ts";

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string[];
}

function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "latin1");
      if (cmd === "") continue; // a zombie or a kernel thread
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      // the command name in parentheses may hold spaces: fields start after the last ")"
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ pid: Number(name), ppid: Number(fields[1]), cmdline: cmd.split("\0").filter((a) => a !== "") });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Live ping processes aimed at `target`, or descended from `root`. */
function pings(target: string, root: number): ProcInfo[] {
  const all = processes();
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const descends = (p: ProcInfo): boolean => {
    let cur: ProcInfo | undefined = p;
    for (let i = 0; i < 32 && cur !== undefined; i++) {
      if (cur.ppid === root) return true;
      cur = byPid.get(cur.ppid);
    }
    return false;
  };
  const isPing = (p: ProcInfo) => p.cmdline.length > 0 && /(^|\/)ping6?$/.test(p.cmdline[0]);
  return all.filter((p) => isPing(p) && (p.cmdline.includes(target) || descends(p)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let serial = 0;

for (const rt of probeRuntimes) {
  for (const [sig, wantCode] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    test.serial(`${rt.name}: ${sig} during a 60-count ping leaves no ping process`, async (t) => {
      const missing = runtimeMissing(rt.argv);
      if (missing) return t.fail(`${rt.name}: ${missing}`);
      t.timeout(60_000);
      serial++;
      const target = `127.83.${process.pid % 250}.${(serial % 250) + 1}`;
      const spec = JSON.stringify({
        specification: "measure", version: 1, label: "ping-average-ip4", when: "now + 60s / 1s",
        parameters: { "destination.ip4": target }, results: [],
      });
      const probe = spawn(rt.argv[0], [...rt.argv.slice(1), "--once", "-"], { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      probe.stdout.on("data", (d) => (stdout += d));
      probe.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
        probe.on("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
      );
      t.teardown(() => {
        probe.kill("SIGKILL");
        for (const p of pings(target, probe.pid ?? -1)) {
          try {
            process.kill(p.pid, "SIGKILL");
          } catch {
            // gone
          }
        }
      });
      probe.stdin.end(spec);

      // bounded wait for the ping to start (start-up of a runtime under load included)
      let found: ProcInfo[] = [];
      for (let i = 0; i < 150 && found.length === 0; i++) {
        await sleep(100);
        found = pings(target, probe.pid!);
        if (probe.exitCode !== null) break;
      }
      if (found.length === 0) return t.fail(`no ping to ${target} started; exit ${probe.exitCode}\n${stdout}\n${stderr}`);
      t.log(`${rt.name}: ping pid ${found.map((p) => p.pid).join(",")} (parent ${found.map((p) => p.ppid).join(",")}, probe ${probe.pid})`);

      const sentAt = performance.now();
      probe.kill(sig);
      const end = await Promise.race([exited, sleep(3000).then(() => undefined)]);
      t.truthy(end, `${rt.name} still running 3 s after ${sig}`);
      if (end) {
        t.true(end.at - sentAt < 3000, `exited after ${Math.round(end.at - sentAt)} ms`);
        // the probe ends by itself, with an exit status, not killed by the signal it was sent
        t.is(end.signal, null, `${rt.name} died of ${end.signal} instead of exiting`);
        t.true(end.code === wantCode || (end.code !== null && end.code > 0), `exit code ${end.code}`);
      }
      // the ping must be gone too (bounded wait for the reaper)
      let left = pings(target, probe.pid!);
      for (let i = 0; i < 20 && left.length > 0; i++) {
        await sleep(50);
        left = pings(target, probe.pid!);
      }
      t.deepEqual(left.map((p) => `${p.pid} ${p.cmdline.join(" ")}`), [], "ping processes left behind");
      t.false(stderr.includes("stack traceback"), stderr);
      t.false(stderr.includes("interrupted!"), stderr);
    });
  }
}
