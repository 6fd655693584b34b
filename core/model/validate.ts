// Is a specification a valid instance of a capability? Decides as the mPlane reference
// implementation does (with its known bugs corrected, see shared/fixtures/mplane), and
// says which field is wrong and why.
import { ProbeError } from "../util/errors";
import { constraintProblem, parseConstraint } from "./constraint";
import { Registry } from "./registry";
import { Statement } from "./statement";
import { When, parseWhen, whenMismatch } from "./when";

export interface ValidSpec {
  spec: Statement;
  when: When;
}

/**
 * Returns the specification with single-valued parameters filled in from the capability
 * (and left-out ones from `defaults`), and its parsed scope; throws a ProbeError naming the offending field otherwise.
 */
export function validateSpec(
  spec: Statement,
  cap: Statement,
  registry: Registry,
  tzero: number,
  defaults?: { [name: string]: string },
): ValidSpec {
  if (spec.kind !== "specification") throw new ProbeError("ESPEC", "expected a specification, got a " + spec.kind);
  if (spec.verb !== cap.verb) throw new ProbeError("ESPEC", "verb '" + spec.verb + "' does not match the capability's '" + cap.verb + "'", "specification");
  const params: { [name: string]: string } = {};
  for (const name of Object.keys(spec.parameters)) {
    if (cap.parameters[name] === undefined) throw new ProbeError("ESPEC", "not a parameter of capability " + (cap.label !== undefined ? cap.label : ""), name);
  }
  const names = Object.keys(cap.parameters);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const prim = registry.prim(name);
    if (prim === undefined) throw new ProbeError("EREGISTRY", "element not in the registry", name);
    const c = parseConstraint(cap.parameters[name], prim);
    let value = spec.parameters[name];
    if (value === undefined && c.kind === "set" && c.values.length === 1) value = c.values[0];
    if (value === undefined && defaults !== undefined) value = defaults[name];
    if (value === undefined) throw new ProbeError("ESPEC", "missing (constraint " + cap.parameters[name] + ")", name);
    const why = constraintProblem(c, value, prim);
    if (why !== undefined) throw new ProbeError("ESPEC", why, name);
    params[name] = value;
  }
  for (const r of spec.results) {
    if (cap.results.indexOf(r) < 0) throw new ProbeError("ESPEC", "'" + r + "' is not a result column of the capability", "results");
  }
  if (spec.when === undefined) throw new ProbeError("ESPEC", "missing", "when");
  const w = parseWhen(spec.when);
  const capWhen = parseWhen(cap.when !== undefined ? cap.when : "now ... future");
  const why = whenMismatch(w, capWhen, tzero);
  if (why !== undefined) throw new ProbeError("ESPEC", "'" + spec.when + "' does not fit '" + (cap.when as string) + "': " + why, "when");
  const out: Statement = {
    kind: "specification", verb: spec.verb, version: 1, registry: cap.registry, parameters: params,
    metadata: spec.metadata, results: spec.results.length > 0 ? spec.results.slice() : cap.results.slice(),
    when: spec.when,
  };
  if (spec.label !== undefined) out.label = spec.label;
  else if (cap.label !== undefined) out.label = cap.label;
  if (spec.token !== undefined) out.token = spec.token;
  return { spec: out, when: w };
}
