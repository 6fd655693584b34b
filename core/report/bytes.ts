// Byte strings: the one representation of binary data in core (report codec, MQTT).
// A byte string holds one character per byte, each 0 ... 255: in Lua a string is exactly
// that; in JS it is a string whose code units are all below 256 (Latin-1, what the hosts'
// streams deliver). Chosen over number[] because hosts read and write strings, Lua builds
// and slices strings in C, and a byte string costs one byte per byte in Lua where an
// array of numbers costs 16.
import { ProbeError } from "../util/errors";

const HEX = "0123456789abcdef";

/** The one-byte strings 0 ... 255, made once (String.fromCharCode per byte is slow). */
export const BYTE: string[] = [];
for (let i = 0; i < 256; i++) BYTE.push(String.fromCharCode(i));

/** Lower-case hex of a byte string. */
export function toHex(bytes: string): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes.charCodeAt(i);
    const hi = Math.floor(b / 16);
    const lo = b - hi * 16;
    parts.push(HEX.substring(hi, hi + 1) + HEX.substring(lo, lo + 1));
  }
  return parts.join("");
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Byte string of hex text (either case, even length); EINVAL otherwise. */
export function fromHex(hex: string): string {
  if (hex.length - Math.floor(hex.length / 2) * 2 !== 0) throw new ProbeError("EINVAL", "odd number of hex digits", "hex");
  const parts: string[] = [];
  for (let i = 0; i < hex.length; i = i + 2) {
    const a = hexDigit(hex.charCodeAt(i));
    const b = hexDigit(hex.charCodeAt(i + 1));
    if (a < 0 || b < 0) throw new ProbeError("EINVAL", "not a hex digit", "hex");
    parts.push(BYTE[a * 16 + b]);
  }
  return parts.join("");
}
