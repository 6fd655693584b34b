// ping: the device's own ping (iputils, busybox or toybox), as mPlane's reference ping
// component offers it. The capability's scope is "now ... future / P" (P the shortest interval
// the tool allows); a specification's scope "now + 5s / 1s" sends duration / period = 5 echo
// requests one period apart and yields one aggregate row (ping-average-*) or one row per
// reply (ping-detail-*). Targets: an address of the capability's family, or (the -name-
// capabilities) a host name that the tool resolves; the address it used is reported.
// Loss, unreachable and unresolvable targets are results (count 0), not exceptions.
import { ToolSet } from "../../host";
import { exec } from "../../host-async";
import { ProbeError } from "../../util/errors";
import { fmtNum, parseNatural } from "../../util/num";
import { CapabilityTemplate, Cell, Device, Measurement, NONE, ResultTable, RunContext, Variant, variantFamily } from "../types";
import { P_DEST4, P_DEST6, P_NAME, ToolRef } from "../target";
import { P_SIZE, P_TIMEOUT, P_TTL, PingPlan, SIZE_MAX, SIZE_MIN, TIMEOUT_MAX_S, pingArgvOf, pingBudgetMs, pingPlan } from "./argv";
import { parsePingRuns } from "./parse";
import { rttStats } from "./stats";
import { PingRun } from "./types";

export const AVERAGE_RESULTS = [
  "delay.twoway.icmp.us.min",
  "delay.twoway.icmp.us.mean",
  "delay.twoway.icmp.us.50pct",
  "delay.twoway.icmp.us.max",
  "delay.twoway.icmp.count",
  "packets.lost",
  "delay.twoway.icmp.us.stddev",
];
export const DETAIL_RESULTS = ["time", "delay.twoway.icmp.us", "ping.sequence", "ping.reply.ttl"];

const PING_FLAVOURS = ["iputils", "busybox", "toybox"];

function usable(tools: ToolSet, name: string): ToolRef | undefined {
  const t = tools[name];
  if (t === undefined || PING_FLAVOURS.indexOf(t.flavour) < 0) return undefined;
  const ref: ToolRef = { name: name, path: t.path, flavour: t.flavour };
  if (t.version !== undefined) ref.version = t.version;
  if (t.flags !== undefined) ref.flags = t.flags;
  return ref;
}

/** The tool that pings `family` on this device: ping (with -6 when it has it), else ping6. */
export function pingTool(tools: ToolSet, family: number): ToolRef | undefined {
  const p = usable(tools, "ping");
  if (family === 4) return p;
  if (p !== undefined && (p.flags === undefined || p.flags.indexOf("-6") >= 0)) return p;
  const p6 = usable(tools, "ping6");
  if (p6 !== undefined) return p6;
  return undefined;
}

/** Version text "1.35.0" at least `major.minor`. */
function versionAtLeast(v: string | undefined, major: number, minor: number): boolean {
  if (v === undefined) return false;
  const parts = v.split(".");
  const a = parseNatural(parts[0]);
  const b = parts.length > 1 ? parseNatural(parts[1]) : 0;
  if (a === undefined || b === undefined) return false;
  return a > major || (a === major && b >= minor);
}

/** Shortest interval the tool accepts: 0.2 s (iputils' floor for ordinary users, toybox,
 * busybox 1.35 which reads fractions), 1 s for older busybox (whole seconds only). */
export function minPeriod(tool: ToolRef): string {
  if (tool.flavour === "busybox" && !versionAtLeast(tool.version, 1, 35)) return "1s";
  return "0.2s";
}

/** What ping itself would use: 56-byte payload, TTL 64, 2 s wait for each reply. */
const DEFAULTS: { [name: string]: string } = {};
DEFAULTS[P_SIZE] = "56";
DEFAULTS[P_TTL] = "64";
DEFAULTS[P_TIMEOUT] = "2";

function variant(tool: ToolRef, family: number, output: string, target: string): Variant {
  return { family: family === 4 ? "4" : "6", output: output, target: target, tool: tool.name };
}

function templates(tool: ToolRef, family: number): CapabilityTemplate[] {
  const fam = family === 4 ? "ip4" : "ip6";
  const when = "now ... future / " + minPeriod(tool);
  const common = (dest: string): { [name: string]: string } => {
    const p: { [name: string]: string } = {};
    p[dest] = "*";
    p[P_SIZE] = fmtNum(SIZE_MIN) + " ... " + fmtNum(SIZE_MAX);
    p[P_TTL] = "1 ... 255";
    p[P_TIMEOUT] = "1 ... " + fmtNum(TIMEOUT_MAX_S);
    return p;
  };
  const dest = family === 4 ? P_DEST4 : P_DEST6;
  const avgName = AVERAGE_RESULTS.slice();
  avgName.push(dest);
  const detName = DETAIL_RESULTS.slice();
  detName.push(dest);
  // Aggregate and detail differ by their result columns (detail has time, per-reply delay,
  // sequence and TTL; aggregate has min/mean/max/count...), so their schemas differ.
  return [
    { label: "ping-average-" + fam, variant: variant(tool, family, "aggregate", "address"), when: when, parameters: common(dest), results: AVERAGE_RESULTS.slice(), defaults: DEFAULTS },
    { label: "ping-detail-" + fam, variant: variant(tool, family, "detail", "address"), when: when, parameters: common(dest), results: DETAIL_RESULTS.slice(), defaults: DEFAULTS },
    { label: "ping-average-name-" + fam, variant: variant(tool, family, "aggregate", "name"), when: when, parameters: common(P_NAME), results: avgName, defaults: DEFAULTS },
    { label: "ping-detail-name-" + fam, variant: variant(tool, family, "detail", "name"), when: when, parameters: common(P_NAME), results: detName, defaults: DEFAULTS },
  ];
}

