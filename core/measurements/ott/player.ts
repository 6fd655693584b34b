// The player emulator: fetches the manifest, then segments in step with presentation time,
// pausing while the buffer is full, choosing levels by mode (adaptive / fixed / parallel),
// refreshing live playlists, and recording every request and stall (scores.ts reads the
// record). HTTP only through the Host boundary; time only through host.mono().
import { Host, HttpOptions, HttpResult } from "../../host";
import { httpGet } from "../../host-async";
import { Cancel } from "../../cancel";
import { asProbeError } from "../../util/errors";
import { fmtNum } from "../../util/num";
import { bbaZones, chooseByBuffer, chooseByThroughput, harmonicMean, SAFETY, THROUGHPUT_WINDOW } from "./abr";
import { parseDash } from "./manifest/dash";
import { parseManifest } from "./manifest/detect";
import { applyHlsMedia, parseHls, parseHlsMedia } from "./manifest/hls";
import { Manifest, Rendition, Segment } from "./manifest/model";
import { parseMss } from "./manifest/mss";
import { Playback } from "./playback";
import { RequestKind, RequestRecord, SessionRecord, requestFailed } from "./scores";

export type Protocol = "auto" | "hls" | "dash" | "mss";
export type Mode = "adaptive" | "fixed" | "parallel";
export type Abr = "throughput" | "buffer";

export interface PlayerOptions {
  url: string;
  protocol: Protocol;
  mode: Mode;
  abr: Abr;
  /** Fixed mode: ladder index (clamped to the top). */
  level: number;
  bufferMs: number;
  httpTimeoutMs: number;
  /** Monotonic time at which the session ends. */
  endMono: number;
  stopped: () => boolean;
  /** Cancelled on interrupt, SIGTERM or deadline: the download in flight stops at once. */
  cancel?: Cancel;
  log: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

export interface SessionResult extends SessionRecord {
  /** Wall clock and monotonic time of the session start. */
  wallStart: number;
  monoStart: number;
  /** Why the session ended: "duration", "content-end", "stopped", "manifest". */
  reason: string;
  /** Declared bandwidths of the ladder (ascending). */
  ladder: number[];
}

const MANIFEST_MAX_BYTES = 4194304;
const SEGMENT_MAX_BYTES = 67108864;
const MAX_REDIRECTS = 10;
/** Live: how far behind the live edge playback starts, in segments (as hls.js's default 3 target durations). */
const LIVE_EDGE_SEGMENTS = 3;
/**
 * Presentation time expanded from a manifest beyond what the session can play (its
 * remaining time plus the buffer): room for the live start offset and a reload's drift.
 */
const WINDOW_MARGIN_MS = 60000;

interface Got {
  err?: string;
  res?: HttpResult;
}

async function get(host: Host, url: string, opts: HttpOptions, cancel: Cancel | undefined): Promise<Got> {
  try {
    return { res: await httpGet(host, url, opts, cancel) };
  } catch (e) {
    return { err: asProbeError(e).code };
  }
}

/** Waits up to `ms`; returns early when the session is cancelled. */
function pause(host: Host, ms: number, cancel: Cancel | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    let off: () => void = () => undefined;
    const id = host.setTimer(ms < 0 ? 0 : ms, () => {
      off();
      resolve();
    });
    if (cancel !== undefined) {
      off = cancel.onCancel(() => {
        host.clearTimer(id);
        resolve();
      });
    }
  });
}

interface Position {
  number?: number;
  timeMs: number;
}

/** An HLS variant whose CODECS name only audio (kept out of a ladder that has video). */
export function audioOnly(r: Rendition): boolean {
  return r.type === "audio";
}

