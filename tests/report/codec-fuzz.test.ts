// Randomised agreement with protobufjs, beyond the fixed vectors: reports with random
// shapes, numbers at the edges and random text are encoded by core and by protobufjs
// (bytes must be equal), and protobufjs's bytes decode in core to the same values.
import test from "ava";
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { decodeReport, encodeReport, type Report } from "../../core/report/report";
import type { Value } from "../../core/report/value";

const root = protobuf.parse(readFileSync("core/report/report.proto", "utf8")).root;
const PbReport = root.lookupType("miniprobe.Report");

let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const int = (n: number) => Math.floor(rnd() * n);

const EDGE_UINTS = [0, 1, 127, 128, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 300, 16384];
const EDGE_INTS = [...EDGE_UINTS, -1, -128, -(2 ** 31), -(2 ** 32) - 1, -(2 ** 53), -(2 ** 53) + 1];
const EDGE_DOUBLES = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, Infinity, -Infinity, NaN, 0.1, 1700000000123.456];
const CHARS = ["a", "Z", " ", "\u0000", "\u007f", "é", "€", "日", "𝄞", "\n", "\"", "ß"];

function text(): string {
  let s = "";
  const n = pick([0, 1, 3, 10, 200]);
  for (let i = 0; i < n; i++) s += rnd() < 0.7 ? String.fromCharCode(97 + int(26)) : pick(CHARS);
  return s;
}
const num = () => (rnd() < 0.5 ? pick(EDGE_DOUBLES) : (rnd() - 0.5) * 10 ** int(30));
const uint = () => (rnd() < 0.5 ? pick(EDGE_UINTS) : int(2 ** 31) * int(2 ** 22));
const sint = () => (rnd() < 0.5 ? pick(EDGE_INTS) : (int(2 ** 31) - 2 ** 30) * int(2 ** 22));

function value(): Value {
  const k = pick(["string", "natural", "real", "boolean", "time", "address", "url", "absent"] as const);
  if (k === "absent") return { kind: "absent" };
  if (k === "boolean") return { kind: "boolean", value: rnd() < 0.5 };
  if (k === "natural") return { kind: "natural", value: uint() };
  if (k === "real" || k === "time") return { kind: k, value: num() };
  return { kind: k, value: text() };
}

function report(): Report {
  const r: Report = { probeId: text(), seq: uint(), token: text(), label: text(), parameters: [], columns: [], rows: [], exceptions: [] };
  if (rnd() < 0.7) r.schema = { verb: text(), parameters: Array.from({ length: int(4) }, text), results: Array.from({ length: int(4) }, text) };
  if (rnd() < 0.7) r.scope = { startMs: sint(), endMs: sint() };
  r.parameters = Array.from({ length: int(4) }, () => ({ name: text(), value: text() }));
  r.columns = Array.from({ length: int(5) }, text);
  r.rows = Array.from({ length: int(6) }, () => Array.from({ length: int(6) }, value));
  r.exceptions = Array.from({ length: int(3) }, () => ({ message: text(), field: text() }));
  return r;
}

/** The protobufjs object for a report, defaults left out as the core encoder does. */
function toPb(r: Report): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const set = (obj: Record<string, unknown>, k: string, v: string | number) => {
    if (v !== "" && (v !== 0 || Object.is(v, -0))) obj[k] = v;
  };
  set(o, "probeId", r.probeId);
  set(o, "seq", r.seq);
  set(o, "token", r.token);
  set(o, "label", r.label);
  if (r.schema) {
    const s: Record<string, unknown> = { parameters: r.schema.parameters, results: r.schema.results };
    set(s, "verb", r.schema.verb);
    o.schema = s;
  }
  if (r.scope) {
    const s: Record<string, unknown> = {};
    set(s, "startMs", r.scope.startMs);
    set(s, "endMs", r.scope.endMs);
    o.scope = s;
  }
  o.parameters = r.parameters.map((p) => { const q = {}; set(q, "name", p.name); set(q, "value", p.value); return q; });
  o.columns = r.columns;
  o.rows = r.rows.map((row) => ({ values: row.map((v) => (v.kind === "absent" ? {} : { [v.kind]: v.value })) }));
  o.exceptions = r.exceptions.map((e) => { const q = {}; set(q, "message", e.message); set(q, "field", e.field); return q; });
  return o;
}

test("1000 random reports: core's bytes equal protobufjs's, and decode back", (t) => {
  let bytes = 0;
  for (let i = 0; i < 1000; i++) {
    const r = report();
    const ours = Buffer.from(encodeReport(r), "latin1");
    const theirs = Buffer.from(PbReport.encode(toPb(r)).finish());
    if (!ours.equals(theirs)) {
      t.fail(`report ${i}: bytes differ\n${JSON.stringify(r).slice(0, 500)}\nours   ${ours.toString("hex").slice(0, 200)}\ntheirs ${theirs.toString("hex").slice(0, 200)}`);
      return;
    }
    bytes += ours.length;
    const back = decodeReport(theirs.toString("latin1"));
    // JSON cannot hold -0/NaN: compare through the encoder instead (exact bytes).
    t.true(Buffer.from(encodeReport(back), "latin1").equals(theirs), `report ${i} does not round-trip`);
    t.is(back.rows.length, r.rows.length);
    t.is(back.seq, r.seq);
    t.is(back.label, r.label);
    t.deepEqual(back.columns, r.columns);
  }
  t.log(`${bytes} bytes compared`);
});
