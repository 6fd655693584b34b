// Report encoding time: core's portable codec on every runtime against protobufjs on Node,
// for the realistic ping report of the vectors (8 columns, 2 rows, schema, scope,
// parameters, exceptions). On the other runtimes the time is taken through the vector
// runner: (run with n encodes − run with 1) / (n − 1), so start-up and JSON cost cancel.
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { encodeReport } from "../../core/report/report.ts";
import { reportIn } from "../vectors/fns/report.ts";
import { loadVectors, runOn, runtimes } from "../testkit/runtimes.ts";
import { BenchRow, row, timeMedian } from "./report.ts";

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const S = "report encode (µs per report, the vectors' ping report)";
  const vec = loadVectors().find((c) => c.id === "report-encode-ping");
  if (!vec) throw new Error("vector report-encode-ping missing");
  const pbRoot = protobuf.parse(readFileSync("core/report/report.proto", "utf8")).root;
  const Pb = pbRoot.lookupType("miniprobe.Report");
  const msg = Pb.decode(Buffer.from(vec.out as string, "hex"));
  const report = reportIn(vec.in as never);
  const N = 20000;
  const pbMs = await timeMedian(5, () => {
    for (let i = 0; i < N; i++) Pb.encode(msg).finish();
  });
  const pbUs = (pbMs * 1000) / N;
  rows.push(row(S, "protobufjs (node)", pbUs, "µs"));
  const coreMs = await timeMedian(5, () => {
    for (let i = 0; i < N; i++) encodeReport(report);
  });
  rows.push(row(S, "core codec (node)", (coreMs * 1000) / N, "µs", { name: "protobufjs", value: pbUs }));
  const one = (n: number) => JSON.stringify({ cases: [{ id: "b", fn: "report.encodeRepeat", in: { report: vec.in, n } }] });
  for (const rt of runtimes) {
    if (rt.name === "node") continue;
    const missing = rt.missing();
    if (missing) {
      rows.push(row(S, rt.name, 0, "µs", undefined, `not run: ${missing}`));
      continue;
    }
    const n = rt.name === "lua5.1-mipsel" ? 500 : 5000;
    const t1 = await timeMedian(3, () => runOn(rt.name, one(1)));
    const tn = await timeMedian(3, () => runOn(rt.name, one(n)));
    rows.push(row(S, `core codec (${rt.name})`, ((tn - t1) * 1000) / (n - 1), "µs", { name: "protobufjs on node", value: pbUs }));
  }
  return rows;
}
