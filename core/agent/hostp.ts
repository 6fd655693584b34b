// Promise wrappers over the callback Host boundary, for use inside core only.
import { ExecOptions, ExecResult, Host, HostError, HttpOptions, HttpResult } from "../host";
import { ProbeError } from "../util/errors";

function toError(e: HostError): ProbeError {
  return new ProbeError(e.code, e.message);
}

export function sleep(host: Host, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    host.setTimer(ms < 0 ? 0 : ms, () => resolve());
  });
}

export function readFile(host: Host, path: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    host.fs.read(path, (err, v) => {
      if (err !== undefined) reject(toError(err));
      else resolve(v as string);
    });
  });
}

/** Reads a file, or undefined when it cannot be read (absent on this device). */
export function readFileMaybe(host: Host, path: string): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve) => {
    host.fs.read(path, (err, v) => resolve(err !== undefined ? undefined : v));
  });
}

export function exec(host: Host, argv: string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const ex = host.exec;
    if (ex === undefined) {
      reject(new ProbeError("EUNSUPPORTED", "this host cannot start processes"));
      return;
    }
    ex(argv, opts, (err, v) => {
      if (err !== undefined) reject(toError(err));
      else resolve(v as ExecResult);
    });
  });
}

export function httpGet(host: Host, url: string, opts: HttpOptions): Promise<HttpResult> {
  return new Promise<HttpResult>((resolve, reject) => {
    const get = host.httpGet;
    if (get === undefined) {
      reject(new ProbeError("EUNSUPPORTED", "this host cannot make HTTP requests"));
      return;
    }
    get(url, opts, (err, v) => {
      if (err !== undefined) reject(toError(err));
      else resolve(v as HttpResult);
    });
  });
}
