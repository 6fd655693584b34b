// traceroute's run: the tool's argv, its output parsed, the rows. Loaded only when a trace
// runs (index.ts imports it as a namespace, read at call time).
import { exec } from "../../host-async";
import { ProbeError, asProbeError } from "../../util/errors";
import { fmtNum } from "../../util/num";
import { Cell, NONE, ResultTable, RunContext, variantFamily } from "../types";
import { splitLines } from "../../tools/text";
import { traceArgvOf, traceBudgetMs, tracePlan } from "./argv";
import { parseTraces } from "./parse";
import { Trace } from "./types";
import { traceColumns } from "./columns";
import { modeOf, toolRef } from "./tool";

/** One row per (hop, probe): hop, probe number (1-based), address, RTT, flag, reached. */
export function traceRows(t: Trace): Cell[][] {
  const rows: Cell[][] = [];
  for (const h of t.hops) {
    let k = 0;
    for (const p of h.probes) {
      k = k + 1;
      const timeout = p.addr === undefined && p.rttUs === undefined;
      const flag = timeout ? "*" : p.flag !== undefined ? p.flag : "";
      rows.push([h.ttl, k, p.addr !== undefined ? p.addr : NONE, p.rttUs !== undefined ? p.rttUs : NONE, flag, t.reached]);
    }
  }
  return rows;
}

function firstLine(text: string): string {
  for (const l of splitLines(text)) if (l.trim().length > 0) return l.trim();
  return "";
}

export async function runTrace(ctx: RunContext): Promise<ResultTable> {
  const host = ctx.host;
  const mode = modeOf(ctx.variant);
  const family = variantFamily(ctx.variant);
  const tool = toolRef(ctx.device.tools, ctx.variant["tool"]);
  if (tool === undefined) throw new ProbeError("ENOTOOL", "no " + ctx.variant["mode"] + " traceroute tool on this device");
  const plan = tracePlan(tool, ctx.params, mode);
  if (plan.dest.family !== family) throw new ProbeError("ESPEC", "address family does not match the capability (IPv" + fmtNum(family) + ")", plan.dest.field);
  const argv = traceArgvOf(tool, plan);
  ctx.log("debug", argv.join(" "));
  const start = host.now();
  const res = await exec(host, argv, { timeoutMs: traceBudgetMs(tool, plan), maxBytes: 1048576 }, ctx.cancel);
  const end = host.now();
  const columns = traceColumns(family);
  let traces: Trace[] = [];
  try {
    traces = parseTraces(tool.flavour, tool.flavour === "scamper" ? res.stdout : res.stdout + "\n" + res.stderr);
  } catch (e) {
    ctx.log("warn", "no trace in the output: " + asProbeError(e).message);
  }
  if (traces.length === 0 || traces[0].hops.length === 0) {
    // The tool could not trace at all (no route, network unreachable): a result, no hops.
    const why = firstLine(res.stderr);
    if (res.code !== 0 && why.length > 0) ctx.log("info", why);
    return { columns: columns, rows: [[NONE, NONE, NONE, NONE, "!N", false]], startMs: start, endMs: end };
  }
  return { columns: columns, rows: traceRows(traces[0]), startMs: start, endMs: end };
}
