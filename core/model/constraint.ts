// Parameter constraints as mPlane writes them: "*" (anything of the type), a range
// "a ... b" (inclusive, compared as numbers, addresses or times), or a set "a,b,c".
// A value must first be a valid value of its element's primitive type.
import { ProbeError } from "../util/errors";
import { addressOrderKey, canonicalAddress } from "../util/addr";
import { parseNatural, parseNum } from "../util/num";
import { parseTime } from "../util/time";
import { httpUrlProblem } from "../util/url";
import { Prim } from "./registry";

export type Constraint = { kind: "any" } | { kind: "range"; lo: string; hi: string } | { kind: "set"; values: string[] };

export function parseConstraint(text: string, prim: Prim): Constraint {
  const t = text.trim();
  if (t === "*" || t === "") return { kind: "any" };
  const r = t.indexOf(" ... ");
  if (r >= 0) {
    const lo = t.substring(0, r).trim();
    const hi = t.substring(r + 5).trim();
    if (orderKey(lo, prim) === undefined || orderKey(hi, prim) === undefined) {
      throw new ProbeError("ECONSTRAINT", "range '" + text + "' needs two " + prim + " values");
    }
    return { kind: "range", lo: lo, hi: hi };
  }
  const values: string[] = [];
  for (const v of t.split(",")) values.push(v.trim());
  return { kind: "set", values: values };
}

export function formatConstraint(c: Constraint): string {
  if (c.kind === "any") return "*";
  if (c.kind === "range") return c.lo + " ... " + c.hi;
  return c.values.join(",");
}

function orderKey(v: string, prim: Prim): number | string | undefined {
  if (prim === "natural") return parseNatural(v);
  if (prim === "real") return parseNum(v);
  if (prim === "address") return addressOrderKey(v);
  if (prim === "time") {
    try {
      return parseTime(v);
    } catch (e) {
      return undefined;
    }
  }
  return undefined;
}

/** Why `value` is not a valid `prim`, or undefined when it is. */
export function primProblem(value: string, prim: Prim): string | undefined {
  if (prim === "natural") return parseNatural(value) === undefined ? "not a natural number" : undefined;
  if (prim === "real") return parseNum(value) === undefined ? "not a number" : undefined;
  if (prim === "boolean") {
    return value === "True" || value === "False" || value === "true" || value === "false" ? undefined : "not a boolean";
  }
  if (prim === "address") return canonicalAddress(value) === undefined ? "not an address" : undefined;
  if (prim === "time") return orderKey(value, "time") === undefined ? "not a time" : undefined;
  // URLs the probe is handed are ones it fetches: http and https only (core/util/url).
  if (prim === "url") return httpUrlProblem(value);
  return undefined;
}

function sameValue(a: string, b: string, prim: Prim): boolean {
  if (prim === "natural" || prim === "real" || prim === "address" || prim === "time") {
    const ka = orderKey(a, prim);
    return ka !== undefined && ka === orderKey(b, prim);
  }
  return a === b;
}

/** Why `value` does not meet the constraint, or undefined when it does. */
export function constraintProblem(c: Constraint, value: string, prim: Prim): string | undefined {
  const p = primProblem(value, prim);
  if (p !== undefined) return p;
  if (c.kind === "any") return undefined;
  if (c.kind === "set") {
    for (const v of c.values) if (sameValue(v, value, prim)) return undefined;
    return "'" + value + "' is not one of " + c.values.join(",");
  }
  const k = orderKey(value, prim);
  const lo = orderKey(c.lo, prim);
  const hi = orderKey(c.hi, prim);
  if (k === undefined || lo === undefined || hi === undefined || typeof k !== typeof lo) {
    return "'" + value + "' cannot be compared with range " + c.lo + " ... " + c.hi;
  }
  if (k < lo || k > hi) return "'" + value + "' is outside " + c.lo + " ... " + c.hi;
  return undefined;
}