function cell(v: number | undefined): Cell {
  return v === undefined ? NONE : v;
}

/** One aggregate row (columns: AVERAGE_RESULTS + the destination address). */
export function averageRow(run: PingRun, plan: PingPlan): Cell[] {
  const xs: number[] = [];
  for (const r of run.replies) if (r.dup !== true) xs.push(r.rttUs);
  const s = rttStats(xs, run.sent !== undefined ? run.sent : plan.count);
  return [
    cell(s.minUs), cell(s.meanUs), cell(s.medianUs), cell(s.maxUs), s.count, cell(s.lost), cell(s.stddevUs),
    run.address !== undefined ? run.address : NONE,
  ];
}

/** Rows of replies (columns: DETAIL_RESULTS + the destination address). `arrivalMs[i]` is
 * when the i-th reply line was read (used when the tool prints no timestamps). */
export function detailRows(run: PingRun, arrivalMs: number[]): Cell[][] {
  const rows: Cell[][] = [];
  let i = 0;
  for (const r of run.replies) {
    let t: Cell = NONE;
    if (r.timestampUs !== undefined) t = Math.floor(r.timestampUs / 1000);
    else if (i < arrivalMs.length) t = arrivalMs[i];
    i = i + 1;
    if (r.dup !== true) rows.push([t, r.rttUs, r.seq, cell(r.ttl), run.address !== undefined ? run.address : NONE]);
  }
  return rows;
}

async function runPing(ctx: RunContext): Promise<ResultTable> {
  const host = ctx.host;
  const family = variantFamily(ctx.variant);
  const tool = usable(ctx.device.tools, ctx.variant["tool"]);
  if (tool === undefined) throw new ProbeError("ENOTOOL", "no ping for IPv" + fmtNum(family) + " on this device");
  const run = ctx.run;
  const durationMs = run.endMs !== undefined ? run.endMs - run.startMs : 0;
  const plan = pingPlan(ctx.params, { durationMs: durationMs, periodMs: run.periodMs !== undefined ? run.periodMs : 0 }, family);
  const argv = pingArgvOf(tool, plan);
  const arrival: number[] = [];
  const start = host.now();
  ctx.log("debug", argv.join(" "));
  const res = await exec(host, argv, {
    timeoutMs: pingBudgetMs(plan),
    maxBytes: plan.count * 256 + 8192,
    onLine: (line: string) => {
      if (line.indexOf(" bytes from ") >= 0) arrival.push(host.now());
    },
  }, ctx.cancel);
  const end = host.now();
  let parsed: PingRun;
  try {
    parsed = parsePingRuns(tool.flavour, res.stdout + "\n" + res.stderr)[0];
  } catch (e) {
    // The tool stopped before pinging (e.g. no route, no socket): a run without replies.
    if (res.code === 0) throw e;
    ctx.log("info", "ping exited " + fmtNum(res.code) + ": " + res.stderr.trim());
    parsed = { tool: "iputils", target: plan.dest.target, received: 0, replies: [], errors: [], complete: false };
  }
  if (res.timedOut) ctx.log("warn", "ping did not finish in time; reporting the replies seen");
  if (parsed.errors.length > 0) ctx.log("info", parsed.errors[0].text);
  const detail = ctx.variant["output"] === "detail";
  const withDest = ctx.variant["target"] === "name";
  const columns = (detail ? DETAIL_RESULTS : AVERAGE_RESULTS).slice();
  columns.push(family === 4 ? P_DEST4 : P_DEST6);
  if (!withDest) columns.pop();
  let rows: Cell[][];
  if (detail) rows = detailRows(parsed, arrival);
  else rows = [averageRow(parsed, plan)];
  if (!withDest) for (const r of rows) r.pop();
  return { columns: columns, rows: rows, startMs: start, endMs: end };
}

export const ping: Measurement = {
  name: "ping",
  elements: [
    { name: "delay.twoway.icmp.us.50pct", prim: "natural", desc: "median round-trip time of the echo replies, microseconds" },
    { name: "delay.twoway.icmp.us.stddev", prim: "natural", desc: "population standard deviation of the round-trip times (iputils mdev), microseconds" },
    { name: "destination.name", prim: "string", desc: "target host name (RFC 1123), resolved by the tool; the address used is reported" },
    { name: "ping.payload.octets", prim: "natural", desc: "ICMP echo payload size (ping -s)" },
    { name: "ping.ttl", prim: "natural", desc: "IP TTL / hop limit of the echo requests (ping -t)" },
    { name: "ping.timeout.s", prim: "natural", desc: "how long to wait for a reply after the last request (ping -W)" },
    { name: "ping.sequence", prim: "natural", desc: "ICMP sequence number as the tool printed it (busybox counts from 0, iputils from 1)" },
    { name: "ping.reply.ttl", prim: "natural", desc: "IP TTL / hop limit of the echo reply" },
  ],
  capabilities: (device: Device): CapabilityTemplate[] => {
    const out: CapabilityTemplate[] = [];
    for (const family of [4, 6]) {
      const tool = pingTool(device.tools, family);
      if (tool !== undefined) for (const t of templates(tool, family)) out.push(t);
    }
    return out;
  },
  run: runPing,
  graceMs: 5000,
  maxDurationMs: (params: { [name: string]: string }, spanMs: number): number => {
    const t = params[P_TIMEOUT] !== undefined ? parseNatural(params[P_TIMEOUT]) : undefined;
    return spanMs + (t !== undefined ? t * 1000 : TIMEOUT_MAX_S * 1000) + 3000;
  },
};
