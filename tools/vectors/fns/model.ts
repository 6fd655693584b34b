import { canonicalAddress, isHostName } from "../../../core/util/addr";
import { digest128 } from "../../../core/util/hash";
import { JSON_NULL, JsonObject, JsonValue, parseJson } from "../../../core/util/json";
import { constraintProblem, formatConstraint, parseConstraint } from "../../../core/model/constraint";
import { Prim, Registry } from "../../../core/model/registry";
import { messageToJson, readMessage, Statement } from "../../../core/model/statement";
import { validateSpec } from "../../../core/model/validate";
import { Offered, fillableOf, matchSpec } from "../../../core/model/match";
import { checkSpecShape } from "../../../core/model/limits";
import {
  formatWhen, isDefinite, isForever, isImmediate, isInfinite, parseWhen, schedule, whenDurationMs, whenMismatch, whenSpan,
} from "../../../core/model/when";
import { formatTime, parseTime } from "../../../core/util/time";
import { VectorFn } from "./types";

function orNull(v: number | undefined, f: (n: number) => JsonValue): JsonValue {
  return v === undefined ? JSON_NULL : f(v);
}

const secs = (ms: number): JsonValue => ms / 1000;

export const fns: { [name: string]: VectorFn } = {
  /** {text, tzero} → the scope's derived facts, as the RI reports them. */
  "when.parse": (i) => {
    const o = i as JsonObject;
    const tzero = parseTime(o["tzero"] as string);
    const w = parseWhen(o["text"] as string);
    const span = whenSpan(w, tzero);
    return {
      format: formatWhen(w),
      start: orNull(span.start, formatTime),
      end: orNull(span.end, formatTime),
      period_s: orNull(w.periodMs, secs),
      duration_s: orNull(whenDurationMs(w, tzero), secs),
      definite: isDefinite(w),
      forever: isForever(w),
      immediate: isImmediate(w),
      infinite: isInfinite(w),
      repeated: w.repeated,
    };
  },
  /** {capability, specification, tzero} → {accept, reason?} */
  "when.follows": (i) => {
    const o = i as JsonObject;
    const why = whenMismatch(parseWhen(o["specification"] as string), parseWhen(o["capability"] as string), parseTime(o["tzero"] as string));
    const res: JsonObject = { accept: why === undefined };
    if (why !== undefined) res["reason"] = why;
    return res;
  },
  /** {text, tzero, limit} → the first runs as [start, end|null, period_s|null] */
  "when.schedule": (i) => {
    const o = i as JsonObject;
    const runs = schedule(parseWhen(o["text"] as string), parseTime(o["tzero"] as string), o["limit"] as number);
    const out: JsonValue[] = [];
    for (const r of runs) out.push([formatTime(r.startMs), orNull(r.endMs, formatTime), orNull(r.periodMs, secs)]);
    return out;
  },
  /** {constraint, prim, values[]} → [{value, ok, why?}] */
  "constraint.check": (i) => {
    const o = i as JsonObject;
    const prim = o["prim"] as Prim;
    const c = parseConstraint(o["constraint"] as string, prim);
    const out: JsonValue[] = [];
    for (const v of o["values"] as string[]) {
      const why = constraintProblem(c, v, prim);
      const check: JsonObject = { value: v, ok: why === undefined };
      if (why !== undefined) check["why"] = why;
      out.push(check);
    }
    return { constraint: formatConstraint(c), checks: out };
  },
  /** an mPlane message (JSON text) → our reading of it, written back */
  "message.roundtrip": (i) => messageToJson(readMessage(parseJson(i as string))),
  /** {capability, specification, tzero} → the validated specification, or a typed error */
  "spec.validate": (i) => {
    const o = i as JsonObject;
    const cap = readMessage(o["capability"]) as Statement;
    const spec = readMessage(o["specification"]) as Statement;
    const d = o["defaults"];
    const defaults = d === undefined ? undefined : (d as { [name: string]: string });
    const v = validateSpec(spec, cap, new Registry(), parseTime(o["tzero"] as string), defaults);
    return messageToJson(v.spec);
  },
  /** {capabilities: [cap + "defaults"?], specification, tzero} → the matched capability's label */
  "spec.match": (i) => {
    const o = i as JsonObject;
    const offers: Offered[] = [];
    for (const c of o["capabilities"] as JsonValue[]) {
      const cap = readMessage(c) as Statement;
      const d = (c as JsonObject)["defaults"];
      offers.push({ cap: cap, fillable: fillableOf(cap, d === undefined ? undefined : (d as { [name: string]: string })) });
    }
    const spec = readMessage(o["specification"]) as Statement;
    const k = matchSpec(spec, offers, parseTime(o["tzero"] as string));
    const label = offers[k].cap.label;
    return label !== undefined ? label : JSON_NULL;
  },
  /** an mPlane specification (JSON value) → true, or the shape/size error naming its field */
  "spec.shape": (i) => {
    checkSpecShape(readMessage(i) as Statement);
    return true;
  },
  "addr.canonical": (i) => {
    const c = canonicalAddress(i as string);
    return c === undefined ? JSON_NULL : c;
  },
  "addr.hostname": (i) => isHostName(i as string),
  "hash.digest128": (i) => digest128(i as string),
};
