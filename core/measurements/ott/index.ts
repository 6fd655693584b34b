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
import { Device, Measurement, ResultTable, RunContext } from "../types";
import { OTT_COLUMNS, OTT_DETAIL_COLUMNS } from "./columns";
import { DEFAULTS, PARAMETERS, httpTimeout } from "./params";
// A namespace import read at call time: the Lua bundle loads the player only when a session runs.
import * as impl from "./run";

export { OTT_COLUMNS, OTT_DETAIL_COLUMNS } from "./columns";

function capable(host: Host): boolean {
  return host.httpGet !== undefined;
}

export const ott: Measurement = {
  name: "ott-download",
  elements: () => [
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
  run: (ctx: RunContext): Promise<ResultTable> => impl.runOtt(ctx),
};
