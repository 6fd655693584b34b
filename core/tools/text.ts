// Text helpers shared by the ping and traceroute parsers. No regular expressions (Lua 5.1
// has none through TSTL), no float arithmetic on tool text: decimals are read digit by
// digit into integers so every runtime produces the same numbers.
import { ProbeError } from "../util/errors";
import { fmtNum, parseNatural } from "../util/num";

/** Largest tool output a parser accepts (bytes). */
export const MAX_TEXT_BYTES = 4194304;
/** Most lines a parser looks at. */
export const MAX_LINES = 100000;
/** Longest text line looked at; longer lines are ignored (JSON lines have their own bound). */
export const MAX_LINE_BYTES = 4096;
/** Longest scamper JSON line parsed. */
export const MAX_JSON_LINE_BYTES = 1048576;

/**
 * Lines of `text` with "\r" removed; lines longer than `maxLineBytes` become "" (ignored).
 * Throws ETOOBIG for more than MAX_TEXT_BYTES bytes or MAX_LINES lines.
 */
export function splitLines(text: string, maxLineBytes?: number): string[] {
  if (text.length > MAX_TEXT_BYTES) {
    throw new ProbeError("ETOOBIG", "tool output larger than " + fmtNum(MAX_TEXT_BYTES) + " bytes");
  }
  const limit = maxLineBytes !== undefined ? maxLineBytes : MAX_LINE_BYTES;
  const raw = text.split("\n");
  if (raw.length > MAX_LINES) throw new ProbeError("ETOOBIG", "tool output longer than " + fmtNum(MAX_LINES) + " lines");
  const out: string[] = [];
  for (const r of raw) {
    let line = r;
    if (line.length > limit) line = "";
    else if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.substring(0, line.length - 1);
    out.push(line);
  }
  return out;
}

/** True when the text holds nothing but white space. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** Words separated by spaces or tabs, empty words dropped. */
export function words(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (space) {
      if (start >= 0) out.push(line.substring(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(line.substring(start));
  return out;
}

export function startsWith(s: string, prefix: string): boolean {
  return s.length >= prefix.length && s.substring(0, prefix.length) === prefix;
}

export function endsWith(s: string, suffix: string): boolean {
  return s.length >= suffix.length && s.substring(s.length - suffix.length) === suffix;
}

/** Index of the last occurrence of `needle` (strings have no lastIndexOf on Lua). */
export function lastIndex(s: string, needle: string): number {
  let at = -1;
  let from = 0;
  for (;;) {
    const i = s.indexOf(needle, from);
    if (i < 0) return at;
    at = i;
    from = i + 1;
  }
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Decimal text ("10.432", "-0.5", "41") times 10^places as an integer, by digits: digits
 * beyond `places` round half away from zero on the first dropped digit. Undefined for
 * anything else (exponents, spaces, "", "1.", ".5") and for results of 2^53 or more.
 */
export function decimalToInt(text: string, places: number): number | undefined {
  let i = 0;
  let neg = false;
  if (text.length > 0 && (text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43)) {
    neg = text.charCodeAt(0) === 45;
    i = 1;
  }
  const intStart = i;
  while (i < text.length && isDigitCode(text.charCodeAt(i))) i = i + 1;
  const intDigits = text.substring(intStart, i);
  let frac = "";
  if (i < text.length && text.charCodeAt(i) === 46) {
    i = i + 1;
    const fs = i;
    while (i < text.length && isDigitCode(text.charCodeAt(i))) i = i + 1;
    if (i === fs) return undefined;
    frac = text.substring(fs, i);
  }
  if (i !== text.length || intDigits.length === 0) return undefined;
  let kept = frac.substring(0, places);
  while (kept.length < places) kept = kept + "0";
  const digits = intDigits + kept;
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start = start + 1;
  if (digits.length - start > 16) return undefined;
  let v = 0;
  for (let k = start; k < digits.length; k++) v = v * 10 + (digits.charCodeAt(k) - 48);
  if (frac.length > places && frac.charCodeAt(places) >= 53) v = v + 1;
  if (v > 9007199254740991) return undefined;
  if (neg && v !== 0) return -v;
  return v;
}

/** Milliseconds as printed ("10.432") to integer microseconds (10432). */
export function msTextToUs(text: string): number | undefined {
  return decimalToInt(text, 3);
}

/** A millisecond number read from JSON to integer microseconds, via its 3-decimal text. */
export function msNumToUs(n: number): number | undefined {
  if (n !== n || n === Infinity || n === -Infinity) return undefined;
  return decimalToInt(fmtNum(n, 3), 3);
}

/** Whole non-negative number text ("61") or undefined. */
export function natural(text: string): number | undefined {
  return parseNatural(text);
}

/** Text after `key` up to the next space or end: valueAfter("ttl=61 time", "ttl=") = "61". */
export function valueAfter(line: string, key: string): string | undefined {
  const i = line.indexOf(key);
  if (i < 0) return undefined;
  const from = i + key.length;
  let end = from;
  while (end < line.length && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end = end + 1;
  return line.substring(from, end);
}

/** Dotted IPv4 literal (four decimal parts 0..255). */
export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return false;
    const v = parseNatural(p);
    if (v === undefined || v > 255) return false;
  }
  return true;
}

/** IPv6 literal shape: hex groups and colons (optionally an embedded IPv4 and a %zone). */
export function isIPv6(s: string): boolean {
  let body = s;
  const pct = s.indexOf("%");
  if (pct >= 0) body = s.substring(0, pct);
  if (body.indexOf(":") < 0 || body.length < 2 || body.length > 45) return false;
  let colons = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const hex = isDigitCode(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (c === 58) colons = colons + 1;
    else if (!hex && c !== 46) return false;
  }
  return colons >= 2 && colons <= 7;
}

export function isAddr(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/**
 * "name (addr)" or "addr" as printed by ping/traceroute. A name equal to the address
 * (no reverse name) is dropped.
 */
export function splitNameAddr(text: string): { addr: string; name?: string } {
  const t = text.trim();
  const open = t.indexOf("(");
  if (open >= 0) {
    const close = t.indexOf(")", open);
    const addr = t.substring(open + 1, close > open ? close : t.length).trim();
    const name = t.substring(0, open).trim();
    if (name === "" || name === addr) return { addr: addr };
    return { addr: addr, name: name };
  }
  return { addr: t };
}

/**
 * For "head(inner (x)) tail": the text inside the first balanced parentheses and the index
 * just after its closing parenthesis, or undefined when unbalanced.
 */
export function balancedParens(s: string, from: number): { inner: string; open: number; end: number } | undefined {
  const open = s.indexOf("(", from);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40) depth = depth + 1;
    else if (c === 41) {
      depth = depth - 1;
      if (depth === 0) return { inner: s.substring(open + 1, i), open: open, end: i + 1 };
    }
  }
  return undefined;
}

/** Leading decimal digits of `s` (after spaces) as a number, or undefined. */
export function leadingNatural(s: string): number | undefined {
  const t = s.trim();
  let i = 0;
  while (i < t.length && isDigitCode(t.charCodeAt(i))) i = i + 1;
  if (i === 0) return undefined;
  return parseNatural(t.substring(0, i));
}

/** Round-half-up integer division of non-negative integers (exact below 2^53). */
export function divRound(num: number, den: number): number {
  return Math.floor((2 * num + den) / (2 * den));
}
