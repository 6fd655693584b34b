// Mutation fuzzing of every text parser that reads what the outside world writes: the HLS,
// DASH and Smooth Streaming manifest parsers and the ping / traceroute output parsers of
// every flavour. Inputs are the real fixtures, mutated by a seeded generator (so a run is
// repeatable: the same seed gives the same inputs). Every input must give a value or a
// ProbeError; anything else (a TypeError, a stack overflow, a non-ProbeError throw) is a crash.
//   npm run fuzz [-- --per N --seed S]     (default 100000 inputs per parser, seed 1)
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ProbeError } from "../core/util/errors.ts";
import { parseDash } from "../core/measurements/ott/manifest/dash.ts";
import { parseHls, parseHlsMedia } from "../core/measurements/ott/manifest/hls.ts";
import { parseMss } from "../core/measurements/ott/manifest/mss.ts";
import { parsePingToJson } from "../core/measurements/ping/parse.ts";
import { parseTraceToJson } from "../core/measurements/traceroute/parse.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FIX = join(REPO, "tests/fixtures");

/** mulberry32: a small seeded generator, the same sequence on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  "-1", "0", "-0", "4294967296", "9007199254740993", "1e308", "NaN", "99999999999999999999", ".", "..", "\n", "\r\n", "\t", " ",
  "\"", "'", "<", ">", "&", "&amp;", "&#0;", "]]>", "<!--", "=", ",", ":", "@", "$", "$Number$", "$Time%05d$", "{start time}",
  "{CustomAttributes}", "#EXTINF:", "#EXT-X-BYTERANGE:", "#EXT-X-SKIP:SKIPPED-SEGMENTS=", "#EXT-X-GAP", "#EXT-X-STREAM-INF:BANDWIDTH=",
  "#EXT-X-MAP:URI=", " r=\"", " d=\"", " t=\"", "<S ", "<Period ", "<c ", "PT", "P1Y", "ms", "time=", "ttl=", "*", "!H", "<", "\u00e9", "\uFEFF",
];

/** One mutation of `text` (sometimes stacked), drawing from `other` for splices. */
export function mutate(text: string, other: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (s.length + 1));
    const len = Math.floor(r() * Math.min(64, s.length + 1));
    switch (Math.floor(r() * 8)) {
      case 0: // flip one character
        s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(at + 1);
        break;
      case 1: // delete a run
        s = s.slice(0, at) + s.slice(at + len);
        break;
      case 2: // duplicate a run (repeats tags, elements, lines)
        s = s.slice(0, at) + s.slice(at, at + len).repeat(1 + Math.floor(r() * 8)) + s.slice(at);
        break;
      case 3: // insert an interesting token
        s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(at);
        break;
      case 4: // truncate
        s = s.slice(0, at);
        break;
      case 5: { // splice in a piece of another input
        const o = Math.floor(r() * (other.length + 1));
        s = s.slice(0, at) + other.slice(o, o + len * 4) + s.slice(at);
        break;
      }
      case 6: // change a number
        s = s.replace(/\d+/, () => TOKENS[Math.floor(r() * 8)]);
        break;
      default: // swap two lines
      {
        const lines = s.split("\n");
        const i = Math.floor(r() * lines.length);
        const j = Math.floor(r() * lines.length);
        const t = lines[i];
        lines[i] = lines[j];
        lines[j] = t;
        s = lines.join("\n");
      }
    }
  }
  return s;
}

export interface Target {
  name: string;
  corpus: string[];
  parse: (text: string) => unknown;
}

function files(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir).filter(keep).sort().map((f) => readFileSync(join(dir, f), "utf8"));
}

