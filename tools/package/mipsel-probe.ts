// The installed Lua package run the way a MIPS router would run it, without a router:
// root/usr/share/miniprobe/miniprobe.lua on Debian's lua5.1 for mipsel under qemu-user
// (tools/mipsel-lua), with `--uci root/etc/config/miniprobe`, and a PATH on which `ping` and
// `traceroute` are the mipsel busybox applets. There is no binfmt_misc here, so a mipsel
// program cannot be exec'd directly: PATH holds one tiny script per applet that execs
// tools/mipsel-busybox (qemu again). The probe classifies them by their help text as busybox.
// Used by tests/openwrt/mipsel.test.ts and tools/bench/openwrt.ts.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const REPO = path.resolve(import.meta.dirname, "../..");
export const SYSROOT = process.env.MIPSEL_SYSROOT ?? path.join(REPO, ".cache/mipsel-sysroot");
const MIPSEL_LUA = path.join(REPO, "tools/mipsel-lua");
const MIPSEL_BUSYBOX = path.join(REPO, "tools/mipsel-busybox");
export const APPLETS = ["ping", "traceroute"];

function qemuPath(): string | undefined {
  const r = spawnSync("sh", ["-c", "command -v qemu-mipsel-static"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Where the probe's root goes: tmpfs, as /tmp is on a router. 32-bit Lua under qemu-user
 * cannot read directories on ext4 (readdir's 64-bit hash offsets overflow), which the
 * report queue must do.
 */
export const TMPFS = fs.existsSync("/dev/shm") ? "/dev/shm" : undefined;

/** Why the mipsel run cannot happen here, or undefined. */
export function mipselMissing(): string | undefined {
  if (!qemuPath()) return "qemu-mipsel-static not installed (tools/deps.sh installs qemu-user-static)";
  if (!fs.existsSync(path.join(SYSROOT, "usr/bin/lua5.1"))) return `no mipsel sysroot at ${SYSROOT} (run tools/mipsel-sysroot.sh)`;
  if (!fs.existsSync(path.join(SYSROOT, "bin/busybox"))) return `no mipsel busybox in ${SYSROOT} (run tools/mipsel-sysroot.sh)`;
  if (!TMPFS) return "no /dev/shm (tmpfs) for the probe's queue directory";
  return undefined;
}

/** dir/<applet> for each applet: `exec tools/mipsel-busybox <applet> "$@"`. Returns dir. */
export function appletDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const a of APPLETS) {
    fs.writeFileSync(path.join(dir, a), `#!/bin/sh\nexec ${MIPSEL_BUSYBOX} ${a} "$@"\n`, { mode: 0o755 });
  }
  return dir;
}

/** Environment of the probe: PATH holds only the applet scripts (no amd64 ping to find). */
export function probeEnv(binDir: string): NodeJS.ProcessEnv {
  return { PATH: binDir, MIPSEL_SYSROOT: SYSROOT, QEMU_MIPSEL: qemuPath(), HOME: "/", LANG: "C" };
}

/** `miniprobe ARGS` from the installed root, on mipsel Lua; synchronous, bounded. */
export function runInstalled(root: string, binDir: string, args: string[], timeoutMs = 60000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(MIPSEL_LUA, [path.join(root, "usr/share/miniprobe/miniprobe.lua"), ...args], {
    env: probeEnv(binDir), encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Resident set of a process in KiB (VmRSS), or undefined once it is gone. */
export function rssKbOf(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface RunningProbe {
  proc: ChildProcess;
  pid: number;
  /** stderr and stdout so far (the agent logs there; procd would hand it to logd). */
  log(): string;
  exited(): boolean;
  /** SIGTERM (the agent drains and says offline), SIGKILL to its group after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the installed agent as procd would: `miniprobe --uci /etc/config/miniprobe`. */
export function startInstalled(root: string, binDir: string): RunningProbe {
  const proc = spawn(MIPSEL_LUA, [path.join(root, "usr/share/miniprobe/miniprobe.lua"), "--uci", path.join(root, "etc/config/miniprobe")], {
    env: probeEnv(binDir), stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  let out = "";
  const keep = (b: Buffer) => {
    out += b.toString("utf8");
    if (out.length > 1 << 20) out = out.slice(-(1 << 19));
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  let code: number | null | undefined;
  const done = new Promise<number | null>((resolve) => proc.on("exit", (c, sig) => {
    code = c ?? (sig ? -1 : null);
    resolve(code);
  }));
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid!, sig);
    } catch {
      // already gone
    }
  };
  return {
    proc,
    pid: proc.pid!,
    log: () => out,
    exited: () => code !== undefined,
    stop: async (graceMs = 8000) => {
      if (code !== undefined) return code;
      killGroup("SIGTERM");
      const timer = new Promise<"late">((r) => setTimeout(() => r("late"), graceMs).unref());
      if ((await Promise.race([done, timer])) === "late") {
        killGroup("SIGKILL");
        await done;
      }
      return code ?? null;
    },
  };
}

/** Samples a process's RSS every `everyMs` (at most `maxSamples` times) until stopped. */
export function rssSampler(pid: number, everyMs = 100, maxSamples = 20000) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const v = rssKbOf(pid);
    if (v !== undefined) samples.push(v);
    if (samples.length >= maxSamples) clearInterval(timer);
  }, everyMs);
  timer.unref();
  return {
    stop(): number[] {
      clearInterval(timer);
      return samples;
    },
  };
}
