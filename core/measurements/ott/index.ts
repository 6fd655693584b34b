// ott-download: the mPlane OTT probe's measurement, emulating a player (player.ts) and
// reporting the original probe's columns plus QoE columns (scores.ts), and
// ott-download-detail: one row per HTTP request of the session.
//
// Temporal scope: the capability is `now ... future / 10s`, as the original probe's
// (10 s is its shortest measurement cycle). The scope's span is the session: a
// specification `now + 30s / 10s` plays for 30 s (or until a VOD's content has played
// out, if sooner) and reports one row per 10 s cycle; `now + 30s / 30s` reports one row
// for the whole session. There is no separate duration parameter. The runner's deadline
// is the span plus two HTTP timeouts (an init section and a segment in flight when the
// session ends are awaited, not abandoned: hosts cannot cancel a request) plus its grace.
//
// Parameters (all required, mPlane style):
//   content.url          manifest URL (HLS .m3u8, DASH .mpd, Smooth Streaming Manifest)
//   ott.protocol         auto | hls | dash | mss   (original --protocol; auto = detect)
//   ott.mode             adaptive | fixed | parallel   (original --downloadMode 0 | 1 | 2)
//   ott.abr              throughput | buffer   (adaptive mode's rule, see abr.ts)
//   ott.level            0 ... 63: fixed mode's level, 0 = lowest bandwidth; above the
//                        ladder's top means the top (original --qualityLevel)
//   ott.buffer.s         2 ... 600: buffer length in seconds (original --buffLen)
//   ott.http.timeout.ms  100 ... 120000: one HTTP transaction's timeout (original --httpTimeout)
import { Host } from "../../host";
import { Cell, Device, Measurement, NONE, ResultTable, RunContext } from "../types";
import { parseNatural } from "../../util/num";
import { Abr, Mode, Player, Protocol, SessionResult } from "./player";
import { CycleSummary, RequestRecord, summarizeCycle } from "./scores";

export const OTT_COLUMNS = [
  "time",
  "bandwidth.nominal.kbps",
  "http.code.max",
  "http.redirectcount.max",
  "qos.manifest",
  "qos.content",
  "qos.aggregate",
  "qos.level",
  "ott.startup.ms",
  "bufferstalls",
  "ott.stall.ms",
  "ott.switches",
  "ott.bitrate.mean.kbps",
  "ott.throughput.kbps",
  "ott.mos",
  "ott.level.last",
  "ott.segments",
  "ott.segments.failed",
];

export const OTT_DETAIL_COLUMNS = [
  "time",
  "url",
  "ott.request",
  "ott.level",
  "octets.layer7",
  "http.code",
  "http.redirectcount",
  "ott.ttfb.ms",
  "ott.download.ms",
  "ott.throughput.kbps",
  "ott.buffer.ms",
  "ott.error",
];

const PARAMETERS: { [name: string]: string } = {
  "content.url": "*",
  "ott.protocol": "auto,hls,dash,mss",
  "ott.mode": "adaptive,fixed,parallel",
  "ott.abr": "throughput,buffer",
  "ott.level": "0 ... 63",
  "ott.buffer.s": "2 ... 600",
  "ott.http.timeout.ms": "100 ... 120000",
};

/** A player's usual choices: detect the format, adapt by throughput, 30 s buffer, 10 s per request. */
const DEFAULTS: { [name: string]: string } = {
  "ott.protocol": "auto",
  "ott.mode": "adaptive",
  "ott.abr": "throughput",
  "ott.level": "0",
  "ott.buffer.s": "30",
  "ott.http.timeout.ms": "10000",
};

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

