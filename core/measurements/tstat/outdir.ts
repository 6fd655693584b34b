// Tstat's output tree: `<-s dir>/%Y_%m_%d_%H_%M.out`, one directory per start and per
// rotation (a log level or log switch change re-creates the output files), named from
// the local time of the packet that caused it. Fixed-width names sort chronologically.
import { parseNatural } from "../../util/num";
import { daysFromCivil } from "../../util/time";
import { listDir } from "./fsa";
import { Host } from "../../host";

const SUFFIX = ".out";

/** The name's minute as if it were UTC (Tstat uses local time: callers allow the zone's slack), or undefined. */
export function outDirTime(name: string): number | undefined {
  if (name.length !== 16 + SUFFIX.length || name.substring(16) !== SUFFIX) return undefined;
  const parts = name.substring(0, 16).split("_");
  if (parts.length !== 5) return undefined;
  const widths = [4, 2, 2, 2, 2];
  const v: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (parts[i].length !== widths[i]) return undefined;
    const n = parseNatural(parts[i]);
    if (n === undefined) return undefined;
    v.push(n);
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59) return undefined;
  return (daysFromCivil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60) * 1000;
}

/** The output directory names among `names`, oldest first. */
export function outDirs(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) if (outDirTime(n) !== undefined) out.push(n);
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** Output directories under logDir, oldest first (none when it does not exist yet). */
export async function listOutDirs(host: Host, logDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await listDir(host, logDir);
  } catch (e) {
    return [];
  }
  return outDirs(names);
}

/** Local time is at most 14 h from UTC. */
export const ZONE_SLACK_MS = 14 * 3600000;

/**
 * The directories that may hold flows dated in [startMs, ...): a directory stops receiving
 * rows when the next one is created, and flows are logged when they end, so only
 * directories whose successor was created before the window (zone slack allowed) are skipped.
 */
export function dirsForWindow(dirs: string[], startMs: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < dirs.length; i++) {
    if (i + 1 < dirs.length) {
      const next = outDirTime(dirs[i + 1]) as number;
      if (next + ZONE_SLACK_MS < startMs) continue;
    }
    out.push(dirs[i]);
  }
  return out;
}
