// Node's error codes onto the one vocabulary of core/host.ts, and the exactly-once guard
// every callback across the Host boundary goes through.
import type { Callback, HostError } from "../../core/host";

/** Codes that already belong to the vocabulary pass through unchanged. */
const KEEP = new Set([
  "ECANCELED", "ETIMEDOUT", "ENOENT", "EACCES", "EISDIR", "EEXIST", "EIO", "ECONNREFUSED", "ECONNRESET",
  "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "ETOOBIG", "EPROTO", "EHTTP", "EUNSUPPORTED", "EINVAL", "EEXEC",
]);

const MAP: { [code: string]: string } = {
  EPERM: "EACCES",
  ENOTDIR: "ENOENT",
  ENOTEMPTY: "EEXIST",
  ERR_FS_EISDIR: "EISDIR",
  EAI_AGAIN: "ENOTFOUND",
  EAI_NONAME: "ENOTFOUND",
  EAI_NODATA: "ENOTFOUND",
  EAI_FAIL: "ENOTFOUND",
  EPIPE: "ECONNRESET",
  ECONNABORTED: "ECONNRESET",
  EHOSTDOWN: "EHOSTUNREACH",
  ENETDOWN: "ENETUNREACH",
  EADDRNOTAVAIL: "ENETUNREACH",
  ERR_INVALID_URL: "EINVAL",
  ERR_INVALID_ARG_TYPE: "EINVAL",
  ERR_INVALID_ARG_VALUE: "EINVAL",
  ERR_UNESCAPED_CHARACTERS: "EINVAL",
  ERR_INVALID_PROTOCOL: "EUNSUPPORTED",
  ERR_SOCKET_CONNECTION_TIMEOUT: "ETIMEDOUT",
};

/** The vocabulary code for a Node error code (HPE_* parser errors and TLS failures are EPROTO). */
export function mapCode(code: string, fallback = "EIO"): string {
  if (KEEP.has(code)) return code;
  if (MAP[code] !== undefined) return MAP[code];
  // llhttp: malformed status line, headers, chunk sizes, duplicate Content-Length, header overflow
  if (code.startsWith("HPE_")) return "EPROTO";
  // TLS: Node's ERR_TLS_*/ERR_SSL_* and OpenSSL's verification codes (UNABLE_TO_GET_ISSUER_CERT,
  // SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...)
  if (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code.startsWith("UNABLE_TO_") ||
    code.includes("CERT") || code.includes("SELF_SIGNED") || code.includes("SIGNATURE") || code === "HOSTNAME_MISMATCH") {
    return "EPROTO";
  }
  return fallback;
}

/** A Node error (or anything thrown) as a HostError value; the original code stays in the message. */
export function toHostError(e: unknown, fallback = "EIO"): HostError {
  const err = e as { code?: unknown; message?: unknown };
  const raw = typeof err?.code === "string" ? err.code : "";
  const code = raw === "" ? fallback : mapCode(raw, fallback);
  const text = typeof err?.message === "string" ? err.message : String(e);
  return { code, message: raw !== "" && raw !== code && !text.includes(raw) ? `${text} (${raw})` : text };
}

export function hostError(code: string, message: string): HostError {
  return { code, message };
}

/** The callback runs at most once, whatever the event sources do afterwards. */
export function once<T>(cb: Callback<T>): Callback<T> & { done: () => boolean } {
  let called = false;
  const f = ((err, value) => {
    if (called) return;
    called = true;
    cb(err, value);
  }) as Callback<T> & { done: () => boolean };
  f.done = () => called;
  return f;
}
