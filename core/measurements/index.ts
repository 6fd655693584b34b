// name → measurement module. One line per measurement; a Map keeps this order on every
// runtime (capabilities are listed in it).
import { Measurement } from "./types";
import { probeInfo } from "./probe-info/index";
import { ott } from "./ott/index";
import { ping } from "./ping/index";
import { traceroute } from "./traceroute/index";
import { tstat } from "./tstat/index";

export const measurements = new Map<string, Measurement>();
measurements.set(probeInfo.name, probeInfo);
measurements.set(ott.name, ott);
measurements.set(ping.name, ping);
measurements.set(traceroute.name, traceroute);
measurements.set(tstat.name, tstat);
