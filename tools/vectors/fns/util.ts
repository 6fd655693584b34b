import { JsonObject, parseJson, writeJson } from "../../../core/util/json";
import { fmtNum, parseNum } from "../../../core/util/num";
import { formatTime, parseTime } from "../../../core/util/time";
import { JSON_NULL } from "../../../core/util/json";
import { VectorFn } from "./types";

export const fns: { [name: string]: VectorFn } = {
  "num.fmt": (i) => {
    const o = i as JsonObject;
    return fmtNum(o["n"] as number, o["decimals"] === undefined ? undefined : (o["decimals"] as number));
  },
  "num.parse": (i) => {
    const v = parseNum(i as string);
    return v === undefined ? JSON_NULL : v;
  },
  "time.format": (i) => formatTime(i as number),
  "time.parse": (i) => parseTime(i as string),
  "json.roundtrip": (i) => writeJson(parseJson(i as string)),
};
