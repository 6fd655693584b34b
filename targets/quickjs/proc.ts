/// <reference path="./qjs.d.ts" />
// Child processes of the QuickJS host: start (argv only, never a shell), pipes read from
// the qjs event loop, stdin written without ever blocking the loop, exit noticed by
// waitpid, and killing that reaches the child's whole process group.
//
// Process groups. qjs's os.exec forks and execs with no setsid/setpgid option, so each
// child is started through `setsid PROG ARGS` when util-linux's or busybox's setsid is on
// PATH: setsid calls setsid(2) and execs PROG in place (the child is not a group leader,
// so it does not fork), the pid stays the child's, and kill(-pid) reaches everything it
// started. Cost: one more exec, ~0.7 ms here. Without setsid the child stays in the probe's
// group, and killing walks /proc for the child's descendants (ppid links) and signals each:
// a descendant that re-parented itself (daemonized) is then missed.
//
// Writing stdin. qjs cannot make a pipe non-blocking (no fcntl), so stdin is written only
// when select() says the pipe is writable, at most PIPE_BUF (4096) bytes at a time: Linux
// then has a free page for them and write() returns at once.
import * as std from "std";
import * as os from "os";
import type { HostError } from "../../core/host";
import { SIGKILL, SIGPIPE, isDir, readText, which } from "./sys";

const PIPE_BUF = 4096;
const READ_BLOCK = 65536;
/** After the child exited, how long a grandchild may keep its pipes open. */
const GRACE_MS = 100;

export interface ChildEvents {
  /** A fresh copy of the bytes read from stdout. */
  onOut(bytes: Uint8Array): void;
  onErr(bytes: Uint8Array): void;
  /** Once, after the child was reaped and its pipes drained; raw wait status, -1 unknown. */
  onExit(status: number): void;
}

export interface StartOptions {
  /** true: stdin is a pipe (Child.write); false: /dev/null. */
  stdin: boolean;
  cwd?: string;
  env?: { [name: string]: string };
}

export interface Child {
  pid: number;
  write(bytes: Uint8Array, cb: (err: HostError | undefined) => void): void;
  closeStdin(): void;
  /** Signals the child's process group (or its process tree without setsid). */
  signal(sig: number): void;
  /** Reaped already. */
  exited(): boolean;
}

export interface Procs {
  start(argv: string[], o: StartOptions, ev: ChildEvents): Child | HostError;
  /** SIGKILL to every live child's group, then reaps them (bounded wait). */
  killAll(): void;
  /** "setsid:/usr/bin/setsid" or "proc-tree". */
  grouping: string;
}

/** Decodes a wait status: exit code (-1 when signalled) and signal number (0 when none). */
export function waitCode(status: number): { code: number; sig: number } {
  if (status < 0) return { code: -1, sig: 0 };
  const sig = status & 0x7f;
  return sig !== 0 ? { code: -1, sig } : { code: (status >> 8) & 0xff, sig: 0 };
}

/** pid -> ppid of every process, from /proc/<pid>/stat. */
function parentMap(): Map<number, number> {
  const m = new Map<number, number>();
  const [names, err] = os.readdir("/proc");
  if (err !== 0) return m;
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readText(`/proc/${n}/stat`, 1024);
    if (st === null) continue;
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so split after the last ')'
    const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
    m.set(Number(n), Number(f[1]));
  }
  return m;
}

/** Signals pid and every descendant /proc knows, parents first. */
function killTree(pid: number, sig: number): void {
  const kids = new Map<number, number[]>();
  parentMap().forEach((ppid, p) => {
    const l = kids.get(ppid);
    if (l === undefined) kids.set(ppid, [p]);
    else l.push(p);
  });
  const todo = [pid];
  for (let i = 0; i < todo.length && i < 4096; i++) {
    os.kill(todo[i], sig);
    for (const k of kids.get(todo[i]) ?? []) todo.push(k);
  }
}

