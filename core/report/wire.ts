// Protobuf wire format by arithmetic: varints, 64-bit integers, doubles, length-delimited
// fields, and a bounds-checked reader. Numbers are doubles on every runtime, so 64-bit
// integers are limited to what a double holds exactly: uint64 0 ... 2^53, int64
// -2^53 ... 2^53. Anything outside is refused (ERANGE) rather than rounded.
//
// How a 64-bit varint is written with doubles only: a non-negative v (≤ 2^53) is cut into
// 7-bit groups by v - floor(v/128)*128 and floor(v/128), exact for integers in range.
// A negative v is sent as the unsigned 2^64 + v (two's complement, always 10 bytes), which
// no double holds exactly, so it is split first into two 32-bit halves that are exact:
//   lo = v - floor(v / 2^32) * 2^32            (0 ... 2^32-1)
//   hi = floor(v / 2^32) + 2^32                (v ≥ -2^53 makes this 2^32-2^21 ... 2^32-1)
// and the 10 groups are taken from them: groups 0-3 are bits 0-27 of lo; group 4 is lo's
// bits 28-31 plus hi's bits 0-2 (times 16); groups 5-8 are hi's bits 3-30; group 9 is hi's
// bit 31. Reading reverses this into (hi, lo) and then checks the range exactly.
import { ProbeError } from "../util/errors";
import { BYTE } from "./bytes";
import { float64At } from "./float64";

const P32 = 4294967296;
const P53 = 9007199254740992;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Why v cannot be sent as an integer in min ... 2^53 ([code, message]), or undefined. */
export function intProblem(v: number, min: number): string[] | undefined {
  if (v !== v || v !== Math.floor(v)) return ["EINVAL", "not a whole number"];
  if (v < min || v > P53) return ["ERANGE", "outside the exact range of a double (" + (min < 0 ? "-2^53 ... " : "0 ... ") + "2^53)"];
  return undefined;
}

function checkInt(v: number, min: number, field: string): void {
  const p = intProblem(v, min);
  if (p !== undefined) throw new ProbeError(p[0], p[1], field);
}

/** Varint of an unsigned integer 0 ... 2^53 (the caller checked the range). */
export function varint(v: number): string {
  if (v < 128) return BYTE[v];
  const parts: string[] = [];
  let x = v;
  while (x >= 128) {
    const q = Math.floor(x / 128);
    parts.push(BYTE[x - q * 128 + 128]);
    x = q;
  }
  parts.push(BYTE[x]);
  return parts.join("");
}

/** Varint of a uint64 field value; EINVAL/ERANGE naming `field` when it has none. */
export function uint64Varint(v: number, field: string): string {
  checkInt(v, 0, field);
  return varint(v);
}

/** Varint of an int64 field value (negative: 10 bytes of two's complement). */
export function int64Varint(v: number, field: string): string {
  checkInt(v, -P53, field);
  if (v >= 0) return varint(v);
  const q = Math.floor(v / P32);
  let lo = v - q * P32;
  let hi = q + P32;
  const parts: string[] = [];
  for (let k = 0; k < 4; k++) {
    const r = Math.floor(lo / 128);
    parts.push(BYTE[lo - r * 128 + 128]);
    lo = r;
  }
  // lo is now bits 28-31 (0 ... 15); hi's low three bits join it.
  const h = Math.floor(hi / 8);
  parts.push(BYTE[lo + (hi - h * 8) * 16 + 128]);
  hi = h;
  for (let k = 0; k < 4; k++) {
    const r = Math.floor(hi / 128);
    parts.push(BYTE[hi - r * 128 + 128]);
    hi = r;
  }
  parts.push(BYTE[hi]);
  return parts.join("");
}

/** Field key: field number and wire type. */
export function key(field: number, wire: number): string {
  return varint(field * 8 + wire);
}

/** A length-delimited field (string, bytes, sub-message) with its key. */
export function lenField(field: number, bytes: string): string {
  return varint(field * 8 + WIRE_BYTES) + varint(bytes.length) + bytes;
}

/**
 * Reads a protobuf message from a byte string. Every read checks the bounds: past the end
 * is ETRUNCATED, a malformed key or varint EPROTO, an integer beyond 2^53 ERANGE, each
 * naming the field path being read (`what`).
 */
export class PbReader {
  readonly s: string;
  pos: number;
  end: number;

