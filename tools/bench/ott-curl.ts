// Baseline for the OTT player benchmark: what the real curl gets through the same paced
// server or netns link. Not wired into tools/bench/index.ts (the lead does that); bench()
// below is ready to be a section.
import { spawn } from "node:child_process";
import { BenchRow, row } from "./report.ts";

export interface CurlRun {
  bytes: number;
  seconds: number;
  /** bytes / seconds */
  rate: number;
}

export interface CurlOptions {
  /** argv prefix, e.g. NetnsLink.clientExec to run curl inside the client namespace */
  prefix?: string[];
  /** per-run limit, ms (default 120000); curl also gets --max-time */
  timeoutMs?: number;
}

function once(url: string, opts: CurlOptions): Promise<CurlRun> {
  const timeoutMs = opts.timeoutMs ?? 120000;
  const curl = ["curl", "-s", "-S", "-o", "/dev/null", "--max-time", String(Math.ceil(timeoutMs / 1000)), "-w", "%{size_download} %{time_total} %{http_code}", url];
  const argv = [...(opts.prefix ?? []), ...curl];
  return new Promise((res, rej) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs + 5000);
    p.on("error", (e) => {
      clearTimeout(timer);
      rej(e);
    });
    p.on("close", (code) => {
      clearTimeout(timer);
      const [b, t, status] = out.trim().split(/\s+/);
      if (code !== 0 || status !== "200") return rej(new Error(`curl ${url}: exit ${code}, HTTP ${status}: ${err.trim()}`));
      const bytes = Number(b);
      const seconds = Number(t);
      res({ bytes, seconds, rate: seconds > 0 ? bytes / seconds : 0 });
    });
  });
}

/** Runs curl n times one after another; returns every run. */
export async function curlRuns(url: string, n: number, opts: CurlOptions = {}): Promise<CurlRun[]> {
  const runs: CurlRun[] = [];
  for (let i = 0; i < Math.max(1, Math.min(n, 1000)); i++) runs.push(await once(url, opts));
  return runs;
}

/**
 * Throughput in bytes/s of `curl -s -o /dev/null -w '%{size_download} %{time_total}' url`, run n
 * times sequentially: the median of the n per-run size_download / time_total values (time_total
 * includes connect and request, as a player's per-segment measurement would).
 */
export async function curlThroughput(url: string, n: number, opts: CurlOptions = {}): Promise<number> {
  const rates = (await curlRuns(url, n, opts)).map((r) => r.rate).sort((a, b) => a - b);
  const m = rates.length >> 1;
  return rates.length % 2 ? rates[m] : (rates[m - 1] + rates[m]) / 2;
}

/** Bench section: curl through the paced loopback server (and the netns link when possible). */
export async function bench(): Promise<BenchRow[]> {
  const { ottMedia, hlsFacts } = await import("../testkit/ott-media.ts");
  const { startOttServer } = await import("../testkit/ott-server.ts");
  const { createNetnsLink, netnsUnavailable } = await import("../testkit/netns-link.ts");
  const dir = await ottMedia();
  const top = hlsFacts(dir, "hls_ts").filter((r) => r.name !== "audio").pop()!;
  const seg = top.segments[1];
  const S = `ott curl baseline (${seg.path}, ${seg.bytes} bytes, median of 3)`;
  const rows: BenchRow[] = [];
  const srv = await startOttServer({ root: dir });
  try {
    for (const rate of [150_000, 300_000, 600_000]) {
      srv.setRate(rate);
      rows.push(row(S, `loopback paced ${rate} B/s`, await curlThroughput(`${srv.base}/${seg.path}`, 3), "B/s", { name: "set rate", value: rate }));
    }
  } finally {
    await srv.close();
  }
  const why = netnsUnavailable();
  if (why) rows.push(row(S, "netns tbf 2mbit", 0, "B/s", undefined, `not run: ${why}`));
  else {
    const link = await createNetnsLink({ root: dir, rate: "2mbit" });
    try {
      rows.push(row(S, "netns tbf 2mbit", await curlThroughput(`${link.base}/${seg.path}`, 3, { prefix: link.clientExec }), "B/s", { name: "tbf rate", value: 250_000 }));
    } finally {
      await link.close();
    }
  }
  return rows;
}
