// The one contract every measurement module follows (blackbox_exporter's prober
// shape): it declares capabilities from what the host has, and runs a validated
// specification. The runner owns deadlines, timing, interrupts and errors; a
// measurement reports an expected failure (unreachable, 100% loss, HTTP 404) as a
// result, and throws only for what it cannot measure at all.
import { Host, ToolSet } from "../host";
import { Element } from "../model/registry";
import { Run } from "../model/when";
import { Cancel } from "../cancel";

/** mPlane's "no value" (the reference implementation's VALUE_NONE). */
export const NONE = "*";

/** A result cell: time columns take ms since the epoch, numbers are written canonically. */
export type Cell = string | number | boolean;

/**
 * What a measurement knows of the device it runs on: the Host, the tools core discovered
 * (core/tools), the device options from the configuration file (e.g. "tstat.logDir"), and
 * the probe's id. Built once by the agent; nothing mutates the Host.
 */
export interface Device {
  host: Host;
  tools: ToolSet;
  options: { [key: string]: string };
  probeId: string;
}

/**
 * A capability's variant as data, handed back to run() as ctx.variant, so no measurement
 * reads meaning out of a label (mPlane clients rename labels). Keys in use:
 *   family  "4" | "6"                         address family
 *   mode    "classic" | "paris" | "tracelb"   traceroute probing
 *   output  "aggregate" | "detail"            one summary row, or one row per event
 *   target  "address" | "name"                destination.ip4/6, or destination.name
 *   tool    a key of Device.tools             the tool that runs it ("ping6", "scamper" ...)
 */
export type Variant = { [key: string]: string };

/** The variant's address family (4 unless it says "6"). */
export function variantFamily(v: Variant): number {
  return v["family"] === "6" ? 6 : 4;
}

export interface CapabilityTemplate {
  /** A hint for people and for picking among equals; never parsed. */
  label: string;
  variant?: Variant;
  /** The capability's temporal scope, e.g. "now ... future / 1s". */
  when: string;
  /** Parameter name → constraint ("*", "a ... b", "a,b"). */
  parameters: { [name: string]: string };
  results: string[];
  /**
   * Values used when a specification leaves a parameter out (mPlane itself makes every
   * parameter mandatory; these are miniprobe's convenience, filled in before validation
   * so the result states the value that was used).
   */
  defaults?: { [name: string]: string };
}

export interface RunContext {
  host: Host;
  device: Device;
  /** The matched capability's variant (see CapabilityTemplate.variant). */
  variant: Variant;
  /** The label, for log lines only: never parse it. */
  label: string;
  /** Validated parameter values (single-valued ones filled in from the capability). */
  params: { [name: string]: string };
  /** Wall-clock plan for this run (from the temporal scope). */
  run: Run;
  /** Monotonic time by which the runner gives up on the run. */
  deadlineMono: number;
  /** True once an interrupt or the deadline asked the run to stop. */
  stopped(): boolean;
  /** Cancelled on interrupt, SIGTERM or deadline: pass it to every Host call (host-async). */
  cancel: Cancel;
  log(level: "debug" | "info" | "warn" | "error", msg: string): void;
}

export interface ResultTable {
  /** Column names in the order of `rows`; the runner selects the ones the spec asked for. */
  columns: string[];
  rows: Cell[][];
  /** Actual wall-clock span of the measurement. */
  startMs: number;
  endMs: number;
}

export interface Measurement {
  name: string;
  /**
   * Registry elements of miniprobe's own that this measurement's capabilities use. A function,
   * so a measurement the device does not offer never builds them (Tstat has hundreds).
   */
  elements(): Element[];
  /** The capabilities this device offers, from its tools and host (built once by the agent). */
  capabilities(device: Device): CapabilityTemplate[];
  run(ctx: RunContext): Promise<ResultTable>;
  /** Extra time past the scope's end the runner allows before it gives up (default 15 s). */
  graceMs?: number;
  /**
   * Longest a run may take given its parameters and planned span, when that is more than
   * the span itself (e.g. a session length given as a parameter). The runner's deadline
   * is max(span, this) + graceMs.
   */
  maxDurationMs?(params: { [name: string]: string }, spanMs: number): number;
}
