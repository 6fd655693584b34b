// Promise wrappers over host.fs for this measurement (errors as ProbeError with the host's code).
import { FileStat, Host, HostError } from "../../host";
import { ProbeError } from "../../util/errors";

function fail(e: HostError, path: string): ProbeError {
  return new ProbeError(e.code, path + ": " + e.message);
}

export function statMaybe(host: Host, path: string): Promise<FileStat | undefined> {
  return new Promise<FileStat | undefined>((resolve) => {
    host.fs.stat(path, (err, v) => resolve(err !== undefined ? undefined : v));
  });
}

export function listDir(host: Host, dir: string): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    host.fs.list(dir, (err, v) => (err !== undefined ? reject(fail(err, dir)) : resolve(v as string[])));
  });
}

export function readText(host: Host, path: string, maxBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    host.fs.read(path, (err, v) => (err !== undefined ? reject(fail(err, path)) : resolve(v as string)), maxBytes);
  });
}

export function readTextMaybe(host: Host, path: string, maxBytes: number): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve, reject) => {
    host.fs.read(path, (err, v) => {
      if (err === undefined) resolve(v as string);
      else if (err.code === "ENOENT") resolve(undefined);
      else reject(fail(err, path));
    }, maxBytes);
  });
}

/** Up to maxBytes from `offset`; undefined when the host has no readRange (callers fall back to read). */
export function readRange(host: Host, path: string, offset: number, maxBytes: number): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve, reject) => {
    const rr = host.fs.readRange;
    if (rr === undefined) {
      resolve(undefined);
      return;
    }
    rr(path, offset, maxBytes, (err, v) => (err !== undefined ? reject(fail(err, path)) : resolve(v as string)));
  });
}

export function writeText(host: Host, path: string, data: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    host.fs.write(path, data, (err) => (err !== undefined ? reject(fail(err, path)) : resolve()));
  });
}

export function rename(host: Host, from: string, to: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    host.fs.rename(from, to, (err) => (err !== undefined ? reject(fail(err, to)) : resolve()));
  });
}

export function removeMaybe(host: Host, path: string): Promise<void> {
  return new Promise<void>((resolve) => {
    host.fs.remove(path, () => resolve());
  });
}

/** Writes through a temporary file and a rename: a reader (Tstat) never sees half a file. */
export async function writeAtomic(host: Host, path: string, data: string): Promise<void> {
  const tmp = path + ".miniprobe-tmp";
  await writeText(host, tmp, data);
  await rename(host, tmp, path);
}
