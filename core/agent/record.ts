// One queue record, one line of a segment file:  R <seq> <adler32> <base64>\n
// Base64 keeps a line ASCII whatever the report's bytes, so its length in a string is its
// length on disk on every host, and a newline only ever ends a record.
import { SEXTET, adler32, base64Decode, base64Encode } from "../util/base64";
import { fmtNum, mod, parseNatural } from "../util/num";

export interface QueueRecord {
  seq: number;
  /** The report, a byte string. */
  data: string;
}

/** Most a single record may weigh (a report is a few hundred bytes to a few KB). */
export const MAX_RECORD_BYTES = 262144;

function hex8(n: number): string {
  const digits = "0123456789abcdef";
  let s = "";
  let v = n;
  for (let i = 0; i < 8; i++) {
    const d = v - Math.floor(v / 16) * 16;
    s = digits.charAt(d) + s;
    v = Math.floor(v / 16);
  }
  return s;
}

export function encodeRecord(seq: number, data: string): string {
  return "R " + fmtNum(seq) + " " + hex8(adler32(data)) + " " + base64Encode(data) + "\n";
}

/**
 * The length of encodeRecord(seq, data) from the length of `data`, without encoding it:
 * the memory store counts its bytes in record lines, as the file store does on disk.
 */
export function recordBytes(seq: number, dataLength: number): number {
  // "R " seq " " 8 hex digits " " base64 "\n"
  return 2 + fmtNum(seq).length + 1 + 8 + 1 + 4 * Math.ceil(dataLength / 3) + 1;
}

/** A record line (without its newline), or undefined when it is torn or altered. */
export function decodeRecord(line: string): QueueRecord | undefined {
  const parts = line.split(" ");
  if (parts.length !== 4 || parts[0] !== "R") return undefined;
  const seq = parseNatural(parts[1]);
  if (seq === undefined) return undefined;
  let data: string;
  try {
    data = base64Decode(parts[3]);
  } catch (e) {
    return undefined;
  }
  if (hex8(adler32(data)) !== parts[2]) return undefined;
  return { seq: seq, data: data };
}

/**
 * The sequence number of a record line that decodeRecord would accept, else undefined;
 * without building the report: the checksum runs over the base64 as it is decoded. Recovery
 * checks every waiting record this way, and on Lua a decoded report is a few hundred
 * short-lived strings.
 */
export function recordSeq(line: string): number | undefined {
  if (line.substring(0, 2) !== "R ") return undefined;
  const s1 = line.indexOf(" ", 2);
  if (s1 < 0) return undefined;
  const seq = parseNatural(line.substring(2, s1));
  if (seq === undefined) return undefined;
  const s2 = line.indexOf(" ", s1 + 1);
  if (s2 < 0 || line.indexOf(" ", s2 + 1) >= 0) return undefined;
  const sum = line.substring(s1 + 1, s2);
  const n = line.length;
  if (mod(n - s2 - 1, 4) !== 0) return undefined;
  // Adler-32 as util/base64's adler32; a byte is < 256, so one subtraction keeps a and b reduced.
  let a = 1;
  let b = 0;
  for (let i = s2 + 1; i < n; i += 4) {
    const c0 = line.charCodeAt(i);
    const c1 = line.charCodeAt(i + 1);
    const c2 = line.charCodeAt(i + 2);
    const c3 = line.charCodeAt(i + 3);
    const p2 = c2 === 61;
    const p3 = c3 === 61;
    if ((p2 || p3) && i + 4 !== n) return undefined;
    if (p2 && !p3) return undefined;
    const x0 = c0 < 128 ? SEXTET[c0] : -1;
    const x1 = c1 < 128 ? SEXTET[c1] : -1;
    const x2 = p2 ? 0 : c2 < 128 ? SEXTET[c2] : -1;
    const x3 = p3 ? 0 : c3 < 128 ? SEXTET[c3] : -1;
    if (x0 < 0 || x1 < 0 || x2 < 0 || x3 < 0) return undefined;
    const v = x0 * 262144 + x1 * 4096 + x2 * 64 + x3;
    const b0 = Math.floor(v / 65536);
    const r = v - b0 * 65536;
    const b1 = Math.floor(r / 256);
    a = a + b0;
    if (a >= 65521) a = a - 65521;
    b = b + a;
    if (b >= 65521) b = b - 65521;
    if (!p2) {
      a = a + b1;
      if (a >= 65521) a = a - 65521;
      b = b + a;
      if (b >= 65521) b = b - 65521;
    }
    if (!p3) {
      a = a + (r - b1 * 256);
      if (a >= 65521) a = a - 65521;
      b = b + a;
      if (b >= 65521) b = b - 65521;
    }
  }
  return hex8(b * 65536 + a) === sum ? seq : undefined;
}
