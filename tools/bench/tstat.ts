// Tstat log parsing: rows per second on every runtime (through the vector bundles, each
// runtime building the same big log itself; the time of N rows is subtracted from 2N rows,
// so process start and JSON cost cancel out), relative to Node; and Node's peak memory while
// the reader tails a 100k-row log in 64 KiB chunks, against reading the whole file at once.
import * as fs from "node:fs";
import { readFileSync, openSync, writeSync, closeSync, mkdirSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOn, runtimes } from "../testkit/runtimes.ts";
import { BenchRow, row } from "./report.ts";
import { createHost } from "../../targets/node/host.ts";
import { GroupReader, READER_DEFAULTS } from "../../core/measurements/tstat/reader.ts";
import { logGroupOf, LogGroup } from "../../core/measurements/tstat/groups.ts";
import type { Callback } from "../../core/host.ts";

const LOG = "tests/fixtures/tstat/mixed_all/out/2026_11_22_23_01.out/log_tcp_complete";

function input(repeat: number): string {
  const lines = readFileSync(LOG, "latin1").split("\n").filter((l) => l.length > 0);
  const c = { id: "bench", fn: "tstat.parseRepeat", in: { header: lines[0], rows: lines.slice(1), repeat, variant: { group: "log_tcp_complete", level: "end_to_end" } } };
  return JSON.stringify({ cases: [c] });
}

async function timed(name: string, text: string): Promise<{ ms: number; out: string }> {
  const t0 = performance.now();
  const out = await runOn(name, text);
  return { ms: performance.now() - t0, out };
}

function nodeHost() {
  const host = createHost({ logLevel: "error" });
  if (host.fs.readRange === undefined) {
    host.fs.readRange = (path: string, offset: number, maxBytes: number, cb: Callback<string>) => {
      const fd = openSync(path, "r");
      const buf = Buffer.alloc(maxBytes);
      const n = fs.readSync(fd, buf, 0, maxBytes, offset);
      closeSync(fd);
      cb(undefined, buf.subarray(0, n).toString("latin1"));
    };
  }
  return host;
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const S = "tstat: log_tcp_complete rows parsed per second (134-column rows of mixed_all, end_to_end columns)";
  const per = 27; // rows in the recorded log
  const reps = 800; // 21,600 rows; the 2x input has 43,200
  const small = input(reps);
  const big = input(2 * reps);
  const rates = new Map<string, number>();
  for (const rt of runtimes) {
    if (rt.name === "lua5.1-mipsel") continue;
    const missing = rt.missing();
    if (missing) {
      rows.push(row(S, rt.name, 0, "rows/s", undefined, `not run: ${missing}`));
      continue;
    }
    const a = await timed(rt.name, small);
    const b = await timed(rt.name, big);
    const got = JSON.parse(b.out.trim().split("\n")[0]) as { out?: { rows: number } };
    if (got.out?.rows !== 2 * reps * per) throw new Error(`${rt.name}: parsed ${got.out?.rows} rows`);
    rates.set(rt.name, (reps * per) / ((b.ms - a.ms) / 1000));
  }
  const node = rates.get("node");
  for (const [name, r] of rates) rows.push(row(S, name, Math.round(r), "rows/s", node !== undefined && name !== "node" ? { name: "node", value: Math.round(node) } : undefined));

  // memory: tail a 100k-row log (Node host, in-process)
  const M = "tstat: Node memory while reading a 100k-row log_tcp_complete (134 columns)";
  const dir = mkdtempSync(join(tmpdir(), "tstat-bench-"));
  try {
    const out = join(dir, "2026_11_22_23_01.out");
    mkdirSync(out);
    const lines = readFileSync(LOG, "latin1").split("\n").filter((l) => l.length > 0);
    const file = join(out, "log_tcp_complete");
    const fd = openSync(file, "w");
    writeSync(fd, lines[0] + "\n");
    const block = lines.slice(1).join("\n") + "\n";
    let n = 0;
    while (n + 27 <= 100000) {
      writeSync(fd, block);
      n += 27;
    }
    for (let i = 1; n < 100000; i++, n++) writeSync(fd, lines[i] + "\n");
    closeSync(fd);
    const size = fs.statSync(file).size;
    rows.push(row(M, "log size", Math.round(size / 1024), "KiB"));
    const group = logGroupOf({ group: "log_tcp_complete", level: "end_to_end" }) as LogGroup;
    const host = nodeHost();
    const peak = async (fn: () => Promise<number>): Promise<{ heap: number; rss: number; n: number }> => {
      (globalThis as { gc?: () => void }).gc?.();
      const h0 = process.memoryUsage().heapUsed;
      const r0 = process.memoryUsage().rss;
      let heap = 0;
      let rss = 0;
      const timer = setInterval(() => {
        const m = process.memoryUsage();
        heap = Math.max(heap, m.heapUsed - h0);
        rss = Math.max(rss, m.rss - r0);
      }, 5);
      const got = await fn();
      clearInterval(timer);
      const m = process.memoryUsage();
      heap = Math.max(heap, m.heapUsed - h0);
      rss = Math.max(rss, m.rss - r0);
      return { heap, rss, n: got };
    };
    // tailing with rows counted but not kept: what the reader itself holds
    const tail = await peak(async () => {
      let seen = 0;
      const r = new GroupReader(host, dir, group, { ...READER_DEFAULTS, maxRows: 0 }, undefined, () => {
        seen++;
        return false;
      });
      const snap = await r.snapshot();
      await r.scanPast(0, 8.64e15, snap, false);
      return seen;
    });
    if (tail.n !== 100000) throw new Error(`tail saw ${tail.n} rows`);
    const slurp = await peak(async () => {
      const text = readFileSync(file, "latin1");
      return text.split("\n").filter((l) => l.length > 0 && !l.startsWith("#")).map((l) => l.split(" ")).length;
    });
    rows.push(row(M, "reader (64 KiB chunks): peak heap growth", Math.round(tail.heap / 1024), "KiB", { name: "whole file read and split", value: Math.round(slurp.heap / 1024) }));
    rows.push(row(M, "reader (64 KiB chunks): peak RSS growth", Math.round(tail.rss / 1024), "KiB", { name: "whole file read and split", value: Math.round(slurp.rss / 1024) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
