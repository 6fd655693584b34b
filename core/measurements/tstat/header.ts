// Tstat log headers and rows. A header names its columns (`#01#c_ip:1 c_port:2 ...`,
// `#c_ip:1 ...` for UDP, `#C#...`/`#S#...` TAB-separated for HTTP requests/responses); the
// set and order differ between Tstat versions and log levels, so fields are always found
// by name through the header, never by position.
import { parseNatural } from "../../util/num";

export interface LogHeader {
  /** The `#NN#` level of a TCP log ("00", "01", "11"...), the `#C#`/`#S#` kind of an HTTP one, or "". */
  tag: string;
  /** Column name → 0-based field index. */
  index: Map<string, number>;
  /** How many fields a row of this header has. */
  width: number;
  /** "\t" for TAB-separated logs (HTTP), " " otherwise. */
  sep: string;
}

function splitBlank(text: string, sep: string): string[] {
  const out: string[] = [];
  for (const p of text.split(sep)) {
    const t = p.trim();
    if (t.length > 0) out.push(t);
  }
  return out;
}

/** A header line, or undefined when the line is not one (rows never start with '#'). */
export function parseHeader(line: string): LogHeader | undefined {
  let text = line;
  if (text.length > 0 && text.substring(text.length - 1) === "\r") text = text.substring(0, text.length - 1);
  if (text.substring(0, 1) !== "#") return undefined;
  let body = text.substring(1);
  let tag = "";
  const second = body.indexOf("#");
  const colon = body.indexOf(":");
  if (second >= 0 && (colon < 0 || second < colon)) {
    tag = body.substring(0, second);
    body = body.substring(second + 1);
  }
  const sep = body.indexOf("\t") >= 0 ? "\t" : " ";
  const toks = sep === "\t" ? splitBlank(body, "\t") : splitBlank(body, " ");
  const index = new Map<string, number>();
  let width = 0;
  for (let pos = 0; pos < toks.length; pos++) {
    const tok = toks[pos];
    const c = tok.indexOf(":");
    const name = c >= 0 ? tok.substring(0, c) : tok;
    const num = c >= 0 ? parseNatural(tok.substring(c + 1)) : undefined;
    // The header states each column's 1-based place; fall back to the token's own place.
    const at = num !== undefined && num >= 1 ? num - 1 : pos;
    if (name.length > 0 && !index.has(name)) index.set(name, at);
    if (at + 1 > width) width = at + 1;
  }
  if (index.size === 0) return undefined;
  return { tag: tag, index: index, width: width, sep: sep };
}

/** The fields of a row, or undefined when its field count does not match the header. */
export function splitRow(line: string, h: LogHeader): string[] | undefined {
  let text = line;
  if (text.length > 0 && text.substring(text.length - 1) === "\r") text = text.substring(0, text.length - 1);
  if (text.length === 0) return undefined;
  const fields = text.split(h.sep);
  if (fields.length !== h.width) return undefined;
  return fields;
}

/** A field by column name ("" when the header has no such column). */
export function field(fields: string[], h: LogHeader, name: string): string | undefined {
  const i = h.index.get(name);
  if (i === undefined || i >= fields.length) return undefined;
  return fields[i];
}
