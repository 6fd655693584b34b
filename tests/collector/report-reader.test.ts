// The collector's one-pass report reader against protobufjs' decode + toObject (the
// reference): the same Report, or both refuse, for every kind of report the simulated
// probe makes and for edge cases a hostile or broken probe could send.
import test from "ava";
import { ReportCodec } from "../../tools/collector/report-codec.ts";
import { Report } from "../../tools/collector/report.ts";
import { SIM_CAPABILITIES, madeUpResult } from "../../tools/testkit/probe-sim.ts";

const codec = ReportCodec.loadSync();
const spec = (parameters: Record<string, string>) => ({ kind: "specification" as const, verb: "measure", version: 1, registry: "r", token: "ab".repeat(16), parameters, metadata: {}, results: [] });

function same(t: import("ava").ExecutionContext, bytes: Uint8Array, what: string): Report | undefined {
  let want: Report | Error;
  let got: Report | Error;
  try {
    want = codec.decodeSlow(bytes);
  } catch (e) {
    want = e as Error;
  }
  try {
    got = codec.decode(bytes);
  } catch (e) {
    got = e as Error;
  }
  if (want instanceof Error) {
    t.true(got instanceof Error, `${what}: protobufjs refused (${want.message}), the reader did not`);
    return undefined;
  }
  t.deepEqual(got, want, what);
  return want;
}

test("every simulated measurement decodes to the same report", (t) => {
  for (const c of SIM_CAPABILITIES) {
    const r = madeUpResult("p1", spec({ "destination.ip4": "192.0.2.9", "content.url": "http://127.0.0.1/x" }), c, 1_700_000_000_000);
    const out = same(t, codec.encode({ ...r, seq: 7 }), c.label ?? "");
    t.is(out?.rows.length, r.rows.length);
  }
});

test("edge values: exceptions, no scope, negative and large times, unicode, nulls, bare reports", (t) => {
  const base = madeUpResult("pé", spec({ "destination.ip4": "192.0.2.9" }), SIM_CAPABILITIES[0], 1_700_000_000_000);
  same(t, codec.encode({ ...base, seq: 1, exception: "destination.ip4: unreachable" }), "exception");
  same(t, codec.encode({ ...base, seq: 2, startMs: undefined, endMs: undefined }), "no scope");
  same(t, codec.encode({ ...base, seq: 3, startMs: -5, endMs: 2 ** 52 }), "negative start, large end");
  same(t, codec.encode({ ...base, seq: 2 ** 53 - 1, label: "日本語 ✓", rows: [[null, 1, 2 ** 40, 3, 4, 5, null]] }), "unicode, nulls, big naturals");
  same(t, codec.encode({ ...base, seq: 4, verb: "measure", schemaParts: { parameters: [], results: [] }, columns: [], rows: [], parameters: {} }), "empty");
  same(t, codec.encode({ ...base, seq: 5, prims: ["real", "time", "string", "boolean", "address", "url", "natural"], rows: [[1.5, 1.7e12, "x", true, "::1", "http://a/", 0]] }), "every kind");
});

test("broken payloads are refused by both", (t) => {
  const good = codec.encode({ ...madeUpResult("p1", spec({}), SIM_CAPABILITIES[0]), seq: 9 });
  for (let cut = 1; cut < good.length; cut += 7) same(t, good.subarray(0, cut), `cut at ${cut}`);
  same(t, codec.encode({ ...madeUpResult("", spec({}), SIM_CAPABILITIES[0]), seq: 1 }), "no probe id");
  same(t, codec.encode({ ...madeUpResult("p1", spec({}), SIM_CAPABILITIES[0]), seq: 0 }), "no seq");
  same(t, Buffer.from([0x0a, 0x02, 0xc3, 0x28]), "invalid UTF-8");
  // An unknown field (99, varint) before a good report: skipped by both.
  const unknown = Buffer.concat([Buffer.from([0x98, 0x06, 0x01]), Buffer.from(good)]);
  t.truthy(same(t, unknown, "unknown field"));
});
