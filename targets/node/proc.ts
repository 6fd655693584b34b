// Processes: exec (run to completion, output captured) and spawn (long-lived, streamed).
// Every child leads its own process group (detached: setsid), so a cancel, a timeout or
// the program's exit kills the child and whatever it started, by group.
import { type ChildProcess, spawn as nodeSpawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import type { Callback, ExecOptions, ExecResult, Handle, Proc, SpawnOptions } from "../../core/host";
import { addGroup, killGroup, removeGroup, shortSignal, signalName } from "./children";
import { hostError, once, toHostError } from "./errors";

/** Collects a stream's bytes up to `max`, remembering that it dropped some. */
function capped(max: number) {
  const parts: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  return {
    add(chunk: Buffer): Buffer {
      const room = max - kept;
      if (chunk.length > room) {
        truncated = true;
        chunk = chunk.subarray(0, Math.max(0, room));
      }
      if (chunk.length > 0) {
        parts.push(chunk);
        kept += chunk.length;
      }
      return chunk;
    },
    text: () => Buffer.concat(parts).toString("utf8"),
    truncated: () => truncated,
  };
}

/** Splits text into lines ("\n", a trailing "\r" dropped); a line past maxLine is cut. */
function lineSplitter(emit: (line: string) => void, maxLine: number) {
  let pending = "";
  let skipping = false; // the current line passed maxLine: drop until its newline
  return {
    push(text: string): void {
      let start = 0;
      let nl = text.indexOf("\n", start);
      while (nl >= 0) {
        let line = pending + text.slice(start, nl);
        pending = "";
        if (skipping) skipping = false;
        else {
          if (line.endsWith("\r")) line = line.slice(0, -1);
          emit(line.length > maxLine ? line.slice(0, maxLine) : line);
        }
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      if (skipping) return;
      pending += text.slice(start);
      if (pending.length > maxLine) {
        emit(pending.slice(0, maxLine));
        pending = "";
        skipping = true;
      }
    },
    end(): void {
      if (pending !== "" && !skipping) emit(pending.endsWith("\r") ? pending.slice(0, -1) : pending);
      pending = "";
    },
  };
}

function startError(e: unknown): ReturnType<typeof toHostError> {
  const he = toHostError(e, "EEXEC");
  if (he.code !== "ENOENT" && he.code !== "EACCES") he.code = "EEXEC";
  return he;
}

function badArgv(argv: string[]): boolean {
  return !Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== "string") || argv[0] === "";
}

const NO_HANDLE: Handle = { cancel: () => undefined };

export function makeExec(mono: () => number) {
  return function exec(argv: string[], o: ExecOptions, done: Callback<ExecResult>): Handle {
    const cb = once(done);
    if (badArgv(argv)) {
      cb(hostError("EINVAL", "exec: argv must be a non-empty array of strings"), undefined);
      return NO_HANDLE;
    }
    const started = mono();
    const out = capped(o.maxBytes);
    const errOut = capped(o.maxBytes);
    let timedOut = false;
    let child: ChildProcess;
    try {
      child = nodeSpawn(argv[0], argv.slice(1), {
        cwd: o.cwd,
        env: o.env ? { ...process.env, ...o.env } : process.env,
        stdio: [o.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        shell: false,
        detached: true,
      });
    } catch (e) {
      cb(startError(e), undefined);
      return NO_HANDLE;
    }
    const pid = child.pid;
    if (pid !== undefined) addGroup(pid);
    const kill = () => {
      if (pid !== undefined) killGroup(pid, "SIGKILL");
      else child.kill("SIGKILL");
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, Math.max(0, o.timeoutMs));
    if (o.stdin !== undefined && child.stdin) {
      // a child that exits without reading its input is not an error of ours
      child.stdin.on("error", () => undefined);
      child.stdin.end(Buffer.from(o.stdin, "utf8"));
    }
    const decoder = new StringDecoder("utf8");
    const onLine = o.onLine;
    const lines = onLine ? lineSplitter((l) => onLine(l), Math.max(1, o.maxBytes)) : undefined;
    child.stdout!.on("data", (chunk: Buffer) => {
      if (cb.done()) return;
      const kept = out.add(chunk);
      if (kept.length > 0 && lines) lines.push(decoder.write(kept));
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      errOut.add(chunk);
    });
    child.on("error", (e: Error) => {
      clearTimeout(timer);
      if (pid !== undefined) removeGroup(pid);
      cb(startError(e), undefined);
    });
    child.on("close", (code: number | null) => {
      clearTimeout(timer);
      if (pid !== undefined) removeGroup(pid);
      if (cb.done()) return;
      if (lines) {
        lines.push(decoder.end());
        lines.end();
      }
      cb(undefined, {
        code: timedOut || code === null ? -1 : code,
        stdout: out.text(),
        stderr: errOut.text(),
        ms: mono() - started,
        timedOut,
        truncated: out.truncated() || errOut.truncated(),
      });
    });
    return {
      cancel() {
        if (cb.done()) return;
        clearTimeout(timer);
        kill();
        cb(hostError("ECANCELED", `${argv[0]}: cancelled`), undefined);
      },
    };
  };
}

const DEFAULT_MAX_LINE = 65536;

export function spawn(argv: string[], o: SpawnOptions, done: Callback<Proc>): void {
  const cb = once(done);
  if (badArgv(argv)) {
    cb(hostError("EINVAL", "spawn: argv must be a non-empty array of strings"), undefined);
    return;
  }
  let child: ChildProcess;
  try {
    child = nodeSpawn(argv[0], argv.slice(1), {
      cwd: o.cwd,
      env: o.env ? { ...process.env, ...o.env } : process.env,
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
      detached: true,
    });
  } catch (e) {
    cb(startError(e), undefined);
    return;
  }
  const pid = child.pid;
  let started = false;
  let exited = false;
  let stdinOpen = true;
  child.stdin!.on("error", () => undefined);
  const decoder = new StringDecoder("utf8");
  const onLine = o.onLine;
  const lines = onLine ? lineSplitter((l) => onLine(l), Math.max(1, o.maxLineBytes ?? DEFAULT_MAX_LINE)) : undefined;
  child.stdout!.on("data", (chunk: Buffer) => {
    if (o.onStdout) o.onStdout(chunk.toString("latin1"));
    if (lines) lines.push(decoder.write(chunk));
  });
  const errDecoder = new StringDecoder("utf8");
  child.stderr!.on("data", (chunk: Buffer) => {
    if (o.onStderr) o.onStderr(errDecoder.write(chunk));
  });
  child.on("error", (e: Error) => {
    if (pid !== undefined) removeGroup(pid);
    // before the process ran: the caller hears it through cb, never through onExit
    if (!cb.done()) cb(startError(e), undefined);
  });
  child.on("close", (code: number | null, sig: NodeJS.Signals | null) => {
    if (pid !== undefined) removeGroup(pid);
    // a process that never started (ENOENT) was reported through cb: no onExit
    if (!started || exited) return;
    exited = true;
    if (lines) {
      lines.push(decoder.end());
      lines.end();
    }
    o.onExit(code === null ? -1 : code, shortSignal(sig));
  });
  child.on("spawn", () => {
    if (pid === undefined) return;
    started = true;
    addGroup(pid);
    const proc: Proc = {
      pid,
      write(data: string, wcb: Callback<true>) {
        if (!stdinOpen || exited || child.stdin === null || child.stdin.destroyed) {
          wcb(hostError("EIO", `${argv[0]}: stdin is closed`), undefined);
          return;
        }
        child.stdin.write(Buffer.from(data, "latin1"), (e?: Error | null) => {
          if (e) wcb(toHostError(e), undefined);
          else wcb(undefined, true);
        });
      },
      closeStdin() {
        if (!stdinOpen) return;
        stdinOpen = false;
        child.stdin?.end();
      },
      kill(signal?: string) {
        if (exited) return;
        const s = signalName(signal) ?? "SIGTERM";
        if (!killGroup(pid, s)) child.kill(s);
      },
    };
    cb(undefined, proc);
  });
}
