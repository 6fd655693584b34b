// ott-download's run: a player session (player.ts) and its rows. Loaded only when a
// session runs (the capability descriptor in index.ts imports it as a namespace).
import { Cell, NONE, ResultTable, RunContext } from "../types";
import { parseNatural } from "../../util/num";
import { Abr, Mode, Player, Protocol, SessionResult } from "./player";
import { CycleSummary, RequestRecord, summarizeCycle } from "./scores";
import { OTT_COLUMNS, OTT_DETAIL_COLUMNS } from "./columns";
import { httpTimeout } from "./params";

function num(v: number | undefined): Cell {
  return v === undefined ? NONE : v;
}

function round1(v: number | undefined): Cell {
  return v === undefined ? NONE : Math.floor(v * 10 + 0.5) / 10;
}

export function summaryRow(timeMs: number, c: CycleSummary): Cell[] {
  return [
    timeMs,
    num(c.nominalKbps),
    num(c.httpCodeMax),
    num(c.redirectMax),
    num(c.qosManifest),
    num(c.qosContent),
    num(c.qosAggregate),
    c.qosLevel,
    num(c.startupMs === undefined ? undefined : Math.floor(c.startupMs + 0.5)),
    c.stalls,
    Math.floor(c.stallMs + 0.5),
    c.switches,
    round1(c.avgKbps),
    round1(c.throughputKbps),
    num(c.mos),
    num(c.lastLevel),
    c.segments,
    c.failed,
  ];
}

export function detailRow(r: RequestRecord): Cell[] {
  const dl = r.endMs - r.startMs;
  return [
    r.wallMs,
    r.url,
    r.kind,
    r.level >= 0 ? r.level : NONE,
    r.bytes,
    r.status > 0 ? r.status : NONE,
    r.redirects,
    r.ttfbMs !== undefined ? Math.floor(r.ttfbMs * 10 + 0.5) / 10 : NONE,
    Math.floor(dl * 10 + 0.5) / 10,
    dl > 0 && r.error === undefined ? round1((r.bytes * 8) / dl) : NONE,
    r.bufferMs !== undefined ? Math.floor(r.bufferMs + 0.5) : NONE,
    r.error !== undefined ? r.error : NONE,
  ];
}

async function session(ctx: RunContext): Promise<SessionResult> {
  const host = ctx.host;
  const p = ctx.params;
  const endWall = ctx.run.endMs !== undefined ? ctx.run.endMs : host.now() + 10000;
  const level = parseNatural(p["ott.level"]);
  const buf = parseNatural(p["ott.buffer.s"]);
  const player = new Player(host, {
    url: p["content.url"],
    protocol: p["ott.protocol"] as Protocol,
    mode: p["ott.mode"] as Mode,
    abr: p["ott.abr"] as Abr,
    level: level !== undefined ? level : 0,
    bufferMs: (buf !== undefined ? buf : 30) * 1000,
    httpTimeoutMs: httpTimeout(p),
    endMono: host.mono() + (endWall - host.now()),
    stopped: ctx.stopped,
    cancel: ctx.cancel,
    log: ctx.log,
  });
  return player.run();
}

/** One summary row per cycle of `periodMs` (the whole session when absent). */
export function summaryRows(s: SessionResult, periodMs: number | undefined): Cell[][] {
  const rows: Cell[][] = [];
  const p = periodMs !== undefined && periodMs > 0 ? periodMs : s.endMs > 0 ? s.endMs : 1;
  let from = 0;
  let k = 0;
  while (k === 0 || from < s.endMs) {
    const to = from + p;
    rows.push(summaryRow(s.wallStart + from, summarizeCycle(s, from, to)));
    from = to;
    k = k + 1;
  }
  return rows;
}

export async function runOtt(ctx: RunContext): Promise<ResultTable> {
  const s = await session(ctx);
  const endWall = ctx.host.now();
  if (ctx.variant["output"] === "detail") {
    const rows: Cell[][] = [];
    for (const r of s.requests) rows.push(detailRow(r));
    return { columns: OTT_DETAIL_COLUMNS, rows: rows, startMs: s.wallStart, endMs: endWall };
  }
  return { columns: OTT_COLUMNS, rows: summaryRows(s, ctx.run.periodMs), startMs: s.wallStart, endMs: endWall };
}
