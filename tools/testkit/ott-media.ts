// Real OTT test media (HLS mpegts + fMP4, DASH $Number$ + SegmentTimeline, Smooth Streaming),
// made by tools/ott/make-media.sh with ffmpeg and cached in .cache/ott-media/<key>, where key =
// sha256(script text + DUR + LADDER). Built at most once per key even when several ava
// worker processes ask at the same time: a lock directory (mkdir is atomic) plus a pid file;
// the builder writes into a temporary directory and renames it into place, so a key
// directory that exists is always complete. A lock whose owner process is dead is removed.
//
// Facts about the default set (DUR 12, ladder 160k/480k/1000k/2000k): see ottMediaFacts()
// and the report in tools/ott/README.md.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const MAKE_MEDIA = join(REPO, "tools/ott/make-media.sh");
export const DEFAULT_DUR = 12;

export interface OttMediaOptions {
  /** Seconds of media (env DUR of make-media.sh); default 12. */
  dur?: number;
  /** make-media.sh LADDER string ("name:WxH:kbps ..."); default: the script's own. */
  ladder?: string;
  /** Cache root; default <repo>/.cache/ott-media */
  cacheDir?: string;
  /** Longest time to wait for another process's build, ms; default 300000. */
  waitMs?: number;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function runScript(outDir: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  return new Promise((res, rej) => {
    const p = spawn("bash", [MAKE_MEDIA, outDir], { env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    p.stdout.resume();
    p.stderr.on("data", (d: Buffer) => {
      if (err.length < 20000) err += d.toString();
    });
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", (e) => {
      clearTimeout(timer);
      rej(e);
    });
    p.on("close", (code, sig) => {
      clearTimeout(timer);
      if (code === 0) res();
      else rej(new Error(`make-media.sh exited ${code ?? sig}: ${err.slice(0, 4000)}`));
    });
  });
}

/** The cache key for these options (hash of the script text + DUR + LADDER). */
export function ottMediaKey(opts: OttMediaOptions = {}): string {
  const h = createHash("sha256");
  h.update(readFileSync(MAKE_MEDIA));
  h.update(`\0DUR=${opts.dur ?? DEFAULT_DUR}\0LADDER=${opts.ladder ?? ""}`);
  return h.digest("hex").slice(0, 16);
}

/** Returns the media directory, building it first if no process has built it yet. */
export async function ottMedia(opts: OttMediaOptions = {}): Promise<string> {
  const cache = opts.cacheDir ?? join(REPO, ".cache/ott-media");
  const key = ottMediaKey(opts);
  const dir = join(cache, key);
  const lock = `${dir}.lock`;
  mkdirSync(cache, { recursive: true });
  const deadline = Date.now() + (opts.waitMs ?? 300000);
  // Bounded: each pass either returns, builds, or sleeps 200 ms until the deadline.
  for (;;) {
    if (existsSync(join(dir, "FACTS.txt"))) return dir;
    let locked = false;
    try {
      mkdirSync(lock);
      locked = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (locked) {
      writeFileSync(join(lock, "pid"), String(process.pid));
      const tmp = `${dir}.tmp-${process.pid}`;
      try {
        if (existsSync(join(dir, "FACTS.txt"))) return dir; // finished between our check and mkdir
        rmSync(tmp, { recursive: true, force: true });
        const env: NodeJS.ProcessEnv = { ...process.env, DUR: String(opts.dur ?? DEFAULT_DUR) };
        if (opts.ladder !== undefined) env.LADDER = opts.ladder;
        else delete env.LADDER;
        await runScript(tmp, env, 600000);
        if (existsSync(join(dir, "FACTS.txt"))) return dir; // a racing builder (stale-lock break) won
        rmSync(dir, { recursive: true, force: true }); // an incomplete leftover
        renameSync(tmp, dir);
        return dir;
      } finally {
        rmSync(tmp, { recursive: true, force: true });
        rmSync(lock, { recursive: true, force: true });
      }
    }
    // Someone else holds the lock: wait for them, or break a stale lock.
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(lock, "pid"), "utf8"));
    } catch {
      /* pid not written yet */
    }
    let age = 0;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // lock vanished: retry at once
    }
    if ((!Number.isNaN(owner) && !pidAlive(owner)) || (Number.isNaN(owner) && age > 10000)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`ottMedia: timed out waiting for ${lock} (pid ${owner})`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// Facts read back from the files (simple string handling on purpose: the project's manifest
// parsers are tested against this media, so they must not be used to describe it).

export interface SegmentFact {
  /** path relative to the media dir */
  path: string;
  bytes: number;
  /** EXTINF seconds */
  dur: number;
}
export interface HlsRenditionFact {
  /** directory name: ladder name ("480k") or "audio" */
  name: string;
  /** BANDWIDTH= of its EXT-X-STREAM-INF in master.m3u8 */
  bandwidth: number;
  /** nominal encoder bit rate from the name (e.g. 480000), undefined for "audio" */
  nominalBps?: number;
  /** EXT-X-MAP URI resolved to a path, fMP4 only */
  init?: SegmentFact;
  segments: SegmentFact[];
  durationSec: number;
  totalBytes: number;
  /** 8 * media-segment bytes / duration (init excluded) */
  measuredBps: number;
}

/** Lines of an HLS media playlist → [{uri, dur}] (EXTINF + next URI line). */
export function hlsSegmentsOf(playlist: string): { uri: string; dur: number }[] {
  const out: { uri: string; dur: number }[] = [];
  let dur: number | undefined;
  for (const raw of playlist.split("\n")) {
    const l = raw.trim();
    if (l.startsWith("#EXTINF:")) dur = parseFloat(l.slice(8));
    else if (l !== "" && !l.startsWith("#") && dur !== undefined) {
      out.push({ uri: l, dur });
      dur = undefined;
    }
  }
  return out;
}

/** Per-rendition facts for hls_ts or hls_fmp4 (video renditions in master order, then audio). */
export function hlsFacts(mediaDir: string, pkg: "hls_ts" | "hls_fmp4"): HlsRenditionFact[] {
  const master = readFileSync(join(mediaDir, pkg, "master.m3u8"), "utf8").split("\n");
  const out: HlsRenditionFact[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < master.length; i++) {
    const l = master[i].trim();
    let uri: string | undefined;
    let bandwidth = 0;
    if (l.startsWith("#EXT-X-STREAM-INF:")) {
      bandwidth = Number(/BANDWIDTH=(\d+)/.exec(l)?.[1] ?? 0);
      uri = master[i + 1]?.trim();
    } else if (l.startsWith("#EXT-X-MEDIA:")) {
      uri = /URI="([^"]+)"/.exec(l)?.[1];
    }
    if (!uri || seen.has(uri)) {
      if (uri && bandwidth) out.find((r) => `${r.name}/index.m3u8` === uri)!.bandwidth = bandwidth;
      continue;
    }
    seen.add(uri);
    const name = uri.split("/")[0];
    const rdir = join(pkg, name);
    const pl = readFileSync(join(mediaDir, pkg, uri), "utf8");
    const segs = hlsSegmentsOf(pl).map((s) => ({ path: join(rdir, s.uri), bytes: statSync(join(mediaDir, rdir, s.uri)).size, dur: s.dur }));
    const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(pl)?.[1];
    const durationSec = segs.reduce((a, s) => a + s.dur, 0);
    const totalBytes = segs.reduce((a, s) => a + s.bytes, 0);
    const m = /^(\d+)k$/.exec(name);
    out.push({
      name,
      bandwidth,
      nominalBps: m ? Number(m[1]) * 1000 : undefined,
      init: map ? { path: join(rdir, map), bytes: statSync(join(mediaDir, rdir, map)).size, dur: 0 } : undefined,
      segments: segs,
      durationSec,
      totalBytes,
      measuredBps: Math.round((8 * totalBytes) / durationSec),
    });
  }
  // video first (by bandwidth), audio last
  return out.sort((a, b) => (a.name === "audio" ? 1 : 0) - (b.name === "audio" ? 1 : 0) || a.bandwidth - b.bandwidth);
}

