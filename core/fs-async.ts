/** @noSelfInFile */
// Promise wrappers over host.fs, for core code that keeps state on disk (the queue, the
// accepted specifications). Errors become ProbeErrors with the host's code.
import { FileStat, Host, HostError } from "./host";
import { ProbeError } from "./util/errors";

function wrap<T>(f: (cb: (err: HostError | undefined, v: T | undefined) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    f((err, v) => {
      if (err !== undefined) reject(new ProbeError(err.code, err.message));
      else resolve(v as T);
    });
  });
}

export function fsRead(host: Host, path: string, maxBytes: number): Promise<string> {
  return wrap<string>((cb) => host.fs.read(path, cb, maxBytes));
}

export function fsWrite(host: Host, path: string, data: string): Promise<true> {
  return wrap<true>((cb) => host.fs.write(path, data, cb));
}

export function fsAppend(host: Host, path: string, data: string): Promise<true> {
  return wrap<true>((cb) => host.fs.append(path, data, cb));
}

export function fsRename(host: Host, from: string, to: string): Promise<true> {
  return wrap<true>((cb) => host.fs.rename(from, to, cb));
}

export function fsRemove(host: Host, path: string): Promise<true> {
  return wrap<true>((cb) => host.fs.remove(path, cb));
}

export function fsList(host: Host, dir: string): Promise<string[]> {
  return wrap<string[]>((cb) => host.fs.list(dir, cb));
}

export function fsMkdir(host: Host, dir: string): Promise<true> {
  return wrap<true>((cb) => host.fs.mkdir(dir, cb));
}

export function fsStat(host: Host, path: string): Promise<FileStat | undefined> {
  return new Promise<FileStat | undefined>((resolve) => {
    host.fs.stat(path, (err, v) => resolve(err !== undefined ? undefined : v));
  });
}

/** Writes a whole file so that a reader (or a crash) sees the old or the new one, never half. */
export async function fsWriteAtomic(host: Host, path: string, data: string): Promise<void> {
  const tmp = path + ".tmp";
  await fsWrite(host, tmp, data);
  await fsRename(host, tmp, path);
}
