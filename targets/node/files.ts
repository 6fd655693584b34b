// The file system and standard input, with limits enforced while reading: a file (or
// /dev/zero, or a pipe) larger than maxBytes costs at most maxBytes+1 bytes of memory
// before ETOOBIG. Files are UTF-8 text.
import * as fs from "node:fs";
import type { Callback, FileStat, HostFs } from "../../core/host";
import { hostError, once, toHostError } from "./errors";

const CHUNK = 65536;

function tooBig(what: string, max: number) {
  return hostError("ETOOBIG", `${what} is larger than ${max} bytes`);
}

/** Reads at most max+1 bytes from fd at `position` (null: the current position). */
function readCapped(fd: number, max: number, position: number | null, cb: (e: NodeJS.ErrnoException | null, buf?: Buffer) => void): void {
  const parts: Buffer[] = [];
  let total = 0;
  const step = (): void => {
    const want = Math.min(CHUNK, max + 1 - total);
    if (want <= 0) {
      cb(null, Buffer.concat(parts));
      return;
    }
    const buf = Buffer.allocUnsafe(want);
    fs.read(fd, buf, 0, want, position === null ? null : position + total, (e, n) => {
      if (e) return cb(e);
      if (n === 0) return cb(null, Buffer.concat(parts));
      parts.push(n === want ? buf : buf.subarray(0, n));
      total += n;
      step();
    });
  };
  step();
}

function boundedRead(path: string, max: number, done: Callback<string>): void {
  const cb = once(done);
  fs.open(path, "r", (e, fd) => {
    if (e) return cb(toHostError(e), undefined);
    const finish = (err: ReturnType<typeof hostError> | undefined, text: string | undefined) =>
      fs.close(fd, () => cb(err, text));
    fs.fstat(fd, (e2, st) => {
      if (e2) return finish(toHostError(e2), undefined);
      if (st.isDirectory()) return finish(hostError("EISDIR", `${path} is a directory`), undefined);
      // regular files say their size up front; /proc files, devices and pipes say 0 or lie
      if (st.isFile() && st.size > max) return finish(tooBig(path, max), undefined);
      readCapped(fd, max, null, (e3, buf) => {
        if (e3) return finish(toHostError(e3), undefined);
        if (buf!.length > max) return finish(tooBig(path, max), undefined);
        finish(undefined, buf!.toString("utf8"));
      });
    });
  });
}

function readRange(path: string, offset: number, max: number, done: Callback<string>): void {
  const cb = once(done);
  if (!(offset >= 0) || !(max >= 0)) {
    cb(hostError("EINVAL", "readRange: offset and maxBytes must be non-negative"), undefined);
    return;
  }
  fs.open(path, "r", (e, fd) => {
    if (e) return cb(toHostError(e), undefined);
    const buf = Buffer.allocUnsafe(Math.min(max, 16 * 1024 * 1024));
    let got = 0;
    const step = (): void => {
      if (got >= buf.length) return end();
      fs.read(fd, buf, got, buf.length - got, offset + got, (e2, n) => {
        if (e2) return fs.close(fd, () => cb(toHostError(e2), undefined));
        if (n === 0) return end();
        got += n;
        step();
      });
    };
    const end = (): void => fs.close(fd, () => cb(undefined, buf.subarray(0, got).toString("utf8")));
    step();
  });
}

export function makeFs(): HostFs {
  return {
    read(path: string, cb: Callback<string>, maxBytes?: number) {
      if (maxBytes !== undefined) return boundedRead(path, maxBytes, cb);
      fs.readFile(path, "utf8", (e, data) => (e ? cb(toHostError(e), undefined) : cb(undefined, data)));
    },
    readRange,
    write(path: string, data: string, cb: Callback<true>) {
      fs.writeFile(path, data, "utf8", (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
    append(path: string, data: string, cb: Callback<true>) {
      fs.appendFile(path, data, "utf8", (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
    rename(from: string, to: string, cb: Callback<true>) {
      fs.rename(from, to, (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
    list(dir: string, cb: Callback<string[]>) {
      fs.readdir(dir, (e, names) => (e ? cb(toHostError(e), undefined) : cb(undefined, names.sort())));
    },
    remove(path: string, cb: Callback<true>) {
      fs.unlink(path, (e) => {
        if (!e) return cb(undefined, true);
        if (e.code !== "EISDIR" && e.code !== "EPERM") return cb(toHostError(e), undefined);
        fs.rmdir(path, (e2) => (e2 ? cb(toHostError(e2), undefined) : cb(undefined, true)));
      });
    },
    stat(path: string, cb: Callback<FileStat>) {
      fs.stat(path, (e, st) =>
        e ? cb(toHostError(e), undefined) : cb(undefined, { size: st.size, isDir: st.isDirectory(), mtime: Math.floor(st.mtimeMs) }),
      );
    },
    mkdir(path: string, cb: Callback<true>) {
      fs.mkdir(path, { recursive: true }, (e) => (e ? cb(toHostError(e), undefined) : cb(undefined, true)));
    },
  };
}

/** All of `input` as UTF-8 text; ETOOBIG (and the stream let go) once more than max bytes arrived. */
export function readStream(input: NodeJS.ReadableStream, done: Callback<string>, max?: number): void {
  const cb = once(done);
  const parts: Buffer[] = [];
  let total = 0;
  const onData = (c: Buffer | string) => {
    if (cb.done()) return;
    const b = typeof c === "string" ? Buffer.from(c, "utf8") : c;
    total += b.length;
    if (max !== undefined && total > max) {
      parts.length = 0;
      cleanup();
      input.pause();
      cb(tooBig("standard input", max), undefined);
      return;
    }
    parts.push(b);
  };
  const onEnd = () => {
    cleanup();
    cb(undefined, Buffer.concat(parts).toString("utf8"));
  };
  const onError = (e: Error) => {
    cleanup();
    cb(toHostError(e), undefined);
  };
  const cleanup = () => {
    input.removeListener("data", onData);
    input.removeListener("end", onEnd);
    input.removeListener("error", onError);
  };
  input.on("data", onData);
  input.on("end", onEnd);
  input.on("error", onError);
}
