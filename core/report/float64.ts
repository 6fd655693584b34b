// IEEE-754 binary64 ↔ 8 little-endian bytes by arithmetic alone (no typed arrays, no bit
// operators: Lua 5.1 has neither). Every step multiplies or divides by a power of two or
// adds integers below 2^53, all exact in doubles, so the bytes are exact for every value:
// ±0, subnormals, the largest finite, ±Infinity. Every NaN is written as the canonical
// quiet NaN 00 00 00 00 00 00 f8 7f (what V8 and protobufjs write); a decoded NaN's
// payload is not kept.
import { BYTE } from "./bytes";

const P32 = 4294967296;
const P52 = 4503599627370496;

/** 2^e exactly for any integer e in -1074 ... 1023 (built from exact factors). */
export function pow2(e: number): number {
  let r = 1;
  let k = e;
  while (k >= 32) {
    r = r * P32;
    k = k - 32;
  }
  while (k <= -32) {
    r = r / P32;
    k = k + 32;
  }
  while (k > 0) {
    r = r * 2;
    k = k - 1;
  }
  while (k < 0) {
    r = r / 2;
    k = k + 1;
  }
  return r;
}

/** The 8 bytes of x, little-endian. */
export function float64Bytes(x: number): string {
  if (x !== x) return BYTE[0] + BYTE[0] + BYTE[0] + BYTE[0] + BYTE[0] + BYTE[0] + BYTE[0xf8] + BYTE[0x7f];
  let sign = 0;
  let a = x;
  if (x < 0 || (x === 0 && 1 / x < 0)) {
    sign = 1;
    a = -x;
  }
  let biased = 0;
  let mant = 0;
  if (a === Infinity) {
    biased = 2047;
  } else if (a !== 0) {
    // Normalise a into [1, 2): a = m * 2^e.
    let m = a;
    let e = 0;
    while (m >= P32) {
      m = m / P32;
      e = e + 32;
    }
    while (m >= 256) {
      m = m / 256;
      e = e + 8;
    }
    while (m >= 2) {
      m = m / 2;
      e = e + 1;
    }
    while (m < 1 / P32) {
      m = m * P32;
      e = e - 32;
    }
    while (m < 1 / 256) {
      m = m * 256;
      e = e - 8;
    }
    while (m < 1) {
      m = m * 2;
      e = e - 1;
    }
    if (e < -1022) {
      // Subnormal: the stored fraction is a / 2^-1074, a whole number below 2^52.
      mant = m * pow2(e + 1074);
    } else {
      biased = e + 1023;
      mant = (m - 1) * P52;
    }
  }
  const lo = mant - Math.floor(mant / P32) * P32;
  const hi = Math.floor(mant / P32); // below 2^20
  const b1 = Math.floor(lo / 256);
  const b2 = Math.floor(lo / 65536);
  const b3 = Math.floor(lo / 16777216);
  const h1 = Math.floor(hi / 256);
  const h2 = Math.floor(hi / 65536);
  const e16 = Math.floor(biased / 16);
  return (
    BYTE[lo - b1 * 256] +
    BYTE[b1 - b2 * 256] +
    BYTE[b2 - b3 * 256] +
    BYTE[b3] +
    BYTE[hi - h1 * 256] +
    BYTE[h1 - h2 * 256] +
    BYTE[h2 + (biased - e16 * 16) * 16] +
    BYTE[e16 + sign * 128]
  );
}

/** The double stored in 8 little-endian bytes of `s` from `pos` (the caller checked length). */
export function float64At(s: string, pos: number): number {
  const b6 = s.charCodeAt(pos + 6);
  const b7 = s.charCodeAt(pos + 7);
  const top = Math.floor(b6 / 16);
  const sign = b7 >= 128 ? -1 : 1;
  const biased = (b7 >= 128 ? b7 - 128 : b7) * 16 + top;
  const mant =
    s.charCodeAt(pos) +
    s.charCodeAt(pos + 1) * 256 +
    s.charCodeAt(pos + 2) * 65536 +
    s.charCodeAt(pos + 3) * 16777216 +
    (s.charCodeAt(pos + 4) + s.charCodeAt(pos + 5) * 256 + (b6 - top * 16) * 65536) * P32;
  if (biased === 2047) return mant === 0 ? sign * Infinity : 0 / 0;
  if (biased === 0) {
    // Subnormal (or zero): mant * 2^-1074 in two exact steps (2^-1074 itself underflows
    // nothing, but 2^-537 keeps the intermediate normal).
    return sign * ((mant * pow2(-537)) * pow2(-537));
  }
  return sign * (1 + mant / P52) * pow2(biased - 1023);
}
