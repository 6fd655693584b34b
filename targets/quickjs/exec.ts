/// <reference path="./qjs.d.ts" />
// Host.exec and Host.spawn of the QuickJS host, over the child processes of proc.ts.
// exec: output is UTF-8 text, each of stdout and stderr cut at maxBytes (the rest is read
// and dropped so the child never blocks); opts.stdin is written as UTF-8, then closed.
// spawn: raw stdout/stderr as byte strings, lines as UTF-8 text.
import * as os from "os";
import type { Callback, ExecOptions, ExecResult, Handle, HostError, Proc, SpawnOptions } from "../../core/host";
import { bytesToLatin1, concatBytes, latin1ToBytes, utf8Decode, utf8Encode } from "./bytes";
import { Child, Procs, waitCode } from "./proc";
import { SIGKILL, SIGNALS } from "./sys";

const NOOP: Handle = { cancel: () => undefined };
const SIGNAL_NAMES: { [n: number]: string } = { 1: "HUP", 2: "INT", 9: "KILL", 15: "TERM", 6: "ABRT", 11: "SEGV", 13: "PIPE" };

/** Splits bytes into lines (LF, a trailing CR dropped); the partial last line is kept for later. */
export class LineSplitter {
  private parts: Uint8Array[] = [];
  private size = 0;
  private cut = false;
  constructor(private readonly max: number, private readonly emit: (line: string) => void) {}

  feed(bytes: Uint8Array): void {
    let from = 0;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, from)) {
      this.add(bytes.subarray(from, i));
      this.flush();
      from = i + 1;
    }
    if (from < bytes.length) this.add(bytes.subarray(from));
  }

  /** At end of output: the last line without its newline, when there is one. */
  end(): void {
    if (this.size > 0 || this.cut) this.flush();
  }

  private add(b: Uint8Array): void {
    const room = this.max - this.size;
    if (b.length > room) {
      this.cut = true;
      b = b.subarray(0, Math.max(0, room));
    }
    if (b.length > 0) {
      this.parts.push(b);
      this.size += b.length;
    }
  }

  private flush(): void {
    let text = utf8Decode(concatBytes(this.parts, this.size));
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    this.parts = [];
    this.size = 0;
    this.cut = false;
    this.emit(text);
  }
}

export interface ExecParts {
  exec(argv: string[], o: ExecOptions, cb: Callback<ExecResult>): Handle;
  spawn(argv: string[], o: SpawnOptions, cb: Callback<Proc>): void;
}

/** What exec tells its internal callers (curl) besides the ExecResult. */
export interface RawResult extends ExecResult {
  /** mono() when stdout reached end of file (curl's -w text is its last output). */
  outEnd: number;
}

