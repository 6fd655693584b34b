// Numbers written the same way on every runtime. Lua prints 1e15 as "1e+15" and 0.1+0.2
// as "0.3"; JS prints "1000000000000000" and "0.30000000000000004". Results and vectors
// must be byte-identical, so core never uses String(number) and formats digits itself.
import { ProbeError } from "./errors";

const DIGITS = "0123456789";
const MAX_EXACT = 9007199254740992; // 2^53

/** Digits of a non-negative integer below 2^53, without exponent notation. */
function intDigits(n: number): string {
  if (n < 1) return "0";
  let s = "";
  let v = n;
  let guard = 0;
  while (v >= 1 && guard < 20) {
    const d = v - Math.floor(v / 10) * 10;
    s = DIGITS.substring(d, d + 1) + s;
    v = Math.floor(v / 10);
    guard = guard + 1;
  }
  return s;
}

/**
 * Canonical decimal text: integers exactly (up to 2^53), other values rounded half away
 * from zero to at most `decimals` places (default 6) with trailing zeros removed. NaN and infinities have no
 * place in mPlane values and throw.
 */
export function fmtNum(n: number, decimals?: number): string {
  if (n !== n) throw new ProbeError("ENUMBER", "NaN cannot be written");
  if (n === Infinity || n === -Infinity) throw new ProbeError("ENUMBER", "infinity cannot be written");
  const neg = n < 0;
  const a = neg ? -n : n;
  // As many of the requested decimals as stay exact below 2^53 (a ms timestamp keeps 3).
  let places = decimals === undefined ? 6 : decimals;
  let scale = 1;
  for (let i = 0; i < places; i++) scale = scale * 10;
  while (places > 0 && a * scale >= MAX_EXACT) {
    places = places - 1;
    scale = scale / 10;
  }
  if (places === 0) {
    const r = a === Math.floor(a) ? a : Math.floor(a + 0.5);
    if (r > MAX_EXACT) throw new ProbeError("ENUMBER", "number too large to write exactly");
    return (neg && r > 0 ? "-" : "") + intDigits(r);
  }
  const scaled = Math.floor(a * scale + 0.5);
  const whole = Math.floor(scaled / scale);
  let frac = scaled - whole * scale;
  let fracText = "";
  if (frac > 0) {
    fracText = intDigits(frac);
    while (fracText.length < places) fracText = "0" + fracText;
    let end = fracText.length;
    while (end > 0 && fracText.substring(end - 1, end) === "0") end = end - 1;
    fracText = fracText.substring(0, end);
  }
  const body = intDigits(whole) + (fracText.length > 0 ? "." + fracText : "");
  return (neg && scaled > 0 ? "-" : "") + body;
}

/** Integer text for a value known to be whole (truncates toward zero). */
export function fmtInt(n: number): string {
  return fmtNum(n < 0 ? Math.ceil(n) : Math.floor(n), 0);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/**
 * Strict decimal reader: optional sign, digits, optional fraction, optional exponent.
 * Returns undefined for anything else (hex, spaces, "", "1.", ".5e"), where Number() and
 * Lua's tonumber disagree with each other.
 */
export function parseNum(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  if (i < n && (s.substring(i, i + 1) === "-" || s.substring(i, i + 1) === "+")) i = i + 1;
  const intStart = i;
  while (i < n && isDigit(s.substring(i, i + 1))) i = i + 1;
  let digits = i - intStart;
  if (i < n && s.substring(i, i + 1) === ".") {
    i = i + 1;
    const fs = i;
    while (i < n && isDigit(s.substring(i, i + 1))) i = i + 1;
    if (i === fs) return undefined;
    digits = digits + (i - fs);
  }
  if (digits === 0) return undefined;
  if (i < n && (s.substring(i, i + 1) === "e" || s.substring(i, i + 1) === "E")) {
    i = i + 1;
    if (i < n && (s.substring(i, i + 1) === "-" || s.substring(i, i + 1) === "+")) i = i + 1;
    const es = i;
    while (i < n && isDigit(s.substring(i, i + 1))) i = i + 1;
    if (i === es) return undefined;
  }
  if (i !== n) return undefined;
  // Number(), not parseFloat: TSTL's parseFloat ignores exponents ("1e5" -> 1).
  return Number(s);
}

/** parseNum restricted to whole non-negative numbers (mPlane "natural"). */
export function parseNatural(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) if (!isDigit(s.substring(i, i + 1))) return undefined;
  if (s.length === 0 || s.length > 15) return undefined;
  return Number(s);
}

/** Remainder with the sign of the divisor on every runtime (Lua's `%` already is). */
export function mod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

/** Integer division toward negative infinity. */
export function idiv(a: number, b: number): number {
  return Math.floor(a / b);
}
