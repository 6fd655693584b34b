// Which capability a specification asks for: by schema and scope, as the mPlane protocol
// matches them (the RI's Specification.fulfills: verb, parameter names and result column
// names, then the temporal scope inside the capability's). Labels are never identifiers —
// mPlane clients rename them (the RI's client sends "traceroute-ip4-0") — so a label only
// picks among capabilities the schema leaves equal.
//
// miniprobe's two conveniences widen the schema test, and the rule stays unambiguous:
//  - a specification may leave out a parameter the capability can fill in (a declared
//    default, or a constraint with a single value);
//  - it may ask for a subset of the capability's result columns (empty = all of them); the
//    result then has exactly the columns asked for.
// Among the capabilities a specification fits (schema and scope), the one its label names
// (exactly, or as "<label>-N") is taken: the label picks among those the schema allows,
// never outside them. Without such a label the closest wins: first those whose parameter
// names and result columns it names exactly (the RI's own schema equality), then those whose
// parameter names it names exactly, then the rest; several equally close are an exception
// naming `label`. When nothing fits and the label names a capability, that one is returned,
// so that validating against it tells the client exactly which field is wrong.
// Every capability a device offers has a distinct schema (tests/model/schema.test.ts), so a
// specification a client builds from a capability always finds that capability.
import { ProbeError } from "../util/errors";
import { Statement } from "./statement";
import { When, parseWhen, whenMismatch } from "./when";

export interface Offered {
  cap: Statement;
  /** Parameters the capability fills in when a specification leaves them out. */
  fillable: string[];
}

/** Parameters that may be left out: declared defaults, and single-valued constraints. */
export function fillableOf(cap: Statement, defaults?: { [name: string]: string }): string[] {
  const out: string[] = [];
  for (const name of Object.keys(cap.parameters)) {
    const c = cap.parameters[name];
    const single = c !== "*" && c.indexOf(",") < 0 && c.indexOf("...") < 0;
    if (single || (defaults !== undefined && defaults[name] !== undefined)) out.push(name);
  }
  return out;
}

/** True when `label` is `capLabel` itself or `capLabel-N` (N digits: the RI client's renaming). */
export function labelNames(label: string | undefined, capLabel: string | undefined): boolean {
  if (label === undefined || capLabel === undefined) return false;
  if (label === capLabel) return true;
  if (label.length <= capLabel.length + 1 || label.substring(0, capLabel.length + 1) !== capLabel + "-") return false;
  for (let i = capLabel.length + 1; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

interface Candidate {
  index: number;
  /** 0: parameters and results named exactly; 1: parameters exactly; 2: filled in / subset. */
  tier: number;
}

function schemaTier(spec: Statement, o: Offered): number {
  const cap = o.cap;
  if (cap.verb !== spec.verb) return -1;
  const specNames = Object.keys(spec.parameters);
  for (const n of specNames) if (cap.parameters[n] === undefined) return -1;
  let missing = 0;
  for (const n of Object.keys(cap.parameters)) {
    if (spec.parameters[n] === undefined) {
      if (o.fillable.indexOf(n) < 0) return -1;
      missing = missing + 1;
    }
  }
  const asked: string[] = [];
  for (const r of spec.results) {
    if (cap.results.indexOf(r) < 0) return -1;
    if (asked.indexOf(r) < 0) asked.push(r);
  }
  if (missing > 0) return 2;
  return asked.length === cap.results.length ? 0 : 1;
}

function labelsOf(offers: Offered[], cs: Candidate[]): string {
  const names: string[] = [];
  for (const c of cs) {
    const l = offers[c.index].cap.label;
    names.push(l !== undefined ? l : "?");
  }
  return names.join(", ");
}

function pickByLabel(spec: Statement, offers: Offered[], cs: Candidate[]): number | undefined {
  let found: number | undefined;
  for (const c of cs) {
    if (labelNames(spec.label, offers[c.index].cap.label)) {
      if (found !== undefined) return undefined;
      found = c.index;
    }
  }
  return found;
}

/**
 * The index of the capability `spec` asks for. When none fits but the label names one, that
 * one (so validation can say exactly what is wrong with it); otherwise a ProbeError naming
 * the field at fault.
 */
export function matchSpec(spec: Statement, offers: Offered[], tzero: number): number {
  if (spec.when === undefined) throw new ProbeError("ESPEC", "missing", "when");
  const w: When = parseWhen(spec.when);
  const schema: Candidate[] = [];
  for (let i = 0; i < offers.length; i++) {
    const tier = schemaTier(spec, offers[i]);
    if (tier >= 0) schema.push({ index: i, tier: tier });
  }
  const all: Candidate[] = [];
  for (let i = 0; i < offers.length; i++) all.push({ index: i, tier: 2 });
  if (schema.length === 0) {
    const named = pickByLabel(spec, offers, all);
    if (named !== undefined) return named;
    throw new ProbeError("ENOCAP", "no capability of this device has this schema (verb, parameter names, result columns)", "specification");
  }
  const scoped: Candidate[] = [];
  for (const c of schema) {
    const capWhen = offers[c.index].cap.when;
    if (whenMismatch(w, parseWhen(capWhen !== undefined ? capWhen : "now ... future"), tzero) === undefined) scoped.push(c);
  }
  if (scoped.length === 0) {
    // The schema fits but the scope does not: validation of the named (or only) one says why.
    const named = pickByLabel(spec, offers, schema);
    if (named !== undefined) return named;
    if (schema.length === 1) return schema[0].index;
    throw new ProbeError("ESPEC", "'" + spec.when + "' is outside the scope of every capability with this schema (" + labelsOf(offers, schema) + ")", "when");
  }
  if (scoped.length === 1) return scoped[0].index;
  // The label is the client's word for which of the capabilities it fits it means.
  const labelled = pickByLabel(spec, offers, scoped);
  if (labelled !== undefined) return labelled;
  let best = 2;
  for (const c of scoped) if (c.tier < best) best = c.tier;
  const closest: Candidate[] = [];
  for (const c of scoped) if (c.tier === best) closest.push(c);
  if (closest.length === 1) return closest[0].index;
  // A label naming a capability the specification does not fit: validation says why.
  const pick = pickByLabel(spec, offers, all);
  if (pick !== undefined) return pick;
  throw new ProbeError(
    "ESPEC",
    "fits " + labelsOf(offers, closest) + " alike: give the label of the one meant, or every parameter and result column of its schema",
    "label",
  );
}
