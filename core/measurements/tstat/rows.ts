// One Tstat row → the cells of a capability's columns, through the row's own header.
import { Cell, NONE } from "../types";
import { parseNum } from "../../util/num";
import { Col, HTTP_KIND } from "./columns";
import { LogHeader, field } from "./header";

function num(text: string): number | undefined {
  return parseNum(text);
}

/** Cells of one column (two for an address: its ip4 and ip6 cells). */
function cells(col: Col, text: string | undefined, out: Cell[]): void {
  if (col.conv === "addr") {
    // Tstat writes addresses with inet_ntop: already canonical, the family shows in ':'.
    const ok = text !== undefined && text !== "-" && text.length > 0;
    const v6 = ok && (text as string).indexOf(":") >= 0;
    out.push(ok && !v6 ? (text as string) : NONE);
    out.push(ok && v6 ? (text as string) : NONE);
    return;
  }
  if (text === undefined) {
    out.push(NONE);
    return;
  }
  const conv = col.conv;
  if (conv === "str") {
    out.push(text === "-" || text.length === 0 ? NONE : text);
    return;
  }
  if (conv === "bool") {
    out.push(text === "1" ? true : text === "0" ? false : NONE);
    return;
  }
  const v = num(text);
  if (v === undefined) {
    out.push(NONE);
    return;
  }
  if (conv === "ts") out.push(v * 1000);
  else if (conv === "ms2us") out.push(Math.floor(v * 1000 + 0.5));
  else if (conv === "s2us") out.push(Math.floor(v * 1000000 + 0.5));
  else out.push(v);
}

/** The row's cells for `cols`; a column the header lacks is NONE. */
export function rowCells(fields: string[], h: LogHeader, cols: Col[], withKind: boolean): Cell[] {
  const out: Cell[] = [];
  if (withKind) out.push(h.tag === "S" ? "response" : h.tag === "C" ? "request" : NONE);
  for (const col of cols) cells(col, field(fields, h, col.field), out);
  return out;
}

/** The row's time in ms since the epoch (its `timeField`, scaled), or undefined. */
export function rowTime(fields: string[], h: LogHeader, timeField: string, scale: number): number | undefined {
  const t = field(fields, h, timeField);
  if (t === undefined) return undefined;
  const v = num(t);
  return v === undefined ? undefined : v * scale;
}

export { HTTP_KIND };
