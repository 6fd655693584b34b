// Peak memory of the whole probe process (VmHWM from /proc/PID/status, polled every 10 ms)
// on compact and long manifests, against the same runtime's idle peak (the bundle loaded,
// capabilities printed) measured in the same run:
//  (a) the 464-byte MPD with a SegmentTimeline of r="99990" and two representations
//      (tests/fixtures/manifests/spec/dash-timeline-r99990.mpd), 10 s scope — goal <= 2 MB over idle;
//  (b) a 2 MB HLS media playlist with 99,990 segments, 10 s scope — goal <= 16 MB over idle.
// Segments are answered with 2 KB bodies by a local server, so the sessions play.
//   node --import tsx tools/bench/manifest-memory.ts   (or npm run bench manifest-memory)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchRow, printRows, row } from "./report.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const QJS = process.env.QJS ?? join(REPO, ".cache/qjs/qjs");
const RUNTIMES: { name: string; argv: string[] }[] = [
  { name: "lua5.1", argv: ["lua5.1", join(REPO, "dist/miniprobe.lua")] },
  { name: "qjs", argv: [QJS, join(REPO, "dist/miniprobe.js")] },
];

function hlsPlaylist(n: number): string {
  const out = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"];
  // about 21 bytes a segment: 99,990 segments make the 2 MB playlist
  for (let i = 0; i < n; i++) out.push("#EXTINF:2,", `s${i}.ts`);
  out.push("#EXT-X-ENDLIST", "");
  return out.join("\n");
}

function serve(files: Map<string, string>): Promise<{ base: string; close: () => Promise<void> }> {
  const seg = Buffer.alloc(2048, 0x47);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const f = files.get(path);
    const body = f !== undefined ? Buffer.from(f) : seg;
    res.writeHead(200, { "Content-Length": body.length, "Content-Type": f !== undefined ? "text/plain" : "video/mp4" });
    res.end(body);
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

function hwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs argv to completion (bounded), returning the last VmHWM seen and the wall time. */
function peak(argv: string[], timeoutMs: number): Promise<{ kb: number; ms: number; out: string }> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.resume();
    let kb = 0;
    const poll = setInterval(() => {
      const v = hwmKb(p.pid!);
      if (v !== undefined && v > kb) kb = v;
    }, 10);
    const kill = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", (e) => (clearInterval(poll), clearTimeout(kill), fail(e)));
    p.on("close", () => {
      clearInterval(poll);
      clearTimeout(kill);
      ok({ kb, ms: performance.now() - t0, out });
    });
  });
}

function spec(url: string): object {
  return {
    specification: "measure", label: "ott-download", when: "now + 10s / 10s", results: [],
    parameters: { "content.url": url, "ott.protocol": "auto", "ott.mode": "adaptive", "ott.abr": "throughput", "ott.level": "0", "ott.buffer.s": "30", "ott.http.timeout.ms": "5000" },
  };
}

export async function bench(): Promise<BenchRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), "manifest-memory-"));
  const mpd = readFileSync(join(REPO, "tests/fixtures/manifests/spec/dash-timeline-r99990.mpd"), "utf8");
  const hls = hlsPlaylist(99990);
  const srv = await serve(new Map([["/m.mpd", mpd], ["/index.m3u8", hls]]));
  const rows: BenchRow[] = [];
  try {
    const cases = [
      { name: `DASH ${mpd.length}-byte MPD, r=99990, 10 s`, url: `${srv.base}/m.mpd`, goalKb: 2048 },
      { name: `HLS ${(hls.length / 1048576).toFixed(1)} MB, 99,990 segments, 10 s`, url: `${srv.base}/index.m3u8`, goalKb: 16384 },
    ];
    for (const rt of RUNTIMES) {
      const idle = await peak([...rt.argv, "--capabilities"], 60000);
      for (const c of cases) {
        const file = join(tmp, `spec-${rt.name}.json`);
        writeFileSync(file, JSON.stringify(spec(c.url)));
        const r = await peak([...rt.argv, "--once", file], 120000);
        const played = /"resultvalues"/.test(r.out);
        const over = r.kb - idle.kb;
        rows.push(
          row("manifest-memory", `${rt.name}: ${c.name}`, over, "kB over idle", { name: "goal", value: c.goalKb },
            `peak ${r.kb} kB, idle ${idle.kb} kB, ${(r.ms / 1000).toFixed(1)} s${played ? "" : ", NO RESULT"}`),
        );
      }
    }
  } finally {
    await srv.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) printRows(await bench());
