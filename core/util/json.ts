// JSON that means the same on every runtime. Lua 5.1 has no JSON, cannot hold nil in a
// table, and cannot tell an empty object from an empty array; so core reads and writes
// JSON itself: null is the JSON_NULL sentinel, object keys are written sorted, and an
// empty container is written as [] unless its key is declared an object.
import { ProbeError } from "./errors";
import { fmtNum, parseNum } from "./num";
import { codePointText } from "./text";

export interface JsonNull { readonly jsonNull: true }
export const JSON_NULL: JsonNull = { jsonNull: true };
export type JsonValue = string | number | boolean | JsonNull | JsonValue[] | JsonObject;
export interface JsonObject { [key: string]: JsonValue }

export interface ParseOptions { maxBytes?: number; maxDepth?: number }

/** Sets o[k] only when v is defined: Lua cannot hold undefined in a table. */
export function putDefined(o: JsonObject, k: string, v: JsonValue | undefined): void {
  if (v !== undefined) o[k] = v;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && v !== JSON_NULL && !Array.isArray(v);
}

function fail(at: number, why: string): never {
  throw new ProbeError("EJSON", "invalid JSON at byte " + fmtNum(at) + ": " + why);
}

class Reader {
  pos = 0;
  constructor(readonly s: string, readonly maxDepth: number) {}

  code(): number {
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
  }

  skipSpace(): void {
    let c = this.code();
    while (c === 32 || c === 9 || c === 10 || c === 13) {
      this.pos = this.pos + 1;
      c = this.code();
    }
  }

  expectWord(word: string, v: JsonValue): JsonValue {
    if (this.s.substring(this.pos, this.pos + word.length) !== word) fail(this.pos, "unexpected character");
    this.pos = this.pos + word.length;
    return v;
  }

  hex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.code();
      let d = -1;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      if (d < 0) fail(this.pos, "bad \\u escape");
      v = v * 16 + d;
      this.pos = this.pos + 1;
    }
    return v;
  }

  str(): string {
    this.pos = this.pos + 1;
    const parts: string[] = [];
    let runStart = this.pos;
    for (;;) {
      const c = this.code();
      if (c === -1) fail(this.pos, "unterminated string");
      if (c < 32) fail(this.pos, "control character in string");
      if (c === 34) {
        parts.push(this.s.substring(runStart, this.pos));
        this.pos = this.pos + 1;
        return parts.join("");
      }
      if (c === 92) {
        parts.push(this.s.substring(runStart, this.pos));
        this.pos = this.pos + 1;
        const e = this.code();
        this.pos = this.pos + 1;
        if (e === 34) parts.push("\"");
        else if (e === 92) parts.push("\\");
        else if (e === 47) parts.push("/");
        else if (e === 98) parts.push("\b");
        else if (e === 102) parts.push("\f");
        else if (e === 110) parts.push("\n");
        else if (e === 114) parts.push("\r");
        else if (e === 116) parts.push("\t");
        else if (e === 117) parts.push(this.unicode());
        else fail(this.pos - 1, "bad escape");
        runStart = this.pos;
      } else {
        this.pos = this.pos + 1;
      }
    }
  }

  unicode(): string {
    const u = this.hex4();
    if (u >= 0xd800 && u <= 0xdbff && this.s.substring(this.pos, this.pos + 2) === "\\u") {
      this.pos = this.pos + 2;
      const lo = this.hex4();
      if (lo >= 0xdc00 && lo <= 0xdfff) return codePointText(0x10000 + (u - 0xd800) * 1024 + (lo - 0xdc00));
      return codePointText(u) + codePointText(lo);
    }
    return codePointText(u);
  }

  num(): number {
    const start = this.pos;
    let c = this.code();
    while ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) {
      this.pos = this.pos + 1;
      c = this.code();
    }
    const text = this.s.substring(start, this.pos);
    const v = parseNum(text);
    if (v === undefined) fail(start, "bad number");
    const lead = text.substring(0, 1) === "-" ? 1 : 0;
    const c1 = text.charCodeAt(lead + 1);
    if (text.substring(lead, lead + 1) === "0" && c1 >= 48 && c1 <= 57) fail(start, "leading zero in number");
    if (text.substring(0, 1) === "+") fail(start, "bad number");
    return v;
  }

  value(depth: number): JsonValue {
    if (depth > this.maxDepth) fail(this.pos, "nested deeper than " + fmtNum(this.maxDepth));
    this.skipSpace();
    const c = this.code();
    if (c === 123) return this.obj(depth);
    if (c === 91) return this.arr(depth);
    if (c === 34) return this.str();
    if (c === 116) return this.expectWord("true", true);
    if (c === 102) return this.expectWord("false", false);
    if (c === 110) return this.expectWord("null", JSON_NULL);
    if (c === 45 || (c >= 48 && c <= 57)) return this.num();
    if (c === -1) fail(this.pos, "unexpected end");
    return fail(this.pos, "unexpected character");
  }

  arr(depth: number): JsonValue[] {
    this.pos = this.pos + 1;
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.code() === 93) {
      this.pos = this.pos + 1;
      return out;
    }
    for (;;) {
      const v = this.value(depth + 1);
      out.push(v);
      this.skipSpace();
      const c = this.code();
      this.pos = this.pos + 1;
      if (c === 93) return out;
      if (c !== 44) fail(this.pos - 1, "expected , or ]");
    }
  }

  obj(depth: number): JsonObject {
    this.pos = this.pos + 1;
    const out: JsonObject = {};
    this.skipSpace();
    if (this.code() === 125) {
      this.pos = this.pos + 1;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.code() !== 34) fail(this.pos, "expected a key");
      const k = this.str();
      this.skipSpace();
      if (this.code() !== 58) fail(this.pos, "expected :");
      this.pos = this.pos + 1;
      out[k] = this.value(depth + 1);
      this.skipSpace();
      const c = this.code();
      this.pos = this.pos + 1;
      if (c === 125) return out;
      if (c !== 44) fail(this.pos - 1, "expected , or }");
    }
  }
}

