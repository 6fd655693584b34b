// One entry for every ping flavour. busybox/iputils/toybox print one run; scamper JSON may
// hold several; fping may ping many targets and list alive/unreachable ones.
import { ProbeError } from "../../util/errors";
import { JsonValue } from "../../util/json";
import { fpingResultToJson, pingRunToJson } from "./json";
import { parseBusyboxPing } from "./parse-busybox";
import { parseFping, FpingOptions } from "./parse-fping";
import { parseIputilsPing } from "./parse-iputils";
import { parseScamperPing } from "./parse-scamper";
import { parseToyboxPing } from "./parse-toybox";
import { PingRun } from "./types";

export type PingFlavour = "busybox" | "iputils" | "toybox" | "scamper" | "fping";

/** Runs in the output of `flavour` (fping: its runs only; see parseFping for the lists). */
export function parsePingRuns(flavour: string, text: string, opts?: FpingOptions): PingRun[] {
  if (flavour === "busybox") return [parseBusyboxPing(text)];
  if (flavour === "iputils") return [parseIputilsPing(text)];
  if (flavour === "toybox") return [parseToyboxPing(text)];
  if (flavour === "scamper") return parseScamperPing(text);
  if (flavour === "fping") return parseFping(text, opts).runs;
  throw new ProbeError("EFLAVOUR", "unknown ping flavour '" + flavour + "'");
}

/**
 * JSON form of a flavour's parse: a run object for busybox/iputils/toybox, {"runs":[...]}
 * for scamper, {"runs","alive","unreachable"} for fping.
 */
export function parsePingToJson(flavour: string, text: string, opts?: FpingOptions): JsonValue {
  if (flavour === "fping") return fpingResultToJson(parseFping(text, opts));
  if (flavour === "scamper") {
    const runs: JsonValue[] = [];
    for (const r of parseScamperPing(text)) runs.push(pingRunToJson(r));
    return { runs: runs };
  }
  return pingRunToJson(parsePingRuns(flavour, text)[0]);
}
