// OTT player bench. (1) Download throughput of the probe on each host (Node, qjs + curl,
// lua5.1 + luasocket) for the same top-level HLS segments through the same paced loopback
// server, against real curl fetching the same segments in the same run (goal: ratio >= 0.95).
// The probe's figure is bytes / (end - start) per video segment as the probe itself
// records it (ott-download-detail), median over the session; curl's is
// size_download / time_total, median of as many runs. (2) Memory: peak RSS (VmHWM, from
// /proc/<pid>/status, sampled every 250 ms) of the qjs and lua5.1 processes during a 60 s
// adaptive live session (the server's looping live playlist, so the 12 s media suffice);
// qjs's curl children are separate processes and not counted.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchRow, row } from "./report.ts";
import { curlThroughput } from "./ott-curl.ts";

const QJS = process.env.QJS ?? ".cache/qjs/qjs";
const HOSTS: { name: string; argv: string[] }[] = [
  { name: "node", argv: ["node", "tools/bin/miniprobe.mjs", "probe"] },
  { name: "qjs", argv: [QJS, "dist/miniprobe.js"] },
  { name: "lua5.1", argv: ["lua5.1", "dist/miniprobe.lua"] },
];

const tmp = mkdtempSync(join(tmpdir(), "ott-bench-"));
let seq = 0;

function spec(url: string, label: string, mode: string, spanS: number, bufferS: number): object {
  return {
    specification: "measure", label, when: `now + ${spanS}s / ${spanS}s`,
    parameters: {
      "content.url": url, "ott.protocol": "auto", "ott.mode": mode, "ott.abr": "throughput", "ott.level": "3",
      "ott.buffer.s": String(bufferS), "ott.http.timeout.ms": "20000",
    },
    results: [],
  };
}

function statusKb(pid: number, key: string): number | undefined {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs one spec; returns the result message and the peak RSS seen (kB). */
function runProbe(argv: string[], s: object): Promise<{ msg: { results: string[]; resultvalues: string[][] }; hwmKb: number }> {
  const file = join(tmp, `spec-${seq++}.json`);
  writeFileSync(file, JSON.stringify(s));
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], [...argv.slice(1), "--once", file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let hwm = 0;
    const sample = () => {
      const v = statusKb(p.pid!, "VmHWM") ?? statusKb(p.pid!, "VmRSS");
      if (v !== undefined && v > hwm) hwm = v;
    };
    const timer = setInterval(sample, 250);
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      sample();
    });
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
    p.on("close", (code) => {
      clearInterval(timer);
      try {
        const msg = JSON.parse(out);
        if (!msg.resultvalues) throw new Error(JSON.stringify(msg).slice(0, 300));
        resolve({ msg, hwmKb: hwm });
      } catch (e) {
        reject(new Error(`${argv[0]} exited ${code}: ${(e as Error).message} ${err.slice(0, 500)}`));
      }
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function bench(): Promise<BenchRow[]> {
  const { ottMedia, hlsFacts } = await import("../testkit/ott-media.ts");
  const { startOttServer } = await import("../testkit/ott-server.ts");
  const dir = await ottMedia();
  const top = hlsFacts(dir, "hls_ts").filter((r) => r.name !== "audio").pop()!;
  const rows: BenchRow[] = [];
  const RATE = 1_000_000;
  const S = `ott download throughput, top HLS level (${top.segments.length} segments), loopback paced ${RATE} B/s`;
  const srv = await startOttServer({ root: dir, rate: RATE });
  try {
    for (const h of HOSTS) {
      // fixed top level, a buffer longer than the content: the segments are fetched back to back
      const { msg } = await runProbe(h.argv, spec(`${srv.base}/hls_ts/master.m3u8`, "ott-download-detail", "fixed", 30, 600));
      const c = (name: string) => msg.results.indexOf(name);
      const video = msg.resultvalues.filter((r) => r[c("ott.request")] === "video" && r[c("http.code")] === "200");
      const probeRates = video.map((r) => Number(r[c("octets.layer7")]) / (Number(r[c("ott.download.ms")]) / 1000));
      // curl on the same segments, same server, same run
      const curlRates: number[] = [];
      for (const seg of top.segments) curlRates.push(await curlThroughput(`${srv.base}/${seg.path}`, 1));
      const p = median(probeRates);
      rows.push(row(S, `${h.name} probe (median of ${probeRates.length})`, Math.round(p), "B/s", { name: "curl", value: Math.round(median(curlRates)) }));
    }
  } finally {
    await srv.close();
  }
  // memory during a 60 s adaptive live session
  const M = "ott memory: peak RSS during a 60 s adaptive live session (3 Mbit/s paced, /proc VmHWM)";
  const jobs = HOSTS.map(async (h) => {
    const s2 = await startOttServer({ root: dir, rate: 375_000 });
    try {
      const { msg, hwmKb } = await runProbe(h.argv, spec(`${s2.base}/live/hls_ts/master.m3u8`, "ott-download", "adaptive", 60, 10));
      const segs = msg.resultvalues[0][msg.results.indexOf("ott.segments")];
      return row(M, h.name, hwmKb, "kB", undefined, `${segs} media requests`);
    } finally {
      await s2.close();
    }
  });
  for (const r of await Promise.all(jobs)) rows.push(r);
  return rows;
}
