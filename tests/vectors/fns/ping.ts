import { JSON_NULL, JsonObject, JsonValue } from "../../../core/util/json";
import { ProbeError } from "../../../core/util/errors";
import { parsePingToJson } from "../../../core/measurements/ping/parse";
import { rttStats } from "../../../core/measurements/ping/stats";
import { rttStatsToJson } from "../../../core/measurements/ping/json";
import { decimalToInt, msTextToUs } from "../../../core/measurements/ping/text";
import { VectorFn } from "./types";

export const fns: { [name: string]: VectorFn } = {
  /** in {flavour, text, bareMeans?} -> the flavour's record (see parsePingToJson). */
  "ping.parse": (i) => {
    const o = i as JsonObject;
    const bare = o["bareMeans"];
    const opts = bare === "unreachable" ? { bareMeans: "unreachable" as const } : undefined;
    return parsePingToJson(o["flavour"] as string, o["text"] as string, opts);
  },
  /** in {samplesUs: number[], sent?} -> RttStats. */
  "ping.stats": (i) => {
    const o = i as JsonObject;
    const xs: number[] = [];
    const arr = o["samplesUs"];
    if (!Array.isArray(arr)) throw new ProbeError("EINPUT", "samplesUs must be an array");
    for (const v of arr) xs.push(v as number);
    const sent = o["sent"];
    return rttStatsToJson(rttStats(xs, typeof sent === "number" ? sent : undefined));
  },
  /** in "10.432" -> 10432 (null when not a decimal). */
  "ping.msToUs": (i) => {
    const v = msTextToUs(i as string);
    return v === undefined ? JSON_NULL : v;
  },
  /** in {text, places} -> integer or null. */
  "ping.decimalToInt": (i) => {
    const o = i as JsonObject;
    const v = decimalToInt(o["text"] as string, o["places"] as number);
    return v === undefined ? JSON_NULL : (v as JsonValue);
  },
};
