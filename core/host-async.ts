// Promise wrappers over the callback Host boundary, for use inside core only.
import { ExecOptions, ExecResult, Handle, Host, HostError, HttpOptions, HttpResult } from "./host";
import { Cancel } from "./cancel";
import { ProbeError } from "./util/errors";

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

/** Ties a host handle to a Cancel: cancelling stops the call; completion unsubscribes. */
function bind(handle: Handle | undefined, cancel: Cancel | undefined): () => void {
  if (handle === undefined || cancel === undefined) return () => undefined;
  return cancel.onCancel(() => handle.cancel());
}

export function exec(host: Host, argv: string[], opts: ExecOptions, cancel?: Cancel): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const ex = host.exec;
    if (ex === undefined) {
      reject(new ProbeError("EUNSUPPORTED", "this host cannot start processes"));
      return;
    }
    let off: () => void = () => undefined;
    let done = false;
    const h = ex(argv, opts, (err, v) => {
      done = true;
      off();
      if (err !== undefined) reject(toError(err));
      else resolve(v as ExecResult);
    });
    if (!done) off = bind(h, cancel);
  });
}

export function httpGet(host: Host, url: string, opts: HttpOptions, cancel?: Cancel): Promise<HttpResult> {
  return new Promise<HttpResult>((resolve, reject) => {
    const get = host.httpGet;
    if (get === undefined) {
      reject(new ProbeError("EUNSUPPORTED", "this host cannot make HTTP requests"));
      return;
    }
    let off: () => void = () => undefined;
    let done = false;
    const h = get(url, opts, (err, v) => {
      done = true;
      off();
      if (err !== undefined) reject(toError(err));
      else resolve(v as HttpResult);
    });
    if (!done) off = bind(h, cancel);
  });
}
