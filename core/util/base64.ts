// Base64 (RFC 4648, with padding) over byte strings (one char per byte, 0-255), by
// arithmetic only: Lua 5.1 has no bitwise operators. Used where binary must travel as text
// (the queue's record lines, which every host's fs writes as text).
import { ProbeError } from "./errors";
import { mod } from "./num";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function base64Encode(bytes: string): string {
  const out: string[] = [];
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const b0 = bytes.charCodeAt(i);
    const b1 = i + 1 < n ? bytes.charCodeAt(i + 1) : 0;
    const b2 = i + 2 < n ? bytes.charCodeAt(i + 2) : 0;
    const v = b0 * 65536 + b1 * 256 + b2;
    const c0 = Math.floor(v / 262144);
    const c1 = mod(Math.floor(v / 4096), 64);
    const c2 = mod(Math.floor(v / 64), 64);
    const c3 = mod(v, 64);
    out.push(ALPHABET.charAt(c0) + ALPHABET.charAt(c1) + (i + 1 < n ? ALPHABET.charAt(c2) : "=") + (i + 2 < n ? ALPHABET.charAt(c3) : "="));
  }
  return out.join("");
}

function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === 47) return 63;
  return -1;
}

export function base64Decode(text: string): string {
  const n = text.length;
  if (mod(n, 4) !== 0) throw new ProbeError("EBASE64", "length is not a multiple of 4");
  const out: string[] = [];
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 === n;
    const p2 = text.charCodeAt(i + 2) === 61;
    const p3 = text.charCodeAt(i + 3) === 61;
    if ((p2 || p3) && !last) throw new ProbeError("EBASE64", "padding before the end");
    if (p2 && !p3) throw new ProbeError("EBASE64", "bad padding");
    const s0 = sextet(text.charCodeAt(i));
    const s1 = sextet(text.charCodeAt(i + 1));
    const s2 = p2 ? 0 : sextet(text.charCodeAt(i + 2));
    const s3 = p3 ? 0 : sextet(text.charCodeAt(i + 3));
    if (s0 < 0 || s1 < 0 || s2 < 0 || s3 < 0) throw new ProbeError("EBASE64", "not a base64 character");
    const v = s0 * 262144 + s1 * 4096 + s2 * 64 + s3;
    const b0 = Math.floor(v / 65536);
    const b1 = mod(Math.floor(v / 256), 256);
    const b2 = mod(v, 256);
    out.push(String.fromCharCode(b0) + (p2 ? "" : String.fromCharCode(b1)) + (p3 ? "" : String.fromCharCode(b2)));
  }
  return out.join("");
}

/** Adler-32 (RFC 1950) of a byte string, as a number: detects a torn or altered record. */
export function adler32(bytes: string): number {
  let a = 1;
  let b = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    a = mod(a + bytes.charCodeAt(i), 65521);
    b = mod(b + a, 65521);
  }
  return b * 65536 + a;
}
