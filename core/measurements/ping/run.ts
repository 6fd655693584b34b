// ping's run: the tool's argv, its output parsed, the rows. Loaded only when a ping runs
// (index.ts imports it as a namespace, read at call time).
import { exec } from "../../host-async";
import { ProbeError } from "../../util/errors";
import { fmtNum } from "../../util/num";
import { Cell, NONE, ResultTable, RunContext, variantFamily } from "../types";
import { P_DEST4, P_DEST6 } from "../target";
import { PingPlan, pingArgvOf, pingBudgetMs, pingPlan } from "./argv";
import { parsePingRuns } from "./parse";
import { rttStats } from "./stats";
import { PingRun } from "./types";
import { AVERAGE_RESULTS, DETAIL_RESULTS } from "./columns";
import { usable } from "./tool";

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

export async function runPing(ctx: RunContext): Promise<ResultTable> {
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