  constructor(s: string, pos?: number, end?: number) {
    this.s = s;
    this.pos = pos === undefined ? 0 : pos;
    this.end = end === undefined ? s.length : end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as (hi, lo) 32-bit halves: [hi, lo]. */
  private varint64(what: string): number[] {
    let lo = 0;
    let hi = 0;
    let mul = 1;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.end) throw new ProbeError("ETRUNCATED", "input ends inside a varint", what);
      const b = this.s.charCodeAt(this.pos);
      this.pos = this.pos + 1;
      const g = b >= 128 ? b - 128 : b;
      if (k < 4) {
        lo = lo + g * mul;
        mul = mul * 128;
      } else if (k === 4) {
        const top = Math.floor(g / 16);
        lo = lo + (g - top * 16) * mul;
        hi = top;
        mul = 8;
      } else if (k < 9) {
        hi = hi + g * mul;
        mul = mul * 128;
      } else {
        if (g > 1) throw new ProbeError("EPROTO", "varint longer than 64 bits", what);
        hi = hi + g * mul;
      }
      if (b < 128) return [hi, lo];
    }
    throw new ProbeError("EPROTO", "varint longer than 10 bytes", what);
  }

  /** An unsigned varint 0 ... 2^53. */
  uint(what: string): number {
    if (this.pos < this.end) {
      const b = this.s.charCodeAt(this.pos);
      if (b < 128) {
        this.pos = this.pos + 1;
        return b;
      }
    }
    const v = this.varint64(what);
    if (v[0] > 2097152 || (v[0] === 2097152 && v[1] > 0)) throw new ProbeError("ERANGE", "integer above 2^53", what);
    return v[0] * P32 + v[1];
  }

  /** A signed int64 varint -2^53 ... 2^53. */
  int64(what: string): number {
    const v = this.varint64(what);
    if (v[0] < 2147483648) {
      if (v[0] > 2097152 || (v[0] === 2097152 && v[1] > 0)) throw new ProbeError("ERANGE", "integer above 2^53", what);
      return v[0] * P32 + v[1];
    }
    const hi = v[0] - P32;
    // hi * 2^32 + lo with 0 ≤ lo < 2^32: at least -2^53 exactly when hi ≥ -2^21.
    if (hi < -2097152) throw new ProbeError("ERANGE", "integer below -2^53", what);
    return hi * P32 + v[1];
  }

  bool(what: string): boolean {
    const v = this.varint64(what);
    return v[0] !== 0 || v[1] !== 0;
  }

  double(what: string): number {
    if (this.pos + 8 > this.end) throw new ProbeError("ETRUNCATED", "input ends inside a double", what);
    const v = float64At(this.s, this.pos);
    this.pos = this.pos + 8;
    return v;
  }

  /** Start and end offsets of a length-delimited field's contents (the reader moves past it). */
  span(what: string): number[] {
    const n = this.uint(what);
    const start = this.pos;
    if (n > this.end - start) throw new ProbeError("ETRUNCATED", "length-delimited field runs past the end", what);
    this.pos = start + n;
    return [start, start + n];
  }

  bytes(what: string): string {
    const sp = this.span(what);
    return this.s.substring(sp[0], sp[1]);
  }

  /** The next key as [field number, wire type]. */
  key(what: string): number[] {
    const k = this.uint(what);
    const field = Math.floor(k / 8);
    const wire = k - field * 8;
    if (field === 0) throw new ProbeError("EPROTO", "field number 0", what);
    return [field, wire];
  }

  /** Skips a field of an unknown number (deprecated groups included). */
  skip(wire: number, what: string, depth?: number): void {
    if (wire === WIRE_VARINT) {
      this.varint64(what);
    } else if (wire === WIRE_FIXED64) {
      if (this.pos + 8 > this.end) throw new ProbeError("ETRUNCATED", "input ends inside a fixed64 field", what);
      this.pos = this.pos + 8;
    } else if (wire === WIRE_BYTES) {
      this.span(what);
    } else if (wire === WIRE_FIXED32) {
      if (this.pos + 4 > this.end) throw new ProbeError("ETRUNCATED", "input ends inside a fixed32 field", what);
      this.pos = this.pos + 4;
    } else if (wire === WIRE_START_GROUP) {
      // Bounded by the input (every key takes a byte) and in depth (hostile nesting).
      const d = depth === undefined ? 1 : depth + 1;
      if (d > 32) throw new ProbeError("EPROTO", "groups nested deeper than 32", what);
      for (;;) {
        if (this.pos >= this.end) throw new ProbeError("ETRUNCATED", "input ends inside a group", what);
        const k = this.key(what);
        if (k[1] === WIRE_END_GROUP) return;
        this.skip(k[1], what, d);
      }
    } else {
      throw new ProbeError("EPROTO", "invalid wire type " + BYTE_DIGITS[wire], what);
    }
  }
}

const BYTE_DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7"];

/** EPROTO for a known field sent with the wrong wire type. */
export function wrongWire(wire: number, expected: number, what: string): ProbeError {
  return new ProbeError("EPROTO", "wire type " + BYTE_DIGITS[wire] + ", expected " + BYTE_DIGITS[expected], what);
}
