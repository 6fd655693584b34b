// One entry for every traceroute flavour.
import { ProbeError } from "../../util/errors";
import { JsonValue } from "../../util/json";
import { traceToJson } from "./json";
import { parseBusyboxTraceroute } from "./parse-busybox";
import { parseScamperTrace } from "./parse-scamper";
import { parseTracepath } from "./parse-tracepath";
import { parseTraceroute } from "./parse-traceroute";
import { Trace } from "./types";

export type TraceFlavour = "busybox" | "traceroute" | "tracepath" | "scamper";

/** Traces in the output of `flavour` (one, except scamper JSON which may hold several). */
export function parseTraces(flavour: string, text: string, dst?: string): Trace[] {
  if (flavour === "busybox") return [parseBusyboxTraceroute(text)];
  if (flavour === "traceroute") return [parseTraceroute(text)];
  if (flavour === "tracepath") return [parseTracepath(text, dst)];
  if (flavour === "scamper") return parseScamperTrace(text);
  throw new ProbeError("EFLAVOUR", "unknown traceroute flavour '" + flavour + "'");
}

/** JSON form: a trace object, or {"traces":[...]} for scamper. */
export function parseTraceToJson(flavour: string, text: string, dst?: string): JsonValue {
  const traces = parseTraces(flavour, text, dst);
  if (flavour !== "scamper") return traceToJson(traces[0]);
  const out: JsonValue[] = [];
  for (const t of traces) out.push(traceToJson(t));
  return { traces: out };
}
