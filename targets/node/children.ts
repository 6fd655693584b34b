// Every process group this program started, so nothing outlives it: exit(), SIGTERM/SIGINT/
// SIGHUP without a core handler, and Node's own exit all kill the groups that are left.
// Process-wide (one Node process, however many hosts it creates).
import { isMainThread } from "node:worker_threads";

const groups = new Set<number>();
let handler: ((signal: string) => void) | undefined;
let installed = false;

const EXIT_CODES: { [sig: string]: number } = { TERM: 143, INT: 130, HUP: 129 };

/** Signals one process group; false when it is gone already. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function addGroup(pid: number): void {
  groups.add(pid);
}

export function removeGroup(pid: number): void {
  groups.delete(pid);
}

/** Kills every group still registered (SIGKILL: the program is leaving and cannot wait). */
export function killAllGroups(): void {
  for (const pid of groups) killGroup(pid, "SIGKILL");
  groups.clear();
}

function onProcessSignal(sig: string): void {
  if (handler !== undefined) {
    handler(sig);
    return;
  }
  killAllGroups();
  process.exit(EXIT_CODES[sig] ?? 1);
}

/**
 * Installs the process-wide listeners once. Worker threads (ava's test workers) get no
 * signals and must not take over their parent's exit.
 */
export function installSignalListeners(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllGroups);
  if (!isMainThread) return;
  process.on("SIGTERM", () => onProcessSignal("TERM"));
  process.on("SIGINT", () => onProcessSignal("INT"));
  process.on("SIGHUP", () => onProcessSignal("HUP"));
}

export function setSignalHandler(h: (signal: string) => void): void {
  handler = h;
}

/** "TERM" / "SIGTERM" / "term" as Node's signal name, or undefined when unknown. */
export function signalName(s: string | undefined): NodeJS.Signals | undefined {
  const up = (s ?? "TERM").toUpperCase();
  const full = (up.startsWith("SIG") ? up : "SIG" + up) as NodeJS.Signals;
  const known = ["SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT"];
  return known.includes(full) ? full : undefined;
}

/** Node's "SIGTERM" as the host vocabulary's "TERM". */
export function shortSignal(sig: string | null): string | undefined {
  if (sig === null) return undefined;
  return sig.startsWith("SIG") ? sig.substring(3) : sig;
}