function httpTimeout(params: { [name: string]: string }): number {
  const v = params["ott.http.timeout.ms"];
  const n = v !== undefined ? parseNatural(v) : undefined;
  return n !== undefined ? n : 10000;
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

function capable(host: Host): boolean {
  return host.httpGet !== undefined;
}

export const ott: Measurement = {
  name: "ott-download",
  elements: [
    { name: "content.url", prim: "url", desc: "URL of a streaming manifest (HLS, DASH or Smooth Streaming)" },
    { name: "ott.protocol", prim: "string", desc: "streaming protocol: auto (detect), hls, dash, mss" },
    { name: "ott.mode", prim: "string", desc: "download mode: adaptive, fixed (one level), parallel (all levels)" },
    { name: "ott.abr", prim: "string", desc: "adaptive rule: throughput (harmonic mean x 0.85) or buffer (BBA-0)" },
    { name: "ott.level", prim: "natural", desc: "quality level, 0 = lowest declared bandwidth" },
    { name: "ott.buffer.s", prim: "natural", desc: "player buffer length, seconds" },
    { name: "ott.http.timeout.ms", prim: "natural", desc: "timeout of one HTTP transaction, ms" },
    { name: "http.code.max", prim: "natural", desc: "highest HTTP status answered in the cycle" },
    { name: "http.redirectcount.max", prim: "natural", desc: "most redirects followed by one request in the cycle" },
    { name: "qos.manifest", prim: "natural", desc: "0-100 quality of manifest downloads and parsing" },
    { name: "qos.content", prim: "natural", desc: "0-100 quality of content (segment) downloads" },
    { name: "qos.aggregate", prim: "natural", desc: "0-100 mean of qos.manifest and qos.content" },
    { name: "qos.level", prim: "natural", desc: "0-100 overall service level: min(qos.aggregate, playback)" },
    { name: "ott.startup.ms", prim: "natural", desc: "startup delay: session start to playback start" },
    { name: "ott.stall.ms", prim: "natural", desc: "time playback was stalled (buffer empty), ms" },
    { name: "ott.switches", prim: "natural", desc: "quality level switches of the played video" },
    { name: "ott.bitrate.mean.kbps", prim: "real", desc: "duration-weighted mean declared bitrate of the played video" },
    { name: "ott.throughput.kbps", prim: "real", desc: "measured download throughput of media segments" },
    { name: "ott.mos", prim: "real", desc: "P.1203 mode-0-style MOS estimate (1-5), not P.1203 itself" },
    { name: "ott.level.last", prim: "natural", desc: "level of the last played video segment" },
    { name: "ott.segments", prim: "natural", desc: "media requests (init, video, audio)" },
    { name: "ott.segments.failed", prim: "natural", desc: "media requests that failed" },
    { name: "url", prim: "url", desc: "URL of one HTTP request of the session (ott-download-detail)" },
    { name: "ott.request", prim: "string", desc: "what a request fetched: manifest, init, video, audio" },
    { name: "http.code", prim: "natural", desc: "HTTP status" },
    { name: "http.redirectcount", prim: "natural", desc: "redirects followed" },
    { name: "ott.ttfb.ms", prim: "real", desc: "time to first byte (absent when the host cannot see it)" },
    { name: "ott.download.ms", prim: "real", desc: "request start to last byte" },
    { name: "ott.buffer.ms", prim: "natural", desc: "buffer level after the segment arrived" },
    { name: "ott.error", prim: "string", desc: "error code of a failed request" },
  ],
  capabilities: (device: Device) =>
    capable(device.host)
      ? [
          { label: "ott-download", variant: { output: "aggregate" }, when: "now ... future / 10s", parameters: PARAMETERS, results: OTT_COLUMNS, defaults: DEFAULTS },
          { label: "ott-download-detail", variant: { output: "detail" }, when: "now ... future / 10s", parameters: PARAMETERS, results: OTT_DETAIL_COLUMNS, defaults: DEFAULTS },
        ]
      : [],
  maxDurationMs: (params, spanMs) => spanMs + 2 * httpTimeout(params) + 1000,
  run: async (ctx: RunContext): Promise<ResultTable> => {
    const s = await session(ctx);
    const endWall = ctx.host.now();
    if (ctx.variant["output"] === "detail") {
      const rows: Cell[][] = [];
      for (const r of s.requests) rows.push(detailRow(r));
      return { columns: OTT_DETAIL_COLUMNS, rows: rows, startMs: s.wallStart, endMs: endWall };
    }
    return { columns: OTT_COLUMNS, rows: summaryRows(s, ctx.run.periodMs), startMs: s.wallStart, endMs: endWall };
  },
};
