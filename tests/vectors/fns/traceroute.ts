import { JsonObject } from "../../../core/util/json";
import { parseTraceToJson } from "../../../core/measurements/traceroute/parse";
import { VectorFn } from "./types";

export const fns: { [name: string]: VectorFn } = {
  /** in {flavour, text, dst?} -> trace record, or {"traces":[...]} for scamper. */
  "traceroute.parse": (i) => {
    const o = i as JsonObject;
    const dst = o["dst"];
    return parseTraceToJson(o["flavour"] as string, o["text"] as string, typeof dst === "string" ? dst : undefined);
  },
};
