// The probe's mPlane face: the capabilities this device offers, and the handling of a
// specification: validate → schedule → run under a deadline → result or exception.
// Used by the command line (--once) and by the MQTT agent alike.
import { Host, ToolSet } from "../host";
import { Registry, MINIPROBE_REGISTRY_URI, Prim } from "../model/registry";
import { Message, MplaneException, Statement, contentToken, derive } from "../model/statement";
import { Offered, fillableOf } from "../model/match";
import { Accepted, accept } from "./accept";
import { checkSpecShape, isToken } from "../model/limits";
import { Cell, Device, Measurement, NONE, ResultTable, Variant } from "../measurements/types";
import { runMeasurement } from "./runner";
import { matchSpec } from "../model/match";
import { ValidSpec, validateSpec } from "../model/validate";
import { Run, whenSpan } from "../model/when";
import { Report } from "../report/report";
import { ABSENT, Value, cellValue } from "../report/value";
import { ProbeError, asProbeError } from "../util/errors";
import { fmtNum } from "../util/num";
import { formatTime } from "../util/time";
import { sleep } from "../host-async";
import { Cancel } from "../cancel";

interface Offer {
  cap: Statement;
  measurement: Measurement;
  variant: Variant;
  defaults?: { [name: string]: string };
}

export interface AgentOptions {
  /** Longest wait for a scope that starts later (default 24 h). */
  maxStartDelayMs?: number;
  /** The device's tools, as core/tools found them (default: what the host listed). */
  tools?: ToolSet;
  /** Written into every result's metadata (default: the host name). */
  probeId?: string;
  /** The registry URI capabilities name (default MINIPROBE_REGISTRY_URI): make it resolve. */
  registryUrl?: string;
  /** Device options from the configuration (e.g. "tstat.logDir"). */
  options?: { [key: string]: string };
  /**
   * Register every measurement's elements (for --registry), not only those of the
   * measurements this device offers (a daemon needs no more to check and write results).
   */
  fullRegistry?: boolean;
}

function cellText(v: Cell, prim: Prim | undefined): string {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (prim === "time") return formatTime(v);
  if (prim === "natural") return fmtNum(Math.floor(v + 0.5));
  return fmtNum(v);
}

/** The token of an exception about a specification whose own token cannot be used. */
export const NO_TOKEN = "00000000000000000000000000000000";

/** Result metadata naming the probe that measured, so stored results say where they came from. */
export const PROBE_ID = "miniprobe.probe.id";

