// Control of probes: specifications and interrupts go to <prefix>/<probe>/spec as mPlane
// JSON at QoS 1, and every one is kept in the database first. A probe that is offline
// gets its specification from its persistent broker session when it returns (external
// broker with clean:false sessions), and in any case the collector resends specifications
// the probe has not answered (no receipt, no exception) each time its status turns online
// — same token, so the probe recognises a repeat.
import { Message, Statement, contentToken, readMessage, writeMessage } from "../../core/model/statement.ts";
import { parseJson } from "../../core/util/json.ts";
import { parseConstraint, constraintProblem } from "../../core/model/constraint.ts";
import { parseWhen, whenSpan, When } from "../../core/model/when.ts";
import { Registry } from "../../core/model/registry.ts";
import { Broker } from "./broker/broker.ts";
import { schemaOf } from "./report.ts";
import { SpecRow, Store } from "./store/store.ts";
import { topicOf } from "./topics.ts";

export class ControlError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) {
    super(field !== undefined ? field + ": " + message : message);
  }
}

export interface SpecRequest {
  probe: string;
  /** A capability label, or a schema as /api/probes/:id lists it. */
  capability: string;
  parameters: Record<string, string>;
  when?: string;
  results?: string[];
}

/** The capabilities a probe published, from its stored envelope. */
export function capabilitiesOf(json: string | null): Statement[] {
  if (json === null) return [];
  let m: Message;
  try {
    m = readMessage(parseJson(json));
  } catch {
    return [];
  }
  const list = m.kind === "envelope" ? m.contents : [m];
  return list.filter((c): c is Statement => c.kind === "capability");
}

export function capabilitySchema(c: Statement): string {
  return schemaOf(c.verb, Object.keys(c.parameters), c.results);
}

/** A scope for a capability when the client gives none: one short run. */
export function defaultWhen(cap: Statement): string {
  const w = parseWhen(cap.when ?? "now ... future");
  if (w.periodMs !== undefined) return "now + 3s / " + Math.max(1, Math.ceil(w.periodMs / 1000)) + "s";
  return "now";
}

/**
 * How often a specification yields a report, or null for one report: a repeated scope
 * (`repeat … / 1h`, or cron) reports once per repetition, an open-ended periodic scope
 * (`now ... future / 10s`) once per period; anything else runs once (its period paces
 * the measurement inside that one run, e.g. one ping per second for `now + 3s / 1s`).
 */
export function reportPeriodMs(w: When, end: number | undefined): number | null {
  if (w.repeated) return w.periodMs ?? (w.cron !== undefined ? 60000 : null);
  if (end === undefined && w.periodMs !== undefined) return w.periodMs;
  return null;
}

export class Control {
  constructor(
    readonly store: Store,
    readonly broker: Broker,
    readonly prefix: string,
    readonly registry: Registry,
  ) {}

  async submit(req: SpecRequest, now = Date.now()): Promise<SpecRow> {
    const probe = await this.store.probe(req.probe);
    if (probe === undefined) throw new ControlError(404, "no such probe", "probe");
    const caps = capabilitiesOf(probe.capabilities_json);
    if (caps.length === 0) throw new ControlError(409, "the probe has not published its capabilities yet", "probe");
    const cap = caps.find((c) => c.label === req.capability) ?? caps.find((c) => capabilitySchema(c) === req.capability);
    if (cap === undefined) {
      throw new ControlError(400, `no capability '${req.capability}' on ${req.probe} (has: ${caps.map((c) => c.label).join(", ")})`, "capability");
    }
    for (const [name, value] of Object.entries(req.parameters)) {
      const constraint = cap.parameters[name];
      if (constraint === undefined) throw new ControlError(400, "not a parameter of " + cap.label, name);
      const prim = this.registry.prim(name);
      if (prim === undefined) continue; // the probe's own element: the probe checks it
      const why = constraintProblem(parseConstraint(constraint, prim), value, prim);
      if (why !== undefined) throw new ControlError(400, why, name);
    }
    const whenText = req.when ?? defaultWhen(cap);
    let w: When;
    try {
      w = parseWhen(whenText);
    } catch (e) {
      throw new ControlError(400, (e as Error).message.replace(/^when: /, ""), "when");
    }
    for (const r of req.results ?? []) if (!cap.results.includes(r)) throw new ControlError(400, `'${r}' is not a result column of ${cap.label}`, "results");
    const spec: Statement = {
      kind: "specification", verb: cap.verb, version: 1, registry: cap.registry, label: cap.label, when: whenText,
      // The creation time makes the token unique: the same request sent twice is two runs.
      parameters: { ...req.parameters }, metadata: { "miniprobe.spec.created": String(now) },
      results: req.results && req.results.length > 0 ? req.results.slice() : cap.results.slice(),
    };
    spec.token = contentToken(spec);
    const span = whenSpan(w, now);
    const period = reportPeriodMs(w, span.end);
    const json = writeMessage(spec);
    await this.store.addSpec({
      token: spec.token, probe_id: req.probe, label: cap.label ?? "", when_text: whenText, spec_json: json, state: "pending",
      created_ms: now, end_ms: span.end ?? null, period_ms: period,
    });
    await this.send(req.probe, spec.token, json);
    return (await this.store.spec(spec.token)) as SpecRow;
  }

  private async send(probe: string, token: string, json: string): Promise<void> {
    await this.broker.publish(topicOf(this.prefix, probe, "spec"), json);
    await this.store.markSent(token);
  }

  async interrupt(token: string): Promise<SpecRow> {
    const s = await this.store.spec(token);
    if (s === undefined) throw new ControlError(404, "no such specification", "token");
    if (!["pending", "sent", "accepted", "running"].includes(s.state)) throw new ControlError(409, "the specification is already " + s.state, "token");
    let spec: Message;
    try {
      spec = readMessage(parseJson(s.spec_json));
    } catch {
      throw new ControlError(409, "the stored specification cannot be read back", "token");
    }
    if (spec.kind === "exception" || spec.kind === "envelope") throw new ControlError(409, "not a specification", "token");
    const msg: Statement = { ...spec, kind: "interrupt", token };
    await this.broker.publish(topicOf(this.prefix, s.probe_id, "spec"), writeMessage(msg));
    await this.store.setSpecState(token, "interrupted", "interrupted by the collector");
    return (await this.store.spec(token)) as SpecRow;
  }

  /** Resends what a probe has not answered; called when it comes online. */
  async resend(probe: string): Promise<number> {
    const list = await this.store.unanswered(probe);
    for (const s of list) await this.send(probe, s.token, s.spec_json);
    return list.length;
  }
}