export function targets(): Target[] {
  const M = join(FIX, "manifests");
  const hls = [...files(join(M, "hls"), (f) => f.endsWith(".m3u8")), ...files(join(M, "spec"), (f) => f.endsWith(".m3u8"))];
  const dash = [...files(join(M, "dash"), (f) => f.endsWith(".mpd")), ...files(join(M, "spec"), (f) => f.endsWith(".mpd") && !f.includes("r99990"))];
  const mss = [...files(join(M, "mss"), (f) => f.endsWith(".ismc")), ...files(join(M, "spec"), (f) => f.endsWith(".ismc"))];
  const U = "http://127.0.0.1:8080/a/b.m3u8";
  const out: Target[] = [
    { name: "manifest.hls", corpus: hls, parse: (t) => parseHls(t, U) },
    { name: "manifest.hlsMedia", corpus: hls, parse: (t) => parseHlsMedia(t, U, { windowMs: 60000 }) },
    { name: "manifest.dash", corpus: dash, parse: (t) => parseDash(t, "http://127.0.0.1:8080/a/m.mpd", { nowMs: 1704067322500, windowMs: 60000 }) },
    { name: "manifest.mss", corpus: mss, parse: (t) => parseMss(t, "http://127.0.0.1:8080/v.ism/Manifest") },
  ];
  for (const fl of ["busybox", "iputils", "toybox", "scamper", "fping"]) {
    const c = files(join(FIX, "ping"), (f) => f.startsWith(fl) && !f.endsWith(".stderr"));
    if (c.length > 0) out.push({ name: `ping.${fl}`, corpus: c, parse: (t) => parsePingToJson(fl, t) });
  }
  for (const fl of ["busybox", "traceroute", "tracepath", "scamper"]) {
    const c = files(join(FIX, "traceroute"), (f) => f.startsWith(fl));
    if (c.length > 0) out.push({ name: `traceroute.${fl}`, corpus: c, parse: (t) => parseTraceToJson(fl, t, "192.0.2.1") });
  }
  return out;
}

export interface FuzzCount {
  parser: string;
  inputs: number;
  values: number;
  /** ProbeError code -> count */
  errors: { [code: string]: number };
  /** Inputs that threw anything but a ProbeError (first few kept). */
  crashes: { input: string; error: string }[];
  crashCount: number;
  slowestMs: number;
}

/** Runs `per` mutated inputs through every parser, seeded; stops a parser early at `deadline` (performance.now()). */
export function fuzz(per: number, seed: number, deadline = Infinity): FuzzCount[] {
  const out: FuzzCount[] = [];
  for (const t of targets()) {
    const r = rng(seed);
    const c: FuzzCount = { parser: t.name, inputs: 0, values: 0, errors: {}, crashes: [], crashCount: 0, slowestMs: 0 };
    for (let i = 0; i < per && performance.now() < deadline; i++) {
      const base = t.corpus[Math.floor(r() * t.corpus.length)];
      const other = t.corpus[Math.floor(r() * t.corpus.length)];
      const input = i < t.corpus.length ? t.corpus[i] : mutate(base, other, r);
      const t0 = performance.now();
      try {
        t.parse(input);
        c.values++;
      } catch (e) {
        if (e instanceof ProbeError) c.errors[e.code] = (c.errors[e.code] ?? 0) + 1;
        else {
          c.crashCount++;
          if (c.crashes.length < 5) c.crashes.push({ input: input.slice(0, 2000), error: String((e as Error)?.stack ?? e).slice(0, 500) });
        }
      }
      const ms = performance.now() - t0;
      if (ms > c.slowestMs) c.slowestMs = ms;
      c.inputs++;
    }
    out.push(c);
  }
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (n: string, d: number): number => (args.includes(`--${n}`) ? Number(args[args.indexOf(`--${n}`) + 1]) : d);
  const per = arg("per", 100000);
  const seed = arg("seed", 1);
  const t0 = performance.now();
  let crashes = 0;
  for (const c of fuzz(per, seed)) {
    crashes += c.crashCount;
    const errs = Object.entries(c.errors).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`${c.parser.padEnd(22)} ${String(c.inputs).padStart(7)} inputs: ${String(c.values).padStart(7)} values, errors: ${errs || "none"}; crashes ${c.crashCount}; slowest ${c.slowestMs.toFixed(1)} ms`);
    for (const x of c.crashes) console.log(`  CRASH ${x.error.split("\n")[0]}\n    input: ${JSON.stringify(x.input.slice(0, 300))}`);
  }
  console.log(`seed ${seed}, ${per} per parser, ${((performance.now() - t0) / 1000).toFixed(1)} s, ${crashes} crashes`);
  process.exitCode = crashes > 0 ? 1 : 0;
}