export interface FileRenditionFact {
  /** DASH Representation id, or MSS QualityLevels bitrate */
  id: string;
  /** DASH bandwidth= / MSS Bitrate= */
  bandwidth: number;
  files: { path: string; bytes: number }[];
  /** media bytes (init excluded) */
  totalBytes: number;
  measuredBps: number;
}

/** DASH (dash or dash_timeline): files chunk-<id>-NNNNN.m4s per Representation id. */
export function dashFacts(mediaDir: string, pkg: "dash" | "dash_timeline", durationSec: number): FileRenditionFact[] {
  const mpd = readFileSync(join(mediaDir, pkg, "manifest.mpd"), "utf8");
  const files = readdirSync(join(mediaDir, pkg)).sort();
  return [...mpd.matchAll(/<Representation id="([^"]+)"[^>]*bandwidth="(\d+)"/g)].map((m) => {
    const fs = files.filter((f) => f.startsWith(`chunk-${m[1]}-`)).map((f) => ({ path: join(pkg, f), bytes: statSync(join(mediaDir, pkg, f)).size }));
    const totalBytes = fs.reduce((a, f) => a + f.bytes, 0);
    return { id: m[1], bandwidth: Number(m[2]), files: fs, totalBytes, measuredBps: Math.round((8 * totalBytes) / durationSec) };
  });
}