export function createExec(procs: Procs, mono: () => number, guard: (what: string, fn: () => void) => void): ExecParts & {
  run(argv: string[], o: ExecOptions, done: (err: HostError | undefined, r: RawResult | undefined) => void): Handle;
} {
  /** exec with the end-of-stdout time; `done` runs once (ECANCELED after cancel). */
  function run(argv: string[], o: ExecOptions, done: (err: HostError | undefined, r: RawResult | undefined) => void): Handle {
    const started = mono();
    let outEnd = -1;
    let timedOut = false;
    let cancelled = false;
    let truncated = false;
    let completed = false;
    const outChunks: Uint8Array[] = [];
    const errChunks: Uint8Array[] = [];
    let outTotal = 0;
    let errTotal = 0;
    const lines = o.onLine !== undefined ? new LineSplitter(Math.max(1024, o.maxBytes), (l) => guard("exec onLine", () => o.onLine!(l))) : undefined;
    const keep = (chunks: Uint8Array[], total: number, b: Uint8Array): number => {
      const room = o.maxBytes - total;
      if (b.length > room) {
        truncated = true;
        b = b.subarray(0, Math.max(0, room));
      }
      if (b.length > 0) chunks.push(b);
      return total + b.length;
    };
    let killTimer: os.Timer | undefined;
    const finish = (err: HostError | undefined, r: RawResult | undefined): void => {
      if (completed) return;
      completed = true;
      if (killTimer !== undefined) os.clearTimeout(killTimer);
      done(err, r);
    };
    const child = procs.start(argv, { stdin: o.stdin !== undefined, cwd: o.cwd, env: o.env }, {
      onOut(b) {
        if (cancelled) return;
        const before = outTotal;
        outTotal = keep(outChunks, outTotal, b);
        if (lines !== undefined && outTotal > before) lines.feed(b.subarray(0, outTotal - before));
      },
      onErr(b) {
        errTotal = keep(errChunks, errTotal, b);
      },
      onExit(status) {
        outEnd = mono();
        if (cancelled) return finish({ code: "ECANCELED", message: `exec ${argv[0]}: cancelled` }, undefined);
        if (lines !== undefined) lines.end();
        const w = waitCode(status);
        finish(undefined, {
          code: timedOut ? -1 : w.code,
          stdout: utf8Decode(concatBytes(outChunks, outTotal)),
          stderr: utf8Decode(concatBytes(errChunks, errTotal)),
          ms: outEnd - started,
          timedOut,
          truncated,
          outEnd,
        });
      },
    });
    if (!("pid" in child)) {
      finish(child, undefined);
      return NOOP;
    }
    const c: Child = child;
    if (o.stdin !== undefined) {
      c.write(utf8Encode(o.stdin), () => undefined); // EPIPE: the child did not want it all
      c.closeStdin();
    }
    killTimer = os.setTimeout(() => {
      killTimer = undefined;
      timedOut = true;
      c.signal(SIGKILL);
    }, Math.max(0, o.timeoutMs));
    return {
      cancel(): void {
        if (completed || cancelled) return;
        cancelled = true;
        c.signal(SIGKILL);
      },
    };
  }

  function exec(argv: string[], o: ExecOptions, cb: Callback<ExecResult>): Handle {
    return run(argv, o, (err, r) => {
      if (r === undefined) return guard("exec callback", () => cb(err, undefined));
      const res: ExecResult = { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: r.ms, timedOut: r.timedOut, truncated: r.truncated };
      guard("exec callback", () => cb(undefined, res));
    });
  }

  function spawn(argv: string[], o: SpawnOptions, cb: Callback<Proc>): void {
    const lines = o.onLine !== undefined ? new LineSplitter(Math.max(1, o.maxLineBytes ?? 65536), (l) => o.onLine!(l)) : undefined;
    const child = procs.start(argv, { stdin: true, cwd: o.cwd, env: o.env }, {
      onOut(b) {
        if (o.onStdout !== undefined) o.onStdout(bytesToLatin1(b));
        if (lines !== undefined) lines.feed(b);
      },
      onErr(b) {
        if (o.onStderr !== undefined) o.onStderr(bytesToLatin1(b));
      },
      onExit(status) {
        if (lines !== undefined) guard("spawn onLine", () => lines.end());
        const w = waitCode(status);
        o.onExit(w.code, w.sig !== 0 ? SIGNAL_NAMES[w.sig] ?? String(w.sig) : undefined);
      },
    });
    if (!("pid" in child)) return guard("spawn callback", () => cb(child, undefined));
    const c: Child = child;
    const proc: Proc = {
      pid: c.pid,
      write(data: string, wcb: Callback<true>): void {
        c.write(latin1ToBytes(data), (e) => wcb(e, e === undefined ? true : undefined));
      },
      closeStdin: () => c.closeStdin(),
      kill(signal?: string): void {
        const sig = SIGNALS[signal ?? "TERM"];
        if (sig !== undefined) c.signal(sig);
      },
    };
    guard("spawn callback", () => cb(undefined, proc));
  }

  return { exec, spawn, run };
}
