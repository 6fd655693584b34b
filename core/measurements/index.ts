// name → measurement module. One line per measurement.
import { Measurement } from "./types";
import { probeInfo } from "./probe-info/index";
import { ott } from "./ott/index";
import { ping } from "./ping/index";
import { traceroute } from "./traceroute/index";
import { tstat } from "./tstat/index";

export const measurements: Measurement[] = [probeInfo, ott, ping, traceroute, tstat];
