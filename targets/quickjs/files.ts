/// <reference path="./qjs.d.ts" />
// Host.fs and Host.readStdin of the QuickJS host. Files are UTF-8 text. Reads go through
// os.read in 64 KiB blocks, so a limit is enforced while reading: `--once /dev/zero` stops
// after maxBytes + one block, never holding more.
import * as std from "std";
import * as os from "os";
import type { Callback, FileStat, HostFs } from "../../core/host";
import { concatBytes, utf8Decode } from "./bytes";
import { errnoError, isDir } from "./sys";

const BLOCK = 65536;

/** Reads fd to its end or past `max` bytes: the bytes, "big", or a negative errno. */
function readAll(fd: number, max: number): Uint8Array | "big" | number {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new ArrayBuffer(BLOCK);
  for (;;) {
    const want = Math.min(BLOCK, max - total + 1);
    const n = os.read(fd, buf, 0, want);
    if (n < 0) return n;
    if (n === 0) break;
    total += n;
    if (total > max) return "big";
    chunks.push(new Uint8Array(buf.slice(0, n)));
  }
  return concatBytes(chunks, total);
}

function writeFile(path: string, data: string, mode: string, cb: Callback<true>): void {
  const eo: std.ErrorObj = {};
  const f = std.open(path, mode, eo);
  if (f === null) return cb(errnoError(eo.errno ?? std.Error.EIO, `write ${path}`), undefined);
  f.puts(data);
  f.flush();
  const bad = f.error();
  const rc = f.close();
  if (rc < 0) return cb(errnoError(rc, `write ${path}`), undefined);
  if (bad) return cb({ code: "EIO", message: `write ${path} failed` }, undefined);
  cb(undefined, true);
}

export function createFs(): HostFs {
  return {
    read(path: string, cb: Callback<string>, maxBytes?: number): void {
      const max = maxBytes === undefined || !(maxBytes >= 0) ? Infinity : Math.floor(maxBytes);
      if (isDir(path)) return cb({ code: "EISDIR", message: `read ${path}: is a directory` }, undefined);
      const fd = os.open(path, os.O_RDONLY);
      if (fd < 0) return cb(errnoError(fd, `read ${path}`), undefined);
      const got = readAll(fd, max);
      os.close(fd);
      if (got === "big") return cb({ code: "ETOOBIG", message: `read ${path}: larger than ${max} bytes` }, undefined);
      if (typeof got === "number") return cb(errnoError(got, `read ${path}`), undefined);
      cb(undefined, utf8Decode(got));
    },
    readRange(path: string, offset: number, maxBytes: number, cb: Callback<string>): void {
      if (!(offset >= 0) || !(maxBytes >= 0)) return cb({ code: "EINVAL", message: `readRange ${path}: bad offset or length` }, undefined);
      if (isDir(path)) return cb({ code: "EISDIR", message: `read ${path}: is a directory` }, undefined);
      const fd = os.open(path, os.O_RDONLY);
      if (fd < 0) return cb(errnoError(fd, `read ${path}`), undefined);
      const pos = os.seek(fd, Math.floor(offset), std.SEEK_SET);
      if (typeof pos === "number" && pos < 0) {
        os.close(fd);
        return cb(errnoError(pos, `read ${path}`), undefined);
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      const want = Math.floor(maxBytes);
      const buf = new ArrayBuffer(Math.min(BLOCK, Math.max(1, want)));
      while (total < want) {
        const n = os.read(fd, buf, 0, Math.min(buf.byteLength, want - total));
        if (n < 0) {
          os.close(fd);
          return cb(errnoError(n, `read ${path}`), undefined);
        }
        if (n === 0) break;
        chunks.push(new Uint8Array(buf.slice(0, n)));
        total += n;
      }
      os.close(fd);
      cb(undefined, utf8Decode(concatBytes(chunks, total)));
    },
    write(path: string, data: string, cb: Callback<true>): void {
      writeFile(path, data, "w", cb);
    },
    append(path: string, data: string, cb: Callback<true>): void {
      writeFile(path, data, "a", cb);
    },
    rename(from: string, to: string, cb: Callback<true>): void {
      const rc = os.rename(from, to);
      if (rc < 0) cb(errnoError(rc, `rename ${from} -> ${to}`), undefined);
      else cb(undefined, true);
    },
    list(dir: string, cb: Callback<string[]>): void {
      const [names, e] = os.readdir(dir);
      if (e !== 0) return cb(errnoError(e, `list ${dir}`), undefined);
      cb(undefined, names.filter((n) => n !== "." && n !== "..").sort());
    },
    remove(path: string, cb: Callback<true>): void {
      const rc = os.remove(path);
      if (rc < 0) cb(errnoError(rc, `remove ${path}`), undefined);
      else cb(undefined, true);
    },
    stat(path: string, cb: Callback<FileStat>): void {
      const [st, e] = os.stat(path);
      if (e !== 0) return cb(errnoError(e, `stat ${path}`), undefined);
      cb(undefined, { size: st.size, isDir: (st.mode & os.S_IFMT) === os.S_IFDIR, mtime: st.mtime });
    },
    mkdir(path: string, cb: Callback<true>): void {
      const parts = path.split("/");
      let cur = "";
      for (let i = 0; i < parts.length; i++) {
        cur = i === 0 ? parts[0] : `${cur}/${parts[i]}`;
        if (cur === "" || parts[i] === "" || parts[i] === ".") continue;
        if (isDir(cur)) continue;
        const rc = os.mkdir(cur, 0o777);
        if (rc < 0 && !isDir(cur)) return cb(errnoError(rc, `mkdir ${cur}`), undefined);
      }
      cb(undefined, true);
    },
  };
}

/**
 * Standard input to its end, read from the event loop as it arrives; ETOOBIG as soon as
 * more than maxBytes came (reading then stops).
 */
export function readStdin(cb: Callback<string>, maxBytes?: number): void {
  const max = maxBytes === undefined || !(maxBytes >= 0) ? Infinity : Math.floor(maxBytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new ArrayBuffer(BLOCK);
  const stop = (): void => os.setReadHandler(0, null);
  os.setReadHandler(0, () => {
    const n = os.read(0, buf, 0, Math.min(BLOCK, max - total + 1));
    if (n < 0) {
      stop();
      return cb(errnoError(n, "read stdin"), undefined);
    }
    if (n === 0) {
      stop();
      return cb(undefined, utf8Decode(concatBytes(chunks, total)));
    }
    total += n;
    if (total > max) {
      stop();
      chunks.length = 0;
      return cb({ code: "ETOOBIG", message: `standard input larger than ${max} bytes` }, undefined);
    }
    chunks.push(new Uint8Array(buf.slice(0, n)));
  });
}
