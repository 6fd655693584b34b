/** @noSelfInFile */
// TSTL applies @noSelfInFile to functions and type aliases, not to interface members:
// every interface with functions carries its own @noSelf, so Lua calls them as host.f(x).
// The only door from core to the world. One object of plain functions with plain-value
// arguments; every asynchronous operation completes through a callback (err, value) that
// may run synchronously inside the call. Errors are values with a code, never thrown
// across this boundary. A host leaves out (undefined) what its runtime truly cannot do,
// and leaves out timings it cannot see rather than guessing them.

/**
 * The one vocabulary of error codes every host uses (the same case gets the same code on
 * Node, QuickJS and Lua; Node's own codes such as HPE_* are mapped onto these):
 * - ECANCELED     the caller cancelled the call through its handle
 * - ETIMEDOUT     the call's own timeout passed
 * - ENOENT, EACCES, EISDIR, EEXIST, EIO  file system and exec failures, as POSIX names them
 * - ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ENETUNREACH, ENOTFOUND (name lookup failed)
 * - ETOOBIG       an input passed its byte limit (maxBytes); nothing past the limit was kept
 * - EPROTO        the peer broke the protocol (malformed status line, headers or chunk sizes,
 *                 conflicting Content-Length, oversized header block, TLS failure)
 * - EHTTP         a well-formed HTTP answer the caller cannot use (too many redirects, ...)
 * - EUNSUPPORTED  this host cannot do what was asked (a URL scheme, TLS, ...)
 * - EINVAL        the caller passed a value the host refuses (not a URL, bad argv)
 * - EEXEC         a process could not be started for another reason
 */
export interface HostError {
  code: string;
  message: string;
}

/** What every asynchronous call returns: a way to stop it. */
/** @noSelf */
export interface Handle {
  /**
   * Stops the call: the process group is killed, the connection closed, the download
   * abandoned. The call's callback then runs once with ECANCELED (unless it had completed
   * already; cancelling twice or after completion does nothing).
   */
  cancel(): void;
}

export type Callback<T> = (err: HostError | undefined, value: T | undefined) => void;

export interface HostInfo {
  runtime: string; // "node" | "quickjs" | "lua5.1" | "luajit"
  runtimeVersion: string;
  platform: string; // e.g. "linux"
  arch: string; // e.g. "x86_64", "mips"
  hostname: string;
  /** Deprecated: the probe id is an agent option; kept until every caller has moved. */
  probeId: string;
  /**
   * How this host reaches the network, stated plainly: "socket" (Node net, luasocket),
   * "nc:/bin/busybox" or "socat:/usr/bin/socat" (QuickJS helper process), absent when it
   * cannot. `tls` likewise: "node-tls", "luasec", "openssl:/usr/bin/openssl", or absent.
   */
  connect?: string;
  tls?: string;
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
  /** Written to the process's stdin, which is then closed (default: stdin is /dev/null). */
  stdin?: string;
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

/**
 * A byte stream (TCP, TLS). Data is a byte string: one character per byte, 0-255 (Latin-1
 * in the JS hosts, raw bytes in Lua), so binary protocols (MQTT) survive unchanged.
 * Data that arrives before onData is set is kept and delivered when it is.
 */
/** @noSelf */
export interface Stream {
  write(data: string, cb: Callback<true>): void;
  onData(handler: (data: string) => void): void;
  /** Called once, when the peer closes (err undefined) or the stream fails. */
  onClose(handler: (err: HostError | undefined) => void): void;
  close(): void;
}

export interface ConnectOptions {
  tls?: boolean;
  timeoutMs: number;
  /** TLS: PEM file of the CA(s) to trust (default: the system's); client cert and key files. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** TLS: the name to verify (default: the host name connected to). */
  servername?: string;
}

/** @noSelf */
export interface SpawnOptions {
  /** Raw stdout bytes as they arrive (byte string, see Stream). */
  onStdout?: (data: string) => void;
  /** Each complete stdout line (without the newline); a line longer than maxLineBytes is cut. */
  onLine?: (line: string) => void;
  onStderr?: (data: string) => void;
  /**
   * Once, when the process has exited and its output has been delivered. code -1: killed by
   * a signal, named without "SIG" ("TERM", "KILL", "INT", "HUP"). Never called when spawn's
   * own callback reported an error (the process never ran).
   */
  onExit: (code: number, signal: string | undefined) => void;
  maxLineBytes?: number;
  env?: { [name: string]: string };
  cwd?: string;
}

/** A long-lived child process in its own process group. */
/** @noSelf */
export interface Proc {
  pid: number;
  /** Writes to stdin (byte string); cb after the bytes are handed to the pipe. */
  write(data: string, cb: Callback<true>): void;
  closeStdin(): void;
  /** Signals the whole process group ("TERM" default, "KILL", "INT", "HUP"). */
  kill(signal?: string): void;
}

export interface FileStat {
  size: number;
  isDir: boolean;
  /** Modification time, ms since epoch. */
  mtime: number;
}

/** @noSelf */
export interface HostFs {
  /** The whole file, or ETOOBIG without holding more than maxBytes when it is larger. */
  read(path: string, cb: Callback<string>, maxBytes?: number): void;
  /**
   * Up to maxBytes from byte offset `offset` (fewer at the end of the file; "" past it).
   * Decoded like read; on text that is not ASCII, cut at line or character boundaries.
   */
  readRange?(path: string, offset: number, maxBytes: number, cb: Callback<string>): void;
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
  /** Any delay up to 400 days works the same on every host (long ones run in safe steps). */
  setTimer(ms: number, cb: () => void): number;
  clearTimer(id: number): void;
  log(level: "debug" | "info" | "warn" | "error", msg: string): void;
  /** Drops log lines below `level` from now on (the configuration's logLevel); hosts start at "info". */
  setLogLevel?(level: "debug" | "info" | "warn" | "error"): void;
  /** Program output (the CLI's stdout). */
  write(text: string): void;
  /**
   * The whole of standard input, for `--once -`; ETOOBIG as soon as more than maxBytes
   * arrived (the limit is enforced while reading, never after).
   */
  readStdin?(cb: Callback<string>, maxBytes?: number): void;
  /** Absolute path of an executable named `name` on PATH, or undefined. Nothing is run. */
  which(name: string): string | undefined;
  exec?(argv: string[], opts: ExecOptions, cb: Callback<ExecResult>): Handle;
  /** Starts a long-lived process (own process group); ENOENT/EACCES/EEXEC when it cannot. */
  spawn?(argv: string[], opts: SpawnOptions, cb: Callback<Proc>): void;
  httpGet?(url: string, opts: HttpOptions, cb: Callback<HttpResult>): Handle;
  connect?(hostname: string, port: number, opts: ConnectOptions, cb: Callback<Stream>): Handle;
  fs: HostFs;
  /**
   * SIGTERM / SIGINT (and SIGHUP) delivered as a call instead of killing the program, so
   * the core can cancel what runs and exit cleanly. The handler gets the name without
   * "SIG": "TERM", "INT", "HUP". Without a handler, the host kills its children's process
   * groups and exits (143 for TERM, 130 for INT, 129 for HUP).
   */
  onSignal?(handler: (signal: string) => void): void;
  /** Memory in use, for status reports: the runtime's heap and the process's RSS, KiB. */
  memory?(): { heapKb?: number; rssKb?: number };
  /** Ends the program (entry points only): kills every child process group first. */
  exit(code: number): void;
}