/** A specification the daemon accepted: what the scheduler plans and the runner runs. */
export interface Planned {
  token: string;
  index: number;
  valid: ValidSpec;
  receipt: Statement;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Agent {
  readonly registry = new Registry();
  readonly device: Device;
  private readonly offers: Offer[] = [];
  private readonly matchable: Offered[] = [];
  /** The registry URI every capability names (where an mPlane client fetches the registry). */
  readonly registryUrl: string;

  constructor(host: Host, measurements: Map<string, Measurement> | Measurement[], readonly opts: AgentOptions = {}) {
    this.registryUrl = opts.registryUrl !== undefined ? opts.registryUrl : MINIPROBE_REGISTRY_URI;
    this.device = {
      host: host,
      tools: opts.tools !== undefined ? opts.tools : host.tools,
      options: opts.options !== undefined ? opts.options : {},
      probeId: opts.probeId !== undefined ? opts.probeId : host.info.hostname,
    };
    this.registry.add([{ name: PROBE_ID, prim: "string", desc: "identity of the probe that measured (--probe-id, default the host name)" }]);
    const list: Measurement[] = [];
    if (measurements instanceof Map) measurements.forEach((m) => list.push(m));
    else for (const m of measurements) list.push(m);
    for (const m of list) {
      const templates = m.capabilities(this.device);
      if (templates.length > 0 || opts.fullRegistry === true) this.registry.add(m.elements());
      for (const t of templates) {
        const cap: Statement = {
          kind: "capability", verb: "measure", version: 1, registry: this.registryUrl, label: t.label,
          when: t.when, parameters: t.parameters, metadata: {}, results: t.results,
        };
        cap.token = contentToken(cap);
        this.offers.push({ cap: cap, measurement: m, variant: t.variant !== undefined ? t.variant : {}, defaults: t.defaults });
        this.matchable.push({ cap: cap, fillable: fillableOf(cap, t.defaults) });
      }
    }
  }

  capabilities(): Statement[] {
    const out: Statement[] = [];
    for (const o of this.offers) out.push(o.cap);
    return out;
  }

  exception(token: string, e: unknown): MplaneException {
    const pe = asProbeError(e);
    return { kind: "exception", token: token, message: pe.message };
  }

  /** Runs one specification to completion: a result, or an exception naming what failed. */
  /** Matches and validates a specification (nothing runs): the offer, its parameters and run. */
  accept(spec: Statement): Accepted {
    return accept(spec, this.matchable, (i) => this.offers[i].defaults, this.registry, this.device.host.now());
  }

  /** Runs one specification to completion: a result, or an exception naming what failed. */
  async handle(spec: Statement, cancel?: Cancel): Promise<Message> {
    // Shape and size first: the token is hashed only from a specification that passed.
    let token = spec.token !== undefined && isToken(spec.token) ? spec.token : NO_TOKEN;
    try {
      checkSpecShape(spec);
      if (spec.token === undefined) token = contentToken(spec);
      const a = this.accept(spec);
      const offer = this.offers[a.index];
      const wait = a.run.startMs - this.device.host.now();
      const maxWait = this.opts.maxStartDelayMs !== undefined ? this.opts.maxStartDelayMs : 86400000;
      if (wait > maxWait) throw new ProbeError("ESPEC", "starts too far ahead for this probe", "when");
      if (wait > 0) await sleep(this.device.host, wait);
      const table = await runMeasurement(this.device, {
        measurement: offer.measurement, variant: offer.variant, label: a.valid.spec.label as string, params: a.valid.spec.parameters, run: a.run,
      }, cancel);
      return this.result(a.valid.spec, token, table);
    } catch (e) {
      return this.exception(token, e);
    }
  }

  /**
   * For the daemon: matches and validates a specification whose scope may repeat (the
   * scheduler plans its runs). Throws a ProbeError naming the field; nothing runs.
   */
  plan(spec: Statement): Planned {
    checkSpecShape(spec);
    const token = spec.token !== undefined ? spec.token : contentToken(spec);
    const tzero = this.device.host.now();
    const index = matchSpec(spec, this.matchable, tzero);
    const valid = validateSpec(spec, this.offers[index].cap, this.registry, tzero, this.offers[index].defaults);
    const w = valid.when;
    if (!w.repeated) {
      const span = whenSpan(w, tzero);
      if (span.end === undefined) throw new ProbeError("ESPEC", "an open-ended scope runs until interrupted: give it an end (e.g. now + 30s / 1s), or repeat it", "when");
      if (span.end < tzero) throw new ProbeError("ESPEC", "the scope has already ended", "when");
    }
    const receipt = derive(valid.spec, "receipt");
    receipt.token = token;
    return { token: token, index: index, valid: valid, receipt: receipt };
  }

  /** Runs one planned instance and describes it as a report (sequence number still 0). */
  async runPlanned(p: Planned, run: Run, cancel: Cancel): Promise<Report> {
    const offer = this.offers[p.index];
    const spec = p.valid.spec;
    const report: Report = {
      probeId: this.device.probeId, seq: 0, token: p.token, label: spec.label !== undefined ? spec.label : "",
      schema: { verb: offer.cap.verb, parameters: Object.keys(offer.cap.parameters).sort(byText), results: offer.cap.results.slice() },
      parameters: [], columns: [], rows: [], exceptions: [],
    };
    const names = Object.keys(spec.parameters).sort(byText);
    for (const n of names) report.parameters.push({ name: n, value: spec.parameters[n] });
    const columns = spec.results.length > 0 ? spec.results : offer.cap.results;
    try {
      const t = await runMeasurement(this.device, {
        measurement: offer.measurement, variant: offer.variant, label: report.label, params: spec.parameters, run: run,
      }, cancel);
      report.scope = { startMs: Math.floor(t.startMs), endMs: Math.floor(t.endMs) };
      const idx: number[] = [];
      for (const col of columns) {
        report.columns.push(col);
        idx.push(t.columns.indexOf(col));
      }
      for (const row of t.rows) {
        const values: Value[] = [];
        for (let k = 0; k < idx.length; k++) {
          const i = idx[k];
          const prim = this.registry.prim(columns[k]);
          values.push(i < 0 || prim === undefined ? ABSENT : cellValue(prim, row[i], columns[k]));
        }
        report.rows.push(values);
      }
    } catch (e) {
      const pe = asProbeError(e);
      report.exceptions.push({ message: pe.message, field: pe.field !== undefined ? pe.field : "" });
      report.scope = { startMs: Math.floor(run.startMs), endMs: Math.floor(this.device.host.now()) };
    }
    return report;
  }

  private result(spec: Statement, token: string, t: ResultTable): Statement {
    const res = derive(spec, "result");
    res.token = token;
    res.metadata[PROBE_ID] = this.device.probeId;
    res.when = formatTime(t.startMs) + " ... " + formatTime(t.endMs);
    const idx: number[] = [];
    for (const col of res.results) idx.push(t.columns.indexOf(col));
    const rows: string[][] = [];
    for (const row of t.rows) {
      const out: string[] = [];
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k];
        out.push(i < 0 ? NONE : cellText(row[i], this.registry.prim(res.results[k])));
      }
      rows.push(out);
    }
    res.resultvalues = rows;
    return res;
  }
}