/** Smooth Streaming: QualityLevels(<bitrate>)/Fragments(<type>=<t>) files per quality level. */
export function mssFacts(mediaDir: string, durationSec: number): FileRenditionFact[] {
  const dirs = readdirSync(join(mediaDir, "mss")).filter((d) => d.startsWith("QualityLevels("));
  return dirs
    .map((d) => {
      const id = /\((\d+)\)/.exec(d)![1];
      const fs = readdirSync(join(mediaDir, "mss", d))
        .map((f) => ({ path: join("mss", d, f), bytes: statSync(join(mediaDir, "mss", d, f)).size, t: Number(/=(\d+)\)/.exec(f)?.[1] ?? 0) }))
        .sort((a, b) => a.t - b.t)
        .map(({ path, bytes }) => ({ path, bytes }));
      const totalBytes = fs.reduce((a, f) => a + f.bytes, 0);
      return { id, bandwidth: Number(id), files: fs, totalBytes, measuredBps: Math.round((8 * totalBytes) / durationSec) };
    })
    .sort((a, b) => a.bandwidth - b.bandwidth);
}

export interface OttMediaFacts {
  dir: string;
  dur: number;
  hls_ts: HlsRenditionFact[];
  hls_fmp4: HlsRenditionFact[];
  dash: FileRenditionFact[];
  dash_timeline: FileRenditionFact[];
  mss: FileRenditionFact[];
}

/** Everything above for one media dir (dur = the DUR it was built with, from FACTS.txt). */
export function ottMediaFacts(mediaDir: string): OttMediaFacts {
  const dur = Number(/DUR=(\d+(?:\.\d+)?)/.exec(readFileSync(join(mediaDir, "FACTS.txt"), "utf8"))?.[1] ?? DEFAULT_DUR);
  return {
    dir: mediaDir,
    dur,
    hls_ts: hlsFacts(mediaDir, "hls_ts"),
    hls_fmp4: hlsFacts(mediaDir, "hls_fmp4"),
    dash: dashFacts(mediaDir, "dash", dur),
    dash_timeline: dashFacts(mediaDir, "dash_timeline", dur),
    mss: mssFacts(mediaDir, dur),
  };
}

// ---------------------------------------------------------------------------------------------
// A two-period DASH presentation over the same ffmpeg media, whose Representation ids change
// from one period to the next (as ad-insertion packagers write them): period 1 plays
// segments 1-3 of dash/, period 2 (ids "ad-…", listed in descending bandwidth order) plays
// segments 4-6 with startNumber 4 and a presentationTimeOffset of 6 s (ISO/IEC 23009-1
// 5.3.9.2). Written as <root>/two-period.mpd next to a "dash" link to the media, so the OTT
// server serves both from <root>.

/** Writes the two-period MPD (and the media link) into `root`; returns the MPD's path relative to it. */
export function writeTwoPeriodDash(mediaDir: string, root: string): string {
  const link = join(root, "dash");
  if (!existsSync(link)) symlinkSync(join(mediaDir, "dash"), link);
  const levels = dashFacts(mediaDir, "dash", DEFAULT_DUR).sort((a, b) => a.bandwidth - b.bandwidth);
  const video = levels.filter((l) => l.bandwidth > 100000);
  const audio = levels.find((l) => l.bandwidth <= 100000)!;
  const tpl = (file: string, start: number, pto: number): string =>
    `<SegmentTemplate timescale="1000" duration="2000" startNumber="${start}" presentationTimeOffset="${pto}" ` +
    `initialization="dash/init-${file}.m4s" media="dash/chunk-${file}-$Number%05d$.m4s"/>`;
  const rep = (id: string, file: string, bw: number, start: number, pto: number, video: boolean): string =>
    `<Representation id="${id}" mimeType="${video ? "video" : "audio"}/mp4" codecs="${video ? "avc1.4d401f" : "mp4a.40.2"}" bandwidth="${bw}"` +
    (video ? ` width="${[384, 640, 960, 1280][Number(file)]}" height="${[216, 360, 540, 720][Number(file)]}"` : "") + `>${tpl(file, start, pto)}</Representation>`;
  const period = (id: string, start: string, prefix: string, first: number, pto: number, order: (xs: typeof video) => typeof video): string =>
    `<Period id="${id}" start="${start}">` +
    `<AdaptationSet contentType="video">${order(video).map((l) => rep(prefix + l.id, l.id, l.bandwidth, first, pto, true)).join("")}</AdaptationSet>` +
    `<AdaptationSet contentType="audio" lang="und">${rep(prefix + "a", audio.id, audio.bandwidth, first, pto, false)}</AdaptationSet></Period>`;
  const mpd =
    `<?xml version="1.0" encoding="utf-8"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT12S" minBufferTime="PT4S">` +
    period("main", "PT0S", "", 1, 0, (xs) => xs) + period("ad", "PT6S", "ad-", 4, 6000, (xs) => [...xs].reverse()) + `</MPD>\n`;
  writeFileSync(join(root, "two-period.mpd"), mpd);
  return "two-period.mpd";
}
