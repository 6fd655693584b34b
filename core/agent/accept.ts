// From a specification to what will run: the capability it asks for (by schema and scope,
// core/model/match.ts), its validated parameters and scope, and the one run it plans.
// Throws a ProbeError naming the field at fault; nothing has run yet when it does.
import { Offered, matchSpec } from "../model/match";
import { Registry } from "../model/registry";
import { Statement } from "../model/statement";
import { ValidSpec, validateSpec } from "../model/validate";
import { Run, schedule, whenSpan } from "../model/when";
import { ProbeError } from "../util/errors";

export interface Accepted {
  /** Index of the matched capability in the offers. */
  index: number;
  valid: ValidSpec;
  run: Run;
}

export function accept(
  spec: Statement,
  offers: Offered[],
  defaultsOf: (index: number) => { [name: string]: string } | undefined,
  registry: Registry,
  tzero: number,
): Accepted {
  if (spec.kind !== "specification") throw new ProbeError("ESPEC", "expected a specification, got a " + spec.kind);
  const index = matchSpec(spec, offers, tzero);
  const valid = validateSpec(spec, offers[index].cap, registry, tzero, defaultsOf(index));
  // A scope starting in the past passed validation only against a capability whose own
  // scope starts in the past (a query over data already recorded, e.g. Tstat logs): it
  // runs at once over the span it states.
  const span = whenSpan(valid.when, tzero);
  const runs = !valid.when.repeated && span.start !== undefined && span.start < tzero && span.end !== undefined
    ? [{ startMs: span.start, endMs: span.end }]
    : schedule(valid.when, tzero, 1);
  if (runs.length === 0) throw new ProbeError("ESPEC", "the scope has already ended", "when");
  const run = runs[0];
  if (run.endMs === undefined) {
    throw new ProbeError("ESPEC", "an open-ended scope runs until interrupted: give it an end (e.g. now + 30s / 1s)", "when");
  }
  if (valid.when.repeated) {
    throw new ProbeError("ESPEC", "repeated scopes are scheduled by the agent's scheduler, not by one run", "when");
  }
  return { index: index, valid: valid, run: run };
}