export function createProcs(guard: (what: string, fn: () => void) => void): Procs {
  const setsid = which("setsid");
  const live = new Set<{ kill(): void; pid: number; reaped(): boolean }>();
  // A helper that died while we write to it must give EPIPE, not kill the probe. A JS
  // handler (not SIG_IGN) so that exec resets it to the default in the children.
  os.signal(SIGPIPE, () => undefined);

  /** Signals pid's group; `alive` says whether pid is still ours (not reaped). */
  const groupKill = (pid: number, sig: number, alive: () => boolean): void => {
    if (setsid === undefined) return killTree(pid, sig);
    if (os.kill(-pid, sig) === 0) return;
    // No such group yet: the child has not reached setsid(2) (fork to exec takes a few ms,
    // qjs closes every descriptor in between) and is alone. SIGKILL can go to it directly;
    // another signal would meet qjs's own handler, inherited until exec, so it is retried
    // on the group until setsid has run.
    if (sig === SIGKILL) {
      os.kill(pid, SIGKILL);
      return;
    }
    let tries = 0;
    const retry = (): void => {
      if (!alive() || tries++ > 500) return;
      if (os.kill(-pid, sig) !== 0) os.setTimeout(retry, 2);
    };
    os.setTimeout(retry, 2);
  };

  function start(argv: string[], o: StartOptions, ev: ChildEvents): Child | HostError {
    if (argv.length === 0 || typeof argv[0] !== "string" || argv[0] === "") return { code: "EINVAL", message: "exec: empty argv" };
    for (const a of argv) if (typeof a !== "string" || a.indexOf("\0") >= 0) return { code: "EINVAL", message: `exec ${argv[0]}: bad argument` };
    const file = which(argv[0]);
    if (file === undefined) {
      const [st, e] = argv[0].indexOf("/") >= 0 ? os.stat(argv[0]) : [undefined, -1];
      if (e === 0 && st !== undefined) return { code: "EACCES", message: `exec ${argv[0]}: not executable` };
      return { code: "ENOENT", message: `exec ${argv[0]}: not found` };
    }
    if (o.cwd !== undefined && !isDir(o.cwd)) return { code: "ENOENT", message: `exec ${argv[0]}: no directory ${o.cwd}` };
    let env: { [name: string]: string } | undefined;
    if (o.env !== undefined) {
      env = std.getenviron();
      for (const k of Object.keys(o.env)) env[k] = o.env[k];
    }
    const outPipe = os.pipe();
    const errPipe = os.pipe();
    const inPipe = o.stdin ? os.pipe() : null;
    const devnull = o.stdin ? -1 : os.open("/dev/null", os.O_RDONLY);
    if (outPipe === null || errPipe === null || (o.stdin && inPipe === null) || (!o.stdin && devnull < 0)) {
      for (const p of [outPipe, errPipe, inPipe]) if (p !== null) (os.close(p[0]), os.close(p[1]));
      if (devnull >= 0) os.close(devnull);
      return { code: "EEXEC", message: "exec: cannot create pipes" };
    }
    const args = setsid !== undefined ? [setsid, file, ...argv.slice(1)] : argv;
    let pid: number;
    try {
      pid = os.exec(args, {
        block: false,
        usePath: false,
        file: setsid ?? file,
        cwd: o.cwd,
        env,
        stdin: inPipe !== null ? inPipe[0] : devnull,
        stdout: outPipe[1],
        stderr: errPipe[1],
      });
    } catch (e) {
      pid = -1;
    }
    os.close(outPipe[1]);
    os.close(errPipe[1]);
    if (inPipe !== null) os.close(inPipe[0]);
    if (devnull >= 0) os.close(devnull);
    if (pid <= 0) {
      os.close(outPipe[0]);
      os.close(errPipe[0]);
      if (inPipe !== null) os.close(inPipe[1]);
      return { code: "EEXEC", message: `exec ${argv[0]}: fork failed` };
    }

    let reaped = false;
    let status = -1;
    let finished = false;
    let pollTimer: os.Timer | undefined;
    let graceTimer: os.Timer | undefined;
    let pollDelay = 1;
    const buf = new ArrayBuffer(READ_BLOCK);

    interface Sink {
      fd: number;
      open: boolean;
      deliver: (b: Uint8Array) => void;
    }
    const out: Sink = { fd: outPipe[0], open: true, deliver: (b) => ev.onOut(b) };
    const err: Sink = { fd: errPipe[0], open: true, deliver: (b) => ev.onErr(b) };
    const closeSink = (s: Sink): void => {
      if (!s.open) return;
      s.open = false;
      os.setReadHandler(s.fd, null);
      os.close(s.fd);
    };
    const onReadable = (s: Sink): void => {
      const n = os.read(s.fd, buf, 0, buf.byteLength);
      if (n <= 0) {
        closeSink(s);
        if (!out.open && !err.open) schedulePoll(true); // the child has most likely exited
        maybeFinish();
        return;
      }
      const bytes = new Uint8Array(buf.slice(0, n));
      guard("process output", () => s.deliver(bytes));
    };
    os.setReadHandler(out.fd, () => onReadable(out));
    os.setReadHandler(err.fd, () => onReadable(err));

    // ---- stdin
    let inFd = inPipe !== null ? inPipe[1] : -1;
    let closeWanted = false;
    const queue: { bytes: Uint8Array; at: number; cb: (err: HostError | undefined) => void }[] = [];
    const closeIn = (): void => {
      if (inFd < 0) return;
      os.setWriteHandler(inFd, null);
      os.close(inFd);
      inFd = -1;
    };
    const failWrites = (why: string): void => {
      const q = queue.splice(0, queue.length);
      for (const w of q) guard("write callback", () => w.cb({ code: "EIO", message: why }));
    };
    const onWritable = (): void => {
      const w = queue[0];
      if (w === undefined || inFd < 0) return;
      const len = Math.min(PIPE_BUF, w.bytes.length - w.at);
      const n = len === 0 ? 0 : os.write(inFd, w.bytes.buffer as ArrayBuffer, w.bytes.byteOffset + w.at, len);
      if (n < 0) {
        closeIn();
        failWrites(`write to ${argv[0]}: the process closed its input`);
        return;
      }
      w.at += n;
      if (w.at >= w.bytes.length) {
        queue.shift();
        guard("write callback", () => w.cb(undefined));
      }
      if (queue.length === 0) {
        if (inFd >= 0) os.setWriteHandler(inFd, null);
        if (closeWanted) closeIn();
      }
    };
    const write = (bytes: Uint8Array, cb: (err: HostError | undefined) => void): void => {
      if (inFd < 0 || closeWanted) {
        guard("write callback", () => cb({ code: "EIO", message: `write to ${argv[0]}: input closed` }));
        return;
      }
      queue.push({ bytes, at: 0, cb });
      if (queue.length === 1) os.setWriteHandler(inFd, onWritable);
    };
    const closeStdin = (): void => {
      closeWanted = true;
      if (queue.length === 0) closeIn();
    };

    // ---- exit
    function poll(): void {
      pollTimer = undefined;
      if (reaped) return;
      const [ret, st] = os.waitpid(pid, os.WNOHANG);
      if (ret === pid || ret < 0) {
        reaped = true;
        status = ret === pid ? st : -1;
        live.delete(entry);
        // whatever the child left running in its group goes with it
        if (setsid !== undefined) os.kill(-pid, SIGKILL);
        closeIn();
        failWrites(`write to ${argv[0]}: the process exited`);
        maybeFinish();
        return;
      }
      schedulePoll(false);
    }
    /** Quick polls right after the pipes closed or a kill; slow ones while the child runs. */
    function schedulePoll(soon: boolean): void {
      if (reaped) return;
      if (soon) pollDelay = 1;
      if (pollTimer !== undefined) os.clearTimeout(pollTimer);
      const quick = soon || !out.open || !err.open || pollDelay < 64;
      const d = quick ? pollDelay : 1000;
      if (quick) pollDelay = Math.min(pollDelay * 2, 64);
      pollTimer = os.setTimeout(poll, d);
    }
    function maybeFinish(): void {
      if (finished || !reaped) return;
      if (out.open || err.open) {
        // a grandchild (out of reach without setsid) may hold the pipes open
        if (graceTimer === undefined) {
          graceTimer = os.setTimeout(() => {
            closeSink(out);
            closeSink(err);
            maybeFinish();
          }, GRACE_MS);
        }
        return;
      }
      finished = true;
      if (graceTimer !== undefined) os.clearTimeout(graceTimer);
      guard("process exit", () => ev.onExit(status));
    }
    const signal = (sig: number): void => {
      if (reaped) return;
      groupKill(pid, sig, () => !reaped);
      schedulePoll(true);
    };
    const entry = { pid, kill: () => signal(SIGKILL), reaped: () => reaped };
    live.add(entry);
    pollDelay = 64; // the first polls of a running child need not be quick
    schedulePoll(false);
    return { pid, write, closeStdin, signal, exited: () => reaped };
  }

  function killAll(): void {
    const all = Array.from(live);
    for (const c of all) c.kill();
    // reap them (SIGKILL is quick; a process stuck in the kernel is left to init after ~0.5 s)
    for (let i = 0; i < 100; i++) {
      let left = 0;
      for (const c of all) {
        if (c.reaped()) continue;
        const [ret] = os.waitpid(c.pid, os.WNOHANG);
        if (ret === 0) left++;
        else live.delete(c);
      }
      if (left === 0) break;
      os.sleep(5);
    }
  }

  return { start, killAll, grouping: setsid !== undefined ? `setsid:${setsid}` : "proc-tree" };
}
