/// <reference path="./qjs.d.ts" />
// Small system helpers of the QuickJS host: errno names, file tests, PATH search, a
// blocking run for short probes at start-up, and signal numbers.
import * as std from "std";
import * as os from "os";
import type { HostError } from "../../core/host";
import { concatBytes, utf8Decode } from "./bytes";

// Not all exported by qjs 2021-03-27; these values are the same on every Linux architecture
// (MIPS included, where SIGCHLD and others differ).
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGTERM = 15;
export const SIGNALS: { [name: string]: number } = { HUP: SIGHUP, INT: SIGINT, KILL: SIGKILL, TERM: SIGTERM };

export function errnoError(errno: number, what: string): HostError {
  const e = Math.abs(errno);
  const text = std.strerror(e);
  let code = "EIO";
  // std.Error's properties are not enumerable
  for (const name of Object.getOwnPropertyNames(std.Error)) if (std.Error[name] === e) code = name;
  if (code === "EIO" && e !== std.Error.EIO) {
    if (text === "Not a directory") code = "ENOTDIR";
    else if (text === "Is a directory") code = "EISDIR";
    else if (text === "Directory not empty") code = "ENOTEMPTY";
  }
  return { code, message: `${what}: ${text}` };
}

export function isFile(path: string): boolean {
  const [st, err] = os.stat(path);
  return err === 0 && (st.mode & os.S_IFMT) === os.S_IFREG;
}

export function isDir(path: string): boolean {
  const [st, err] = os.stat(path);
  return err === 0 && (st.mode & os.S_IFMT) === os.S_IFDIR;
}

/** A regular file with an execute bit (for its owner, group or others: stat cannot say which applies). */
function isExecutable(path: string): boolean {
  const [st, err] = os.stat(path);
  return err === 0 && (st.mode & os.S_IFMT) === os.S_IFREG && (st.mode & 0o111) !== 0;
}

/** Absolute path of `name` (searched on PATH unless it contains "/"), or undefined. Runs nothing. */
export function which(name: string, pathEnv?: string): string | undefined {
  if (name === "") return undefined;
  if (name.indexOf("/") >= 0) return isExecutable(name) ? name : undefined;
  const path = pathEnv ?? std.getenv("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
  for (const dir of path.split(":")) {
    if (dir === "" || dir.charAt(0) !== "/") continue; // a relative PATH entry depends on the cwd
    const p = `${dir}/${name}`;
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Runs argv to completion, blocking, and returns stdout+stderr (short probes at start-up only). */
export function runSync(argv: string[]): string {
  const p = os.pipe();
  if (p === null) return "";
  const devnull = os.open("/dev/null", os.O_RDONLY);
  let pid = -1;
  try {
    pid = os.exec(argv, { block: false, usePath: false, file: argv[0], stdin: devnull, stdout: p[1], stderr: p[1] });
  } catch (e) {
    pid = -1;
  }
  os.close(p[1]);
  os.close(devnull);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new ArrayBuffer(4096);
  for (;;) {
    const n = pid > 0 ? os.read(p[0], buf, 0, buf.byteLength) : 0;
    if (n <= 0 || total > 65536) break;
    chunks.push(new Uint8Array(buf.slice(0, n)));
    total += n;
  }
  os.close(p[0]);
  if (pid > 0) {
    os.kill(pid, SIGKILL); // stopped reading early: do not wait on a writer
    os.waitpid(pid, 0);
  }
  return utf8Decode(concatBytes(chunks, total));
}

export function firstLine(s: string | null): string {
  return s === null ? "" : s.split("\n")[0].trim();
}

/**
 * A small file (e.g. under /proc) as text, or null. std.loadFile cannot read /proc: it
 * sizes the file with ftell first, and /proc files report 0 bytes.
 */
export function readText(path: string, max = 1 << 20): string | null {
  const fd = os.open(path, os.O_RDONLY);
  if (fd < 0) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new ArrayBuffer(16384);
  while (total < max) {
    const n = os.read(fd, buf, 0, Math.min(buf.byteLength, max - total));
    if (n <= 0) break;
    chunks.push(new Uint8Array(buf.slice(0, n)));
    total += n;
  }
  os.close(fd);
  return utf8Decode(concatBytes(chunks, total));
}
