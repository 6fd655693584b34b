// Base64 (RFC 4648, with padding) over byte strings (one char per byte, 0-255), by
// arithmetic only: Lua 5.1 has no bitwise operators. Used where binary must travel as text
// (the queue's record lines, which every host's fs writes as text).
import { ProbeError } from "./errors";
import { mod } from "./num";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Lookup tables made once: a per-character function call, a string built per 3 bytes and a
// modulo call per value made decoding the queue's records most of a Lua 5.1 drain's time.
const DIGIT: string[] = [];
for (let i = 0; i < 64; i++) DIGIT.push(ALPHABET.charAt(i));
const BYTE: string[] = [];
for (let i = 0; i < 256; i++) BYTE.push(String.fromCharCode(i));
/** Character code (0-127) -> its sextet, or -1 (read inline where a call per character costs). */
export const SEXTET: number[] = [];
for (let i = 0; i < 128; i++) SEXTET.push(-1);
for (let i = 0; i < 64; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

export function base64Encode(bytes: string): string {
  const out: string[] = [];
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const b0 = bytes.charCodeAt(i);
    const b1 = i + 1 < n ? bytes.charCodeAt(i + 1) : 0;
    const b2 = i + 2 < n ? bytes.charCodeAt(i + 2) : 0;
    const v = b0 * 65536 + b1 * 256 + b2;
    const c0 = Math.floor(v / 262144);
    const r0 = v - c0 * 262144;
    const c1 = Math.floor(r0 / 4096);
    const r1 = r0 - c1 * 4096;
    const c2 = Math.floor(r1 / 64);
    out.push(DIGIT[c0]);
    out.push(DIGIT[c1]);
    out.push(i + 1 < n ? DIGIT[c2] : "=");
    out.push(i + 2 < n ? DIGIT[r1 - c2 * 64] : "=");
  }
  return out.join("");
}

function sextet(c: number): number {
  return c < 128 ? SEXTET[c] : -1;
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
    const r = v - b0 * 65536;
    const b1 = Math.floor(r / 256);
    out.push(BYTE[b0]);
    if (!p2) out.push(BYTE[b1]);
    if (!p3) out.push(BYTE[r - b1 * 256]);
  }
  return out.join("");
}

/** Adler-32 (RFC 1950) of a byte string, as a number: detects a torn or altered record. */
export function adler32(bytes: string): number {
  let a = 1;
  let b = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    // zlib's NMAX: the most bytes before b can pass 2^32 (doubles hold it exactly anyway),
    // so the modulo runs once a block instead of twice a byte
    const end = i + 5552 < n ? i + 5552 : n;
    for (; i < end; i++) {
      a = a + bytes.charCodeAt(i);
      b = b + a;
    }
    a = mod(a, 65521);
    b = mod(b, 65521);
  }
  return b * 65536 + a;
}
