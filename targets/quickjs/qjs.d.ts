// The subset of QuickJS 2021-03-27's `std` and `os` modules (and globals) that the QuickJS
// host uses, typed from doc/quickjs.texi of that release (node_modules/qjsc/deps/
// quickjs_2021_03_27). Not in this release, so not declared: os.now, performance,
// os.SIGKILL (only SIGINT/ABRT/FPE/ILL/SEGV/TERM and a few others are exported).

declare const scriptArgs: string[];
declare function print(...args: unknown[]): void;

declare module "std" {
  export interface FILE {
    /** 0 if OK, -errno on error. */
    close(): number;
    puts(str: string): void;
    flush(): void;
    /** Reads up to max_size bytes (to the end when omitted) as UTF-8. */
    readAsString(max_size?: number): string;
    getline(): string | null;
    eof(): boolean;
    /** true if there was an error. */
    error(): boolean;
    fileno(): number;
  }
  export interface ErrorObj {
    errno?: number;
  }
  export function exit(n: number): never;
  /** The file as UTF-8 text, or null on I/O error. */
  export function loadFile(filename: string): string | null;
  /** fopen(); null on error, errorObj.errno set when given. */
  export function open(filename: string, flags: string, errorObj?: ErrorObj): FILE | null;
  export function strerror(errno: number): string;
  export function getenv(name: string): string | undefined;
  export function getenviron(): { [name: string]: string };
  export const Error: {
    EINVAL: number;
    EIO: number;
    EACCES: number;
    EEXIST: number;
    ENOSPC: number;
    ENOSYS: number;
    EBUSY: number;
    ENOENT: number;
    EPERM: number;
    EPIPE: number;
    [name: string]: number;
  };
  export const SEEK_SET: number;
  export const SEEK_CUR: number;
  export const SEEK_END: number;
  export const out: FILE;
  export const err: FILE;
  const stdin: FILE;
  export { stdin as in };
}

declare module "os" {
  export interface ExecOptions {
    /** default true: wait and return the exit code; false: return the pid at once. */
    block?: boolean;
    /** default true: search PATH for the file. */
    usePath?: boolean;
    file?: string;
    cwd?: string;
    stdin?: number;
    stdout?: number;
    stderr?: number;
    /** Replaces the whole environment when present. */
    env?: { [name: string]: string };
  }
  export interface Stat {
    dev: number;
    ino: number;
    mode: number;
    nlink: number;
    uid: number;
    gid: number;
    rdev: number;
    size: number;
    blocks: number;
    /** milliseconds since 1970 */
    atime: number;
    mtime: number;
    ctime: number;
  }
  export type Timer = object;

  export const O_RDONLY: number;
  export const O_WRONLY: number;
  export const O_RDWR: number;
  export const O_APPEND: number;
  export const O_CREAT: number;
  export const O_EXCL: number;
  export const O_TRUNC: number;
  export const S_IFMT: number;
  export const S_IFDIR: number;
  export const S_IFREG: number;
  export const WNOHANG: number;
  export const SIGTERM: number;
  export const SIGINT: number;
  export const platform: string;

  /** A handle, or < 0 on error. */
  export function open(filename: string, flags: number, mode?: number): number;
  export function close(fd: number): number;
  /** Bytes read, 0 at end of file, < 0 on error. */
  export function read(fd: number, buffer: ArrayBuffer, offset: number, length: number): number;
  export function write(fd: number, buffer: ArrayBuffer, offset: number, length: number): number;
  /** 0 or -errno. */
  export function remove(filename: string): number;
  /** 0 or -errno. */
  export function rename(oldname: string, newname: string): number;
  /** 0 or -errno. */
  export function mkdir(path: string, mode?: number): number;
  export function stat(path: string): [Stat, number];
  export function lstat(path: string): [Stat, number];
  export function realpath(path: string): [string, number];
  export function readlink(path: string): [string, number];
  export function readdir(path: string): [string[], number];
  export function getcwd(): [string, number];
  export function setReadHandler(fd: number, func: (() => void) | null): void;
  export function setWriteHandler(fd: number, func: (() => void) | null): void;
  /** func: handler (run from the event loop), null: default action, undefined: ignored. */
  export function signal(sig: number, func: (() => void) | null | undefined): void;
  /** New position, or -errno. */
  export function seek(fd: number, offset: number, whence: number): number;
  export function kill(pid: number, sig: number): number;
  /** block:true returns the exit code (or -signal); block:false returns the pid. */
  export function exec(args: string[], options?: ExecOptions): number;
  /** [ret, status]: ret is the pid, 0 (WNOHANG, still running) or -errno. */
  export function waitpid(pid: number, options: number): [number, number];
  /** [read_fd, write_fd], or null on error. */
  export function pipe(): [number, number] | null;
  export function sleep(delay_ms: number): void;
  export function setTimeout(func: () => void, delay: number): Timer;
  export function clearTimeout(handle: Timer): void;
}
