// One queue record, one line of a segment file:  R <seq> <adler32> <base64>\n
// Base64 keeps a line ASCII whatever the report's bytes, so its length in a string is its
// length on disk on every host, and a newline only ever ends a record.
import { adler32, base64Decode, base64Encode } from "../util/base64";
import { fmtNum, parseNatural } from "../util/num";

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
