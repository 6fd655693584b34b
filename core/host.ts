/** @noSelfInFile */
// TSTL applies @noSelfInFile to functions and type aliases, not to interface members:
// every interface with functions carries its own @noSelf, so Lua calls them as host.f(x).
// The only door from core to the world. One object of plain functions with plain-value
// arguments; every asynchronous operation completes through a callback (err, value) that
// may run synchronously inside the call. Errors are values with a code, never thrown
// across this boundary. A host leaves out (undefined) what its runtime truly cannot do,
// and leaves out timings it cannot see rather than guessing them.

export interface HostError {
  /** ETIMEDOUT, ENOENT, ETOOBIG, ECONNREFUSED, EEXEC, EHTTP, EUNSUPPORTED, EIO ... */
  code: string;
  message: string;
}

export type Callback<T> = (err: HostError | undefined, value: T | undefined) => void;

export interface HostInfo {
  runtime: string; // "node" | "quickjs" | "lua5.1" | "luajit"
  runtimeVersion: string;
  platform: string; // e.g. "linux"
  arch: string; // e.g. "x86_64", "mips"
  hostname: string;
  probeId: string;
}

/** An external program the device has. `flavour` tells the parsers whose output to expect. */
export interface ToolInfo {
  path: string;
  flavour: string; // "busybox" | "iputils" | "toybox" | "traceroute" | "scamper" | "tstat" | "curl" ...
  version?: string;
  /** Options the binary accepted when probed (e.g. "-I", "-T", "-6", "-s", "-t"). */
  flags?: string[];
}

export interface ToolSet {
  ping?: ToolInfo;
  ping6?: ToolInfo;
  traceroute?: ToolInfo;
  traceroute6?: ToolInfo;
  scamper?: ToolInfo;
  tstat?: ToolInfo;
  [name: string]: ToolInfo | undefined;
}

/** @noSelf */
export interface ExecOptions {
  timeoutMs: number;
  /** stdout and stderr are each cut at this many bytes; `truncated` then says so. */
  maxBytes: number;
  /** Called with each complete stdout line as it arrives (without the newline). */
  onLine?: (line: string) => void;
  env?: { [name: string]: string };
  cwd?: string;
}

export interface ExecResult {
  /** Exit status; -1 when killed by a signal or by the timeout. */
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time the process ran, milliseconds (monotonic). */
  ms: number;
  timedOut: boolean;
  truncated: boolean;
}

export interface HttpOptions {
  headers?: { [name: string]: string };
  /** Inclusive byte range [first, last]; last may be omitted (to the end). */
  range?: [number, number?];
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Keep the body (default true); false counts bytes only (segments). */
  keepBody?: boolean;
}

export interface HttpTimings {
  /** Monotonic milliseconds. `start` always; the others only when the host saw them. */
  start: number;
  connect?: number;
  firstByte?: number;
  end: number;
}

export interface HttpResult {
  status: number;
  /** Lower-cased header names, last value wins. */
  headers: { [name: string]: string };
  /** URL actually answered, after redirects. */
  url: string;
  redirects: number;
  /** Bytes of body received. */
  bytes: number;
  body?: string;
  t: HttpTimings;
}

/** @noSelf */
export interface Stream {
  write(data: string, cb: Callback<true>): void;
  onData(handler: (data: string) => void): void;
  onClose(handler: (err: HostError | undefined) => void): void;
  close(): void;
}

export interface FileStat {
  size: number;
  isDir: boolean;
  /** Modification time, ms since epoch. */
  mtime: number;
}

/** @noSelf */
export interface HostFs {
  read(path: string, cb: Callback<string>): void;
  write(path: string, data: string, cb: Callback<true>): void;
  append(path: string, data: string, cb: Callback<true>): void;
  /** Atomic on one filesystem: the reader sees the old or the new file, never half. */
  rename(from: string, to: string, cb: Callback<true>): void;
  list(dir: string, cb: Callback<string[]>): void;
  remove(path: string, cb: Callback<true>): void;
  stat(path: string, cb: Callback<FileStat>): void;
  mkdir(path: string, cb: Callback<true>): void;
}

/** @noSelf */
export interface Host {
  info: HostInfo;
  tools: ToolSet;
  /** Wall clock, ms since epoch (may jump). */
  now(): number;
  /** Monotonic clock, ms from an arbitrary origin (never jumps). */
  mono(): number;
  setTimer(ms: number, cb: () => void): number;
  clearTimer(id: number): void;
  log(level: "debug" | "info" | "warn" | "error", msg: string): void;
  /** Program output (the CLI's stdout). */
  write(text: string): void;
  /** The whole of standard input, for `--once -`. */
  readStdin?(cb: Callback<string>): void;
  exec?(argv: string[], opts: ExecOptions, cb: Callback<ExecResult>): void;
  httpGet?(url: string, opts: HttpOptions, cb: Callback<HttpResult>): void;
  connect?(hostname: string, port: number, opts: { tls?: boolean; timeoutMs: number }, cb: Callback<Stream>): void;
  fs: HostFs;
  /** Ends the program (entry points only; core returns exit codes instead). */
  exit(code: number): void;
}
