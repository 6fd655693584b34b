// Bundle sizes and the conformance-vector suite's run time on every runtime.
import { existsSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { loadVectors, runOn, runtimes, vectorInput } from "../testkit/runtimes.ts";
import { BenchRow, row, timeMedian } from "./report.ts";

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const S = "bundles";
  for (const f of ["dist/miniprobe.js", "dist/miniprobe.lua"]) {
    if (!existsSync(f)) continue;
    const size = statSync(f).size;
    rows.push(row(S, `${f} size`, size, "bytes"));
    rows.push(row(S, `${f} gzipped`, gzipSync(readFileSync(f)).length, "bytes", { name: "raw", value: size }));
  }
  const cases = loadVectors();
  const input = vectorInput(cases);
  const V = `conformance vectors (${cases.length} cases, median of 3 runs, process start included)`;
  const times = new Map<string, number>();
  for (const rt of runtimes) {
    if (rt.missing()) {
      rows.push(row(V, rt.name, 0, "ms", undefined, `not run: ${rt.missing()}`));
      continue;
    }
    times.set(rt.name, await timeMedian(rt.name === "lua5.1-mipsel" ? 1 : 3, () => runOn(rt.name, input)));
  }
  const lua = times.get("lua5.1");
  for (const [name, ms] of times) {
    rows.push(row(V, name, ms, "ms", lua !== undefined && name !== "lua5.1" ? { name: "lua5.1 native", value: lua } : undefined));
  }
  return rows;
}
