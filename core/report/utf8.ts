// Text ↔ UTF-8 bytes. Core text is UTF-16 code units in JS and bytes in Lua
// (core/util/text.ts), while every string on the wire (protobuf, MQTT) is UTF-8.
//
// Lua: text already is bytes, so both directions return their input unchanged; text a
// tool printed in some other encoding (invalid UTF-8) goes on the wire as those bytes.
// JS, so that JS and Lua write the same bytes for the same wire input ("surrogateescape",
// as Python names it):
// - encode: a surrogate pair → 4 bytes; a lone code unit U+DC80 ... U+DCFF → the one byte
//   0x80 ... 0xFF it stands for; any other lone surrogate → its 3-byte form (as protobufjs
//   writes it); everything else → standard UTF-8.
// - decode: a well-formed UTF-8 sequence (shortest form, no surrogates, at most U+10FFFF)
//   → its code point; every other byte b ≥ 0x80 → the lone code unit U+DC00 + b, then
//   decoding resumes at the next byte. So decode then encode gives back the input bytes
//   exactly, as it does in Lua.
import { BYTE_STRINGS } from "../util/text";
import { BYTE } from "./bytes";

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** UTF-8 byte string of core text. */
export function utf8Encode(text: string): string {
  if (BYTE_STRINGS || isAscii(text)) return text;
  const parts: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    i = i + 1;
    if (c < 0x80) {
      parts.push(BYTE[c]);
    } else if (c < 0x800) {
      parts.push(BYTE[0xc0 + Math.floor(c / 64)] + BYTE[0x80 + (c - Math.floor(c / 64) * 64)]);
    } else if (c >= 0xd800 && c < 0xdc00 && i < n && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) < 0xe000) {
      const cp = 0x10000 + (c - 0xd800) * 1024 + (text.charCodeAt(i) - 0xdc00);
      i = i + 1;
      parts.push(
        BYTE[0xf0 + Math.floor(cp / 262144)] +
          BYTE[0x80 + (Math.floor(cp / 4096) - Math.floor(cp / 262144) * 64)] +
          BYTE[0x80 + (Math.floor(cp / 64) - Math.floor(cp / 4096) * 64)] +
          BYTE[0x80 + (cp - Math.floor(cp / 64) * 64)],
      );
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      parts.push(BYTE[c - 0xdc00]);
    } else {
      parts.push(
        BYTE[0xe0 + Math.floor(c / 4096)] +
          BYTE[0x80 + (Math.floor(c / 64) - Math.floor(c / 4096) * 64)] +
          BYTE[0x80 + (c - Math.floor(c / 64) * 64)],
      );
    }
  }
  return parts.join("");
}

function cont(bytes: string, i: number, n: number): number {
  if (i >= n) return -1;
  const b = bytes.charCodeAt(i);
  return b >= 0x80 && b < 0xc0 ? b - 0x80 : -1;
}

/** Length of the well-formed UTF-8 sequence at i (1-4), or 0 when the bytes there are not one. */
function seqLen(bytes: string, i: number, n: number): number {
  const b = bytes.charCodeAt(i);
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b < 0xe0) return cont(bytes, i + 1, n) >= 0 ? 2 : 0;
  if (b >= 0xe0 && b < 0xf0) {
    const c1 = cont(bytes, i + 1, n);
    if (c1 < 0 || cont(bytes, i + 2, n) < 0) return 0;
    if (b === 0xe0 && c1 < 0x20) return 0; // overlong
    if (b === 0xed && c1 >= 0x20) return 0; // surrogates
    return 3;
  }
  if (b >= 0xf0 && b < 0xf5) {
    const c1 = cont(bytes, i + 1, n);
    if (c1 < 0 || cont(bytes, i + 2, n) < 0 || cont(bytes, i + 3, n) < 0) return 0;
    if (b === 0xf0 && c1 < 0x10) return 0; // overlong
    if (b === 0xf4 && c1 >= 0x10) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

/** True when the byte string is well-formed UTF-8 (the same answer on every runtime). */
export function isUtf8(bytes: string): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const l = seqLen(bytes, i, n);
    if (l === 0) return false;
    i = i + l;
  }
  return true;
}

/** Core text of a UTF-8 byte string (never fails; see the file comment for bad bytes). */
export function utf8Decode(bytes: string): string {
  if (BYTE_STRINGS || isAscii(bytes)) return bytes;
  const parts: string[] = [];
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes.charCodeAt(i);
    let cp = -1;
    let len = 1;
    if (b < 0x80) {
      cp = b;
    } else if (b >= 0xc2 && b < 0xe0) {
      const c1 = cont(bytes, i + 1, n);
      if (c1 >= 0) {
        cp = (b - 0xc0) * 64 + c1;
        len = 2;
      }
    } else if (b >= 0xe0 && b < 0xf0) {
      const c1 = cont(bytes, i + 1, n);
      const c2 = cont(bytes, i + 2, n);
      if (c1 >= 0 && c2 >= 0) {
        const v = (b - 0xe0) * 4096 + c1 * 64 + c2;
        if (v >= 0x800 && (v < 0xd800 || v >= 0xe000)) {
          cp = v;
          len = 3;
        }
      }
    } else if (b >= 0xf0 && b < 0xf5) {
      const c1 = cont(bytes, i + 1, n);
      const c2 = cont(bytes, i + 2, n);
      const c3 = cont(bytes, i + 3, n);
      if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
        const v = (b - 0xf0) * 262144 + c1 * 4096 + c2 * 64 + c3;
        if (v >= 0x10000 && v <= 0x10ffff) {
          cp = v;
          len = 4;
        }
      }
    }
    if (cp < 0) {
      parts.push(String.fromCharCode(0xdc00 + b));
    } else if (cp < 0x10000) {
      parts.push(String.fromCharCode(cp));
    } else {
      const v = cp - 0x10000;
      parts.push(String.fromCharCode(0xd800 + Math.floor(v / 1024), 0xdc00 + (v - Math.floor(v / 1024) * 1024)));
    }
    i = i + len;
  }
  return parts.join("");
}
