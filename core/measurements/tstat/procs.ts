// Is a Tstat already running? The processes this probe started, plus (where the device
// has /proc) every process whose program is named tstat. Without /proc only our own are known.
import { Host } from "../../host";
import { parseNatural } from "../../util/num";
import { lastIndex } from "../../tools/text";
import { listDir, readTextMaybe } from "./fsa";

/** Processes started by tstat-capture, by output directory. */
export const started = new Map<string, number>();

const MAX_PROCS = 4096;

function baseName(p: string): string {
  const i = lastIndex(p, "/");
  return i < 0 ? p : p.substring(i + 1);
}

/** argv of a /proc/N/cmdline text (NUL-separated). */
export function cmdlineArgv(text: string): string[] {
  const out: string[] = [];
  for (const a of text.split(String.fromCharCode(0))) if (a.length > 0) out.push(a);
  return out;
}

/** Pids of running processes whose program is `binary` or named "tstat". */
export async function runningTstat(host: Host, binary: string | undefined): Promise<number[]> {
  let names: string[];
  try {
    names = await listDir(host, "/proc");
  } catch (e) {
    return [];
  }
  const pids: number[] = [];
  let n = 0;
  for (const name of names) {
    const pid = parseNatural(name);
    if (pid === undefined) continue;
    n = n + 1;
    if (n > MAX_PROCS) break;
    let text: string | undefined;
    try {
      text = await readTextMaybe(host, "/proc/" + name + "/cmdline", 4096);
    } catch (e) {
      text = undefined;
    }
    if (text === undefined) continue;
    const argv = cmdlineArgv(text);
    if (argv.length === 0) continue;
    if (argv[0] === binary || baseName(argv[0]) === "tstat") pids.push(pid);
  }
  return pids;
}
