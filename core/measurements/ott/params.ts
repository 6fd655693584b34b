// ott-download's parameters, their constraints and the defaults a player would use
// (see index.ts for what each means).
import { parseNatural } from "../../util/num";

export const PARAMETERS: { [name: string]: string } = {
  "content.url": "*",
  "ott.protocol": "auto,hls,dash,mss",
  "ott.mode": "adaptive,fixed,parallel",
  "ott.abr": "throughput,buffer",
  "ott.level": "0 ... 63",
  "ott.buffer.s": "2 ... 600",
  "ott.http.timeout.ms": "100 ... 120000",
};

/** A player's usual choices: detect the format, adapt by throughput, 30 s buffer, 10 s per request. */
export const DEFAULTS: { [name: string]: string } = {
  "ott.protocol": "auto",
  "ott.mode": "adaptive",
  "ott.abr": "throughput",
  "ott.level": "0",
  "ott.buffer.s": "30",
  "ott.http.timeout.ms": "10000",
};

export function httpTimeout(params: { [name: string]: string }): number {
  const v = params["ott.http.timeout.ms"];
  const n = v !== undefined ? parseNatural(v) : undefined;
  return n !== undefined ? n : 10000;
}
