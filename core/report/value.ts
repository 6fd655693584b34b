// A typed cell of a report (report.proto's Value) and how a measurement's Cell becomes one.
import { Cell, NONE } from "../measurements/types";
import { Prim } from "../model/registry";
import { ProbeError } from "../util/errors";
import { parseNum } from "../util/num";

/**
 * One value of a row. `absent` is mPlane's "*" (a Value message with nothing set).
 * Numbers: natural is a whole number 0 ... 2^53; time is ms since the epoch (fractions
 * kept); real is any double (NaN and ±Infinity included).
 */
export type Value =
  | { kind: "string"; value: string }
  | { kind: "address"; value: string }
  | { kind: "url"; value: string }
  | { kind: "natural"; value: number }
  | { kind: "real"; value: number }
  | { kind: "time"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "absent" };

export type TextKind = "string" | "address" | "url";
export type NumberKind = "natural" | "real" | "time";

export const ABSENT: Value = { kind: "absent" };

/**
 * The Value of a result cell in a column of registry type `prim`: NONE ("*") is absent,
 * numbers given as text are read strictly. EINVAL naming `column` when the cell does not
 * fit its type (a natural that is negative or fractional, a boolean that is not one).
 */
export function cellValue(prim: Prim, cell: Cell, column: string): Value {
  if (cell === NONE) return ABSENT;
  if (prim === "string" || prim === "address" || prim === "url") {
    if (typeof cell !== "string") throw new ProbeError("EINVAL", "expected text", column);
    return { kind: prim, value: cell } as Value;
  }
  if (prim === "boolean") {
    if (typeof cell === "boolean") return { kind: "boolean", value: cell };
    if (cell === "true" || cell === "True" || cell === "1") return { kind: "boolean", value: true };
    if (cell === "false" || cell === "False" || cell === "0") return { kind: "boolean", value: false };
    throw new ProbeError("EINVAL", "expected a boolean", column);
  }
  let n: number | undefined;
  if (typeof cell === "number") n = cell;
  else if (typeof cell === "string") n = parseNum(cell);
  if (n === undefined) throw new ProbeError("EINVAL", "expected a number", column);
  if (prim === "natural") {
    if (n !== Math.floor(n) || n < 0 || n > 9007199254740992) throw new ProbeError("EINVAL", "expected a whole number 0 ... 2^53", column);
    return { kind: "natural", value: n };
  }
  return { kind: prim, value: n } as Value;
}
