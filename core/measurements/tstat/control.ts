// Turning Tstat log groups on for a specification and back off after it. Tstat re-reads
// runtime.conf by itself (about a minute after its mtime changes), so control is editing
// that file. Several specifications may hold groups at once: the file always holds the
// user's original text plus the union of what the running ones need, and when the last
// one ends the original comes back byte for byte. The original is persisted before the
// first edit, so a probe killed mid-specification restores it at its next start (recover).
import { Host } from "../../host";
import { ProbeError } from "../../util/errors";
import { parseNum } from "../../util/num";
import { ConfEdit, setConf } from "./conf";
import { readText, readTextMaybe, removeMaybe, writeAtomic } from "./fsa";
import { ConfPaths, confPaths } from "./names";

/** runtime.conf is small (the distributed one is 5.6 KB): anything past this is not one. */
export const MAX_CONF_BYTES = 262144;

const MAGIC = "miniprobe-tstat-restore 1";

/** The state file: a magic line, the conf's path, then the original text exactly. */
export function formatState(conf: string, original: string): string {
  return MAGIC + "\n" + conf + "\n" + original;
}

export function parseState(text: string): { conf: string; original: string } | undefined {
  const a = text.indexOf("\n");
  if (a < 0 || text.substring(0, a) !== MAGIC) return undefined;
  const b = text.indexOf("\n", a + 1);
  if (b < 0) return undefined;
  return { conf: text.substring(a + 1, b), original: text.substring(b + 1) };
}

/** One value per switch: the largest any holder asked for (all of ours turn things on). */
export function unionEdits(lists: ConfEdit[][]): ConfEdit[] {
  const out: ConfEdit[] = [];
  for (const list of lists) {
    for (const e of list) {
      let merged = false;
      for (const o of out) {
        if (o.section === e.section && o.key === e.key) {
          merged = true;
          const a = parseNum(o.value);
          const b = parseNum(e.value);
          if (a !== undefined && b !== undefined && b > a) o.value = e.value;
        }
      }
      if (!merged) out.push({ section: e.section, key: e.key, value: e.value });
    }
  }
  return out;
}

interface Entry {
  paths: ConfPaths;
  original: string;
  /** What we last wrote (or read) in the conf. */
  written: string;
  /** True while the state file holds the original. */
  persisted: boolean;
  holders: Map<number, ConfEdit[]>;
}

const entries = new Map<string, Entry>();
const queues = new Map<string, Promise<void>>();
let nextLease = 1;

/** Runs f after every earlier operation on the same conf has finished (edits never interleave). */
function serial<T>(key: string, f: () => Promise<T>): Promise<T> {
  const prev = queues.get(key);
  const p = prev === undefined ? f() : prev.then(f, f);
  queues.set(key, p.then(() => undefined, () => undefined));
  return p;
}

async function apply(host: Host, e: Entry): Promise<void> {
  const lists: ConfEdit[][] = [];
  e.holders.forEach((v) => lists.push(v));
  const target = setConf(e.original, unionEdits(lists));
  if (target === e.written) return;
  if (target !== e.original && !e.persisted) {
    await writeAtomic(host, e.paths.state, formatState(e.paths.conf, e.original));
    e.persisted = true;
  }
  await writeAtomic(host, e.paths.conf, target);
  e.written = target;
  if (target === e.original && e.persisted) {
    await removeMaybe(host, e.paths.state);
    e.persisted = false;
  }
}

/** Restores a conf left edited by a probe that was killed (no-op when nothing waits). */
async function restoreLeftover(host: Host, paths: ConfPaths, log: (msg: string) => void): Promise<boolean> {
  const text = await readTextMaybe(host, paths.state, MAX_CONF_BYTES + 4096);
  if (text === undefined) return false;
  const st = parseState(text);
  if (st === undefined || st.conf !== paths.conf) {
    throw new ProbeError("ESTATE", paths.state + " is not a runtime.conf restore file for " + paths.conf + ": left as it is");
  }
  await writeAtomic(host, paths.conf, st.original);
  await removeMaybe(host, paths.state);
  log("restored " + paths.conf + " from " + paths.state + " (left by an interrupted run)");
  return true;
}

/** Turns `edits` on until release(); returns the lease. */
export function acquire(host: Host, paths: ConfPaths, edits: ConfEdit[], log: (msg: string) => void): Promise<number> {
  return serial(paths.conf, async () => {
    let e = entries.get(paths.conf);
    if (e === undefined) {
      await restoreLeftover(host, paths, log);
      const text = await readText(host, paths.conf, MAX_CONF_BYTES);
      e = { paths: paths, original: text, written: text, persisted: false, holders: new Map<number, ConfEdit[]>() };
      entries.set(paths.conf, e);
    }
    const id = nextLease;
    nextLease = nextLease + 1;
    e.holders.set(id, edits);
    try {
      await apply(host, e);
    } catch (err) {
      e.holders.delete(id);
      if (e.holders.size === 0 && !e.persisted) entries.delete(paths.conf);
      throw err;
    }
    return id;
  });
}

/** Ends a lease: the conf returns to the union of the others, or to the original text. */
export function release(host: Host, paths: ConfPaths, lease: number, log: (msg: string) => void): Promise<void> {
  return serial(paths.conf, async () => {
    const e = entries.get(paths.conf);
    if (e === undefined || !e.holders.has(lease)) return;
    e.holders.delete(lease);
    if (e.holders.size > 0) {
      await apply(host, e);
      return;
    }
    if (e.persisted || e.written !== e.original) {
      const now = await readTextMaybe(host, paths.conf, MAX_CONF_BYTES);
      if (now !== undefined && now !== e.written) log(paths.conf + " was changed by someone else meanwhile: restoring the text from before our edit");
      await writeAtomic(host, paths.conf, e.original);
      await removeMaybe(host, paths.state);
    }
    entries.delete(paths.conf);
  });
}

/**
 * At the start of the probe (agent or CLI), before any specification: puts back a
 * runtime.conf that a killed probe left edited. Returns true when it restored one.
 */
export function recover(host: Host, options: { [key: string]: string }, log: (msg: string) => void): Promise<boolean> {
  const paths = confPaths(options);
  if (paths === undefined) return Promise.resolve(false);
  return serial(paths.conf, async () => {
    if (entries.has(paths.conf)) return false;
    return restoreLeftover(host, paths, log);
  });
}
