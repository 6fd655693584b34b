// The shape and size a specification may have, checked before anything whose cost grows
// with its size (hashing, scope parsing, matching, validation): a hostile or broken client
// gets an exception naming the field, in time independent of what it sent.
import { ProbeError } from "../util/errors";
import { fmtNum } from "../util/num";
import { Statement } from "./statement";

export const MAX_PARAMETERS = 64;
export const MAX_RESULTS = 256;
export const MAX_METADATA = 64;
export const MAX_NAME_BYTES = 128;
export const MAX_VALUE_BYTES = 4096;
export const MAX_LABEL_BYTES = 256;
export const MAX_WHEN_BYTES = 512;

/** 32 hex digits, as mPlane writes tokens (either case). */
export function isToken(t: string): boolean {
  if (t.length !== 32) return false;
  for (let i = 0; i < 32; i++) {
    const c = t.charCodeAt(i);
    const hex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!hex) return false;
  }
  return true;
}

function tooLong(field: string, text: string, max: number): void {
  if (text.length > max) throw new ProbeError("ESPEC", "longer than " + fmtNum(max) + " bytes", field);
}

/** Values are named by their key (parameters: "content.url") or by "field.key" (metadata). */
function checkMap(field: string, m: { [name: string]: string }, maxEntries: number, prefixValues: boolean): void {
  const keys = Object.keys(m);
  if (keys.length > maxEntries) throw new ProbeError("ESPEC", "more than " + fmtNum(maxEntries) + " entries", field);
  for (const k of keys) {
    tooLong(field, k, MAX_NAME_BYTES);
    tooLong(prefixValues ? field + "." + k : k, m[k], MAX_VALUE_BYTES);
  }
}

/** Throws ESPEC naming the field when a statement is larger or otherwise other than mPlane allows here. */
export function checkSpecShape(spec: Statement): void {
  if (spec.token !== undefined && !isToken(spec.token)) throw new ProbeError("ESPEC", "not 32 hexadecimal digits", "token");
  if (spec.label !== undefined) tooLong("label", spec.label, MAX_LABEL_BYTES);
  if (spec.when !== undefined) tooLong("when", spec.when, MAX_WHEN_BYTES);
  tooLong("specification", spec.verb, MAX_NAME_BYTES);
  tooLong("registry", spec.registry, MAX_VALUE_BYTES);
  checkMap("parameters", spec.parameters, MAX_PARAMETERS, false);
  checkMap("metadata", spec.metadata, MAX_METADATA, true);
  if (spec.results.length > MAX_RESULTS) throw new ProbeError("ESPEC", "more than " + fmtNum(MAX_RESULTS) + " columns", "results");
  for (const r of spec.results) tooLong("results", r, MAX_NAME_BYTES);
}