export function parseJson(text: string, opts?: ParseOptions): JsonValue {
  const maxBytes = opts !== undefined && opts.maxBytes !== undefined ? opts.maxBytes : 4194304;
  if (text.length > maxBytes) throw new ProbeError("ETOOBIG", "JSON larger than " + fmtNum(maxBytes) + " bytes");
  const r = new Reader(text, opts !== undefined && opts.maxDepth !== undefined ? opts.maxDepth : 64);
  const v = r.value(0);
  r.skipSpace();
  if (r.pos !== text.length) fail(r.pos, "trailing characters");
  return v;
}

const ESCAPES: { [c: number]: string } = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: "\\\"", 92: "\\\\" };
const HEX = "0123456789abcdef";

export function quoteJson(s: string): string {
  const parts: string[] = [];
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92) {
      parts.push(s.substring(runStart, i));
      const e = ESCAPES[c];
      if (e !== undefined) parts.push(e);
      else {
        const hi = Math.floor(c / 16);
        parts.push("\\u00" + HEX.substring(hi, hi + 1) + HEX.substring(c - hi * 16, c - hi * 16 + 1));
      }
      runStart = i + 1;
    }
  }
  parts.push(s.substring(runStart));
  return "\"" + parts.join("") + "\"";
}

export interface WriteOptions {
  /** Keys whose value is an object even when empty (written {} rather than []). */
  objectKeys?: string[];
  /** Pretty-print with this many spaces; omitted = compact. */
  indent?: number;
}

function sortedKeys(o: JsonObject): string[] {
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys;
}

function write(v: JsonValue, key: string, objectKeys: string[], indent: number, pad: string, out: string[]): void {
  if (typeof v === "string") {
    out.push(quoteJson(v));
    return;
  }
  if (typeof v === "number") {
    out.push(fmtNum(v));
    return;
  }
  if (typeof v === "boolean") {
    out.push(v ? "true" : "false");
    return;
  }
  if (v === JSON_NULL) {
    out.push("null");
    return;
  }
  const nl = indent > 0 ? "\n" : "";
  let inner = pad;
  for (let i = 0; i < indent; i++) inner = inner + " ";
  const colon = indent > 0 ? ": " : ":";
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(objectKeys.indexOf(key) >= 0 ? "{}" : "[]");
      return;
    }
    out.push("[" + nl);
    for (let i = 0; i < v.length; i++) {
      out.push(inner);
      write(v[i], "", objectKeys, indent, inner, out);
      out.push(i + 1 < v.length ? "," + nl : nl);
    }
    out.push(pad + "]");
    return;
  }
  const o = v as JsonObject;
  const keys = sortedKeys(o);
  if (keys.length === 0) {
    out.push(objectKeys.indexOf(key) >= 0 ? "{}" : "[]");
    return;
  }
  out.push("{" + nl);
  for (let i = 0; i < keys.length; i++) {
    out.push(inner + quoteJson(keys[i]) + colon);
    write(o[keys[i]], keys[i], objectKeys, indent, inner, out);
    out.push(i + 1 < keys.length ? "," + nl : nl);
  }
  out.push(pad + "}");
}

/** Canonical JSON text: sorted keys, canonical numbers, undefined members left out. */
export function writeJson(v: JsonValue, opts?: WriteOptions): string {
  const out: string[] = [];
  const objectKeys = opts !== undefined && opts.objectKeys !== undefined ? opts.objectKeys : [];
  write(v, "", objectKeys, opts !== undefined && opts.indent !== undefined ? opts.indent : 0, "", out);
  return out.join("");
}
