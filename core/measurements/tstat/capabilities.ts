// The capabilities a device offers for Tstat, in the mPlane Tstat proxy's shape: one per
// log_tcp_complete group, one each for log_http_complete and log_udp_complete, plus
// tstat-capture and tstat-status. Each has its own result columns (its own schema).
import { CapabilityTemplate, Device, Variant } from "../types";
import { fmtNum } from "../../util/num";
import { groupResults, logGroupOf, TCP_LEVELS } from "./groups";
import { CAPTURE_RESULTS, P_IFACE, P_ROWS, ROWS_DEFAULT, ROWS_MAX, STATUS_RESULTS, tstatBinary, tstatLogDir } from "./names";

function logTemplate(label: string, variant: Variant): CapabilityTemplate {
  const g = logGroupOf(variant);
  const params: { [n: string]: string } = {};
  params[P_ROWS] = "1 ... " + fmtNum(ROWS_MAX);
  const defaults: { [n: string]: string } = {};
  defaults[P_ROWS] = ROWS_DEFAULT;
  return {
    label: label,
    variant: variant,
    // past: a specification may ask for rows Tstat has already written
    when: "past ... future",
    parameters: params,
    results: g !== undefined ? groupResults(g) : [],
    defaults: defaults,
  };
}

/** Every template, whatever the device has (vectors and docs list them). */
export function allTemplates(): CapabilityTemplate[] {
  const out: CapabilityTemplate[] = [];
  for (const level of TCP_LEVELS) {
    out.push(logTemplate("tstat-log_tcp_complete-" + level, { group: "log_tcp_complete", level: level }));
  }
  out.push(logTemplate("tstat-log_http_complete", { group: "log_http_complete" }));
  out.push(logTemplate("tstat-log_udp_complete", { group: "log_udp_complete" }));
  const cap: { [n: string]: string } = {};
  cap[P_IFACE] = "*";
  out.push({ label: "tstat-capture", variant: { group: "capture" }, when: "now ... future", parameters: cap, results: CAPTURE_RESULTS });
  out.push({ label: "tstat-status", variant: { group: "status" }, when: "now ... future", parameters: {}, results: STATUS_RESULTS });
  return out;
}

/**
 * What this device offers: the log capabilities when it knows Tstat's output directory
 * (tstat.logDir), status then too, and capture when it also has a tstat binary and can
 * start long-lived processes.
 */
export function tstatCapabilities(dev: Device): CapabilityTemplate[] {
  if (tstatLogDir(dev.options) === undefined) return [];
  const canCapture = tstatBinary({ device: dev }) !== undefined && dev.host.spawn !== undefined;
  const out: CapabilityTemplate[] = [];
  for (const t of allTemplates()) {
    const g = t.variant !== undefined ? t.variant["group"] : undefined;
    if (g === "capture" && !canCapture) continue;
    out.push(t);
  }
  return out;
}
