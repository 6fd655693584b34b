// name → measurement module. One line per measurement.
import { Measurement } from "./types";
import { probeInfo } from "./probe-info/index";

export const measurements: Measurement[] = [probeInfo];