function byBandwidth(a: Rendition, b: Rendition): number {
  if (a.bandwidth !== b.bandwidth) return a.bandwidth < b.bandwidth ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The segment at a position: by sequence number when both carry one (HLS: times restart
 * at every live reload), else by presentation time (DASH numbers restart in every period).
 */
export function findSegment(segs: Segment[], pos: Position): Segment | undefined {
  if (pos.number !== undefined && segs.length > 0 && segs[0].number !== undefined) {
    for (const s of segs) if (s.number === pos.number) return s;
    // fell behind a sliding window: the oldest still listed
    if ((segs[0].number as number) > pos.number) return segs[0];
    return undefined;
  }
  for (const s of segs) if (s.startMs + s.durationMs > pos.timeMs + 1) return s;
  return undefined;
}

function nextPosition(s: Segment, byNumber: boolean): Position {
  const p: Position = { timeMs: s.startMs + s.durationMs };
  if (byNumber && s.number !== undefined) p.number = s.number + 1;
  return p;
}

export class Player {
  private readonly requests: RequestRecord[] = [];
  private readonly t0: number;
  private readonly wall0: number;
  private manifest: Manifest | undefined = undefined;
  private ladder: Rendition[] = [];
  private audio: Rendition | undefined = undefined;
  private readonly loadedAt = new Map<Rendition, number>();
  private readonly initDone = new Map<string, boolean>();
  private readonly samples: number[] = [];
  private readonly playback: Playback;
  private reason = "duration";
  private readonly noted = new Map<string, boolean>();
  /** HLS: segments are found by media sequence number (times restart at every live reload). */
  private byNumber = false;
  /** Live content: the manifest says so, or (HLS master) its media playlists do. */
  private live = false;
  private targetMs: number | undefined = undefined;

  constructor(readonly host: Host, readonly o: PlayerOptions) {
    this.t0 = host.mono();
    this.wall0 = host.now();
    // startup threshold: min(buffer, 2 segments); the segment length is not known yet,
    // so it is set when the first segment is chosen (see startupFor)
    this.playback = new Playback(0, o.bufferMs);
  }

  private rel(): number {
    return this.host.mono() - this.t0;
  }

  /** One recorded request. */
  private async fetch(
    url: string, kind: RequestKind, r: Rendition | undefined, level: number, seg: Segment | undefined, played: boolean, keepBody: boolean,
  ): Promise<{ rec: RequestRecord; res?: HttpResult }> {
    const opts: HttpOptions = {
      timeoutMs: this.o.httpTimeoutMs,
      maxBytes: keepBody ? MANIFEST_MAX_BYTES : SEGMENT_MAX_BYTES,
      maxRedirects: MAX_REDIRECTS,
      keepBody: keepBody,
    };
    if (seg !== undefined && seg.byteRange !== undefined) opts.range = [seg.byteRange[0], seg.byteRange[1]];
    const wall = this.host.now();
    const m0 = this.host.mono();
    const got = await get(this.host, url, opts, this.o.cancel);
    const m1 = this.host.mono();
    const rec: RequestRecord = {
      kind: kind, url: url, level: level, bandwidth: r !== undefined ? r.bandwidth : 0,
      startMs: m0 - this.t0, endMs: m1 - this.t0, wallMs: wall, status: 0, redirects: 0, bytes: 0,
      mediaMs: kind === "video" || kind === "audio" ? (seg !== undefined ? seg.durationMs : 0) : 0, played: played,
    };
    if (r !== undefined && kind === "video") {
      if (r.width !== undefined) rec.width = r.width;
      if (r.height !== undefined) rec.height = r.height;
      if (r.frameRate !== undefined) rec.frameRate = r.frameRate;
    }
    const res = got.res;
    if (res === undefined) {
      rec.error = got.err !== undefined ? got.err : "EIO";
      this.requests.push(rec);
      return { rec: rec };
    }
    // the host's own timings are closer to the wire than ours
    if (res.t.start >= m0 && res.t.end <= m1 && res.t.end >= res.t.start) {
      rec.startMs = res.t.start - this.t0;
      rec.endMs = res.t.end - this.t0;
    }
    if (res.t.firstByte !== undefined) rec.ttfbMs = res.t.firstByte - res.t.start;
    rec.status = res.status;
    rec.redirects = res.redirects;
    rec.bytes = res.bytes;
    if (res.status < 200 || res.status > 299) rec.error = "EHTTP";
    this.requests.push(rec);
    return { rec: rec, res: res };
  }

  /** Presentation time this session can still play, plus margin: what parsers expand. */
  private windowMs(): number {
    const rem = this.remaining();
    return (rem > 0 ? rem : 0) + this.o.bufferMs + WINDOW_MARGIN_MS;
  }

  private parseTop(text: string, url: string, contentType: string | undefined): Manifest {
    const opts = { nowMs: this.host.now(), windowMs: this.windowMs() };
    if (this.o.protocol === "hls") return parseHls(text, url, opts);
    if (this.o.protocol === "dash") return parseDash(text, url, opts);
    if (this.o.protocol === "mss") return parseMss(text, url, opts);
    return parseManifest(text, url, contentType, opts);
  }

  /** Fetches and parses the top manifest; undefined (recorded as failed) when it cannot be used. */
  private async loadManifest(url: string): Promise<Manifest | undefined> {
    const f = await this.fetch(url, "manifest", undefined, -1, undefined, false, true);
    if (f.res === undefined || requestFailed(f.rec)) return undefined;
    try {
      const m = this.parseTop(f.res.body !== undefined ? f.res.body : "", f.res.url, f.res.headers["content-type"]);
      this.note(url, m.warnings);
      return m;
    } catch (e) {
      f.rec.error = "EMANIFEST";
      this.o.log("warn", "manifest " + url + ": " + asProbeError(e).message);
      return undefined;
    }
  }

  /** HLS: the media playlist of a rendition (loaded once; reloaded for live). */
  private async loadMedia(r: Rendition): Promise<boolean> {
    const url = r.mediaUrl;
    if (url === undefined) return true;
    const f = await this.fetch(url, "manifest", undefined, -1, undefined, false, true);
    this.loadedAt.set(r, this.host.mono());
    if (f.res === undefined || requestFailed(f.rec)) return false;
    try {
      const media = parseHlsMedia(f.res.body !== undefined ? f.res.body : "", f.res.url, { windowMs: this.windowMs() });
      this.note(url, media.warnings);
      applyHlsMedia(r, media);
      if (media.live) this.live = true;
      if (media.targetDurationMs !== undefined) this.targetMs = media.targetDurationMs;
      return true;
    } catch (e) {
      f.rec.error = "EMANIFEST";
      this.o.log("warn", "media playlist " + url + ": " + asProbeError(e).message);
      return false;
    }
  }

  /** What the parser tolerated or skipped (e.g. a Smooth text stream) goes to the log once per manifest URL. */
  private note(url: string, warnings: string[]): void {
    if (warnings.length === 0 || this.noted.has(url)) return;
    this.noted.set(url, true);
    const shown = warnings.length > 5 ? warnings.slice(0, 5) : warnings;
    this.o.log("info", "manifest " + url + ": " + shown.join("; ") + (warnings.length > 5 ? " (and " + fmtNum(warnings.length - 5) + " more)" : ""));
  }

  private isHlsMaster(): boolean {
    const m = this.manifest as Manifest;
    return m.kind === "hls" && m.hls !== undefined && m.hls.master;
  }

  /** Live: reload what lists the segments of `r` (HLS media playlist, or the whole manifest). */
  private async refresh(r: Rendition): Promise<void> {
    const m = this.manifest as Manifest;
    if (this.isHlsMaster()) {
      await this.loadMedia(r);
      return;
    }
    const fresh = await this.loadManifest(m.location !== undefined ? m.location : m.url);
    this.loadedAt.set(r, this.host.mono());
    if (fresh === undefined) return;
    const lists: Rendition[] = [];
    for (const x of fresh.renditions) lists.push(x);
    if (fresh.audio !== undefined) for (const x of fresh.audio) lists.push(x);
    const mine: Rendition[] = [];
    for (const x of this.ladder) mine.push(x);
    if (this.audio !== undefined) mine.push(this.audio);
    for (const x of mine) {
      for (const y of lists) if (y.id === x.id) x.segments = y.segments;
    }
  }

  private refreshIntervalMs(): number {
    const m = this.manifest as Manifest;
    const target = m.targetDurationMs !== undefined ? m.targetDurationMs : this.targetMs;
    let ms = m.refreshMs !== undefined ? m.refreshMs : target !== undefined ? target : 2000;
    if (this.isHlsMaster()) ms = ms / 2;
    return ms < 500 ? 500 : ms;
  }

  private async ensureLoaded(r: Rendition): Promise<void> {
    if (this.isHlsMaster() && !this.loadedAt.has(r)) await this.loadMedia(r);
  }

  private chooseAudio(m: Manifest): Rendition | undefined {
    if (m.audio === undefined || m.audio.length === 0) return undefined;
    const group = this.ladder.length > 0 ? this.ladder[0].audioGroup : undefined;
    for (const a of m.audio) {
      if (m.kind === "hls" && a.mediaUrl === undefined) continue;
      if (group === undefined || a.group === group) return a;
    }
    return undefined;
  }

  private remaining(): number {
    return this.o.endMono - this.host.mono();
  }

  private over(): boolean {
    if (this.o.stopped() || (this.o.cancel !== undefined && this.o.cancel.cancelled)) {
      this.reason = "stopped";
      return true;
    }
    return this.remaining() <= 0;
  }

  /** Downloads the init section a segment needs, once per URL and range. */
  private async initFor(r: Rendition, s: Segment, level: number): Promise<void> {
    const init = s.initSegment !== undefined ? s.initSegment : r.initSegment;
    if (init === undefined) return;
    const key = init.url + (init.byteRange !== undefined ? "#" + fmtNum(init.byteRange[0]) + "-" + fmtNum(init.byteRange[1]) : "");
    if (this.initDone.has(key)) return;
    const f = await this.fetch(init.url, "init", r, level, init, false, false);
    if (!requestFailed(f.rec)) this.initDone.set(key, true);
  }

  private async segment(r: Rendition, s: Segment, kind: RequestKind, level: number, played: boolean): Promise<RequestRecord> {
    await this.initFor(r, s, level);
    const f = await this.fetch(s.url, kind, r, level, s, played, false);
    return f.rec;
  }

  /**
   * Audio that goes with the video segment `v`: the audio segment of the same sequence
   * number when both carry numbers (HLS: times restart at every live playlist reload),
   * else every audio segment that starts before the end of `v`.
   */
  private async audioFor(pos: Position, v: Segment): Promise<Position> {
    const a = this.audio;
    if (a === undefined || this.over()) return pos;
    if (this.byNumber && v.number !== undefined && a.segments.length > 0 && a.segments[0].number !== undefined) {
      const s = findSegment(a.segments, { number: v.number, timeMs: 0 });
      if (s === undefined || (pos.number !== undefined && (s.number as number) < pos.number)) return pos;
      if (s.gap === true) this.gap(s, a, "audio", -1);
      else await this.segment(a, s, "audio", -1, false);
      return nextPosition(s, true);
    }
    const untilMs = v.startMs + v.durationMs;
    let p = pos;
    while (p.timeMs + 1 < untilMs && !this.over()) {
      const s = findSegment(a.segments, { timeMs: p.timeMs });
      if (s === undefined) return p;
      if (s.gap === true) this.gap(s, a, "audio", -1);
      else await this.segment(a, s, "audio", -1, false);
      p = nextPosition(s, false);
    }
    return p;
  }

  /** An #EXT-X-GAP segment: not requested; recorded as a gap, which is not a failure. */
  private gap(s: Segment, r: Rendition, kind: RequestKind, level: number): RequestRecord {
    const now = this.rel();
    const rec: RequestRecord = {
      kind: "gap", url: s.url, level: level, bandwidth: r.bandwidth, startMs: now, endMs: now, wallMs: this.host.now(),
      status: 0, redirects: 0, bytes: 0, mediaMs: s.durationMs, played: kind === "video",
    };
    this.requests.push(rec);
    return rec;
  }

  private startLevel(): number {
    const top = this.ladder.length - 1;
    if (this.o.mode === "parallel") return top;
    if (this.o.mode === "fixed") return this.o.level > top ? top : this.o.level;
    return 0;
  }

  private chooseLevel(current: number, bufferLevelMs: number, segMs: number): number {
    if (this.o.mode !== "adaptive") return current;
    const bws: number[] = [];
    for (const r of this.ladder) bws.push(r.bandwidth);
    if (this.o.abr === "buffer") {
      const z = bbaZones(this.o.bufferMs, segMs);
      return chooseByBuffer(bws, current, bufferLevelMs, z.reservoirMs, z.cushionMs);
    }
    return chooseByThroughput(bws, harmonicMean(this.samples, THROUGHPUT_WINDOW), SAFETY);
  }

  async run(): Promise<SessionResult> {
    const m = await this.loadManifest(this.o.url);
    if (m === undefined) return this.finish("manifest");
    this.manifest = m;
    this.live = m.live;
    this.byNumber = m.kind === "hls";
    const ladder: Rendition[] = [];
    let hasVideo = false;
    for (const r of m.renditions) if (!audioOnly(r)) hasVideo = true;
    for (const r of m.renditions) if (!hasVideo || !audioOnly(r)) ladder.push(r);
    ladder.sort(byBandwidth);
    this.ladder = ladder;
    if (ladder.length === 0) {
      this.o.log("warn", "the manifest lists no playable rendition");
      return this.finish("manifest");
    }
    this.audio = this.chooseAudio(m);
    let level = this.startLevel();
    await this.ensureLoaded(ladder[level]);
    if (this.audio !== undefined) await this.ensureLoaded(this.audio);
    // where playback starts: the beginning (VOD) or near the live edge
    let pos: Position = { timeMs: 0 };
    const first = ladder[level].segments;
    if (first.length > 0) {
      const k = this.live && first.length > LIVE_EDGE_SEGMENTS ? first.length - LIVE_EDGE_SEGMENTS : 0;
      pos = { timeMs: first[k].startMs };
      if (this.byNumber && first[k].number !== undefined) pos.number = first[k].number;
    } else if (!this.live) {
      return this.finish("manifest");
    }
    let audioPos: Position = { timeMs: pos.timeMs };
    let startupSet = false;
    while (!this.over()) {
      const r0 = ladder[level];
      const probe = findSegment(r0.segments, pos);
      const segMs = probe !== undefined ? probe.durationMs : m.targetDurationMs !== undefined ? m.targetDurationMs : 2000;
      if (!startupSet) {
        // startup threshold: min(buffer length, 2 segments)
        const th = 2 * segMs < this.o.bufferMs ? 2 * segMs : this.o.bufferMs;
        this.playback.startupMs = th;
        startupSet = true;
      }
      const buf = this.playback.level(this.rel());
      if (buf > 0 && buf + segMs > this.o.bufferMs) {
        // buffer full: wait until the next segment fits
        const wait = buf + segMs - this.o.bufferMs;
        const rem = this.remaining();
        await pause(this.host, wait < rem ? wait : rem, this.o.cancel);
        continue;
      }
      const next = this.chooseLevel(level, buf, segMs);
      if (next !== level) {
        level = next;
        await this.ensureLoaded(ladder[level]);
      }
      const r = ladder[level];
      const seg = findSegment(r.segments, pos);
      if (seg === undefined) {
        if (!this.live) {
          this.playback.complete(this.rel());
          return this.finish("content-end");
        }
        // live: the next segment is not listed yet
        const last = this.loadedAt.get(r);
        const due = (last !== undefined ? last : 0) + this.refreshIntervalMs() - this.host.mono();
        if (due > 0) {
          const rem = this.remaining();
          await pause(this.host, due < rem ? due : rem, this.o.cancel);
          continue;
        }
        await this.refresh(r);
        if (this.audio !== undefined && this.isHlsMaster()) await this.refresh(this.audio);
        continue;
      }
      if (seg.gap === true) {
        // a gap plays out as the time it covers (the player moves over it), without a request
        this.gap(seg, r, "video", level);
        this.playback.addMedia(this.rel(), seg.durationMs);
        pos = nextPosition(seg, this.byNumber);
        continue;
      }
      let played: RequestRecord;
      if (this.o.mode === "parallel") {
        const jobs: Promise<RequestRecord>[] = [];
        for (let i = 0; i < ladder.length; i++) {
          const li = i;
          const ri = ladder[li];
          if (li !== level) {
            const s = findSegment(ri.segments, pos);
            if (s !== undefined && s.gap !== true) jobs.push(this.segment(ri, s, "video", li, false));
          }
        }
        jobs.push(this.segment(r, seg, "video", level, true));
        const recs = await Promise.all(jobs);
        played = recs[recs.length - 1];
      } else {
        played = await this.segment(r, seg, "video", level, true);
      }
      if (this.audio !== undefined) audioPos = await this.audioFor(audioPos, seg);
      const now = this.rel();
      if (!requestFailed(played)) {
        const dl = played.endMs - played.startMs;
        if (dl > 0 && played.bytes > 0) this.samples.push((played.bytes * 8 * 1000) / dl);
        this.playback.addMedia(now, seg.durationMs);
      }
      played.bufferMs = this.playback.level(now);
      pos = nextPosition(seg, this.byNumber);
    }
    return this.finish(this.reason);
  }

  private finish(reason: string): SessionResult {
    let end = this.rel();
    const planned = this.o.endMono - this.t0;
    // a download in flight at the planned end was awaited (hosts cannot cancel one): the
    // session still ends at its planned end; what arrived later does not count
    if (reason === "duration" && end > planned) end = planned;
    if (reason === "content-end") {
      // nothing more can happen: the session ends when playback of the content ends (or
      // at the planned end, if sooner), without waiting for it in real time
      const endRel = this.o.endMono - this.t0;
      const dry = this.playback.dryAtMs();
      if (dry !== undefined && dry > end) end = dry;
      if (end > endRel && endRel > this.rel()) end = endRel;
    }
    this.playback.finish(end);
    const out: SessionResult = {
      requests: this.requests,
      stalls: this.playback.stalls,
      endMs: end,
      wallStart: this.wall0,
      monoStart: this.t0,
      reason: reason,
      ladder: [],
    };
    if (this.playback.playStartMs !== undefined) out.playStartMs = this.playback.playStartMs;
    for (const r of this.ladder) out.ladder.push(r.bandwidth);
    return out;
  }
}
