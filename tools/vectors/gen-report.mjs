#!/usr/bin/env node
// Writes tests/vectors/report.json: the expected bytes and decoded values of the portable
// report codec (core/report), computed here by protobufjs from core/report/report.proto.
// Text given as {hex} (any bytes, invalid UTF-8 included) is encoded and decoded through a
// copy of the schema whose string fields are `bytes` (the same wire format), so protobufjs
// handles the exact bytes. Conventions for numbers and text: tools/vectors/fns/report.ts.
//   node tools/vectors/gen-report.mjs
import { readFileSync, writeFileSync } from "node:fs";
import protobuf from "protobufjs";

const PROTO = "core/report/report.proto";
const textRoot = protobuf.parse(readFileSync(PROTO, "utf8")).root;
const bytesRoot = protobuf.parse(readFileSync(PROTO, "utf8").replace(/\bstring (\w+) =/g, "bytes $1 =")).root;
const TextReport = textRoot.lookupType("miniprobe.Report");
const BytesReport = bytesRoot.lookupType("miniprobe.Report");
const P53 = 2 ** 53;

// --- JSON conventions (mirror of tools/vectors/fns/report.ts)
const isHex = (t) => t !== null && typeof t === "object" && typeof t.hex === "string";
const textBytes = (t) => (t === undefined ? Buffer.alloc(0) : isHex(t) ? Buffer.from(t.hex, "hex") : Buffer.from(t, "utf8"));
function numIn(v) {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^(-?\d+)\*2\^(-?\d+)$/.exec(v);
  if (m) return Number(m[1]) * 2 ** Number(m[2]);
  return { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 }[v] ?? Number(v);
}
function bytesOut(buf) {
  for (const c of buf) if (c < 32 || c > 126) return { hex: buf.toString("hex") };
  return buf.toString("latin1");
}
function numOut(x) {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : 0;
  if (Number.isInteger(x) && Math.abs(x) <= P53) return x;
  // From the IEEE bits (independent of the runtimes' scaling loop).
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const bits = dv.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  let e;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e += 1;
  }
  return `${x < 0 ? "-" : ""}${m}*2^${e}`;
}
function longOut(l, signed) {
  const b = BigInt(l.toString());
  if (b > BigInt(P53) || b < -BigInt(P53)) return { range: true };
  return Number(b);
}

function hasHex(o) {
  if (isHex(o)) return true;
  if (Array.isArray(o)) return o.some(hasHex);
  if (o !== null && typeof o === "object") return Object.values(o).some(hasHex);
  return false;
}

/** Report JSON -> a protobufjs message object (defaults left out, as the core encoder does). */
function toPb(r, asBytes) {
  const t = asBytes ? textBytes : (x) => (x === undefined ? "" : x);
  const o = {};
  const setText = (obj, k, v) => {
    if (v !== undefined && (isHex(v) ? v.hex.length > 0 : v.length > 0)) obj[k] = t(v);
  };
  const setNum = (obj, k, v) => {
    const n = numIn(v);
    if (n !== 0 || Object.is(n, -0)) obj[k] = n;
  };
  setText(o, "probeId", r.probeId);
  setNum(o, "seq", r.seq);
  setText(o, "token", r.token);
  setText(o, "label", r.label);
  if (r.schema) o.schema = { verb: r.schema.verb ? t(r.schema.verb) : undefined, parameters: (r.schema.parameters ?? []).map(t), results: (r.schema.results ?? []).map(t) };
  if (r.schema && !o.schema.verb) delete o.schema.verb;
  if (r.scope) {
    o.scope = {};
    setNum(o.scope, "startMs", r.scope.startMs);
    setNum(o.scope, "endMs", r.scope.endMs);
  }
  o.parameters = (r.parameters ?? []).map((p) => {
    const q = {};
    setText(q, "name", p.name);
    setText(q, "value", p.value);
    return q;
  });
  o.columns = (r.columns ?? []).map(t);
  o.rows = (r.rows ?? []).map((row) => ({
    values: row.map((v) => {
      if (v.kind === "absent") return {};
      if (["string", "address", "url"].includes(v.kind)) return { [v.kind]: t(v.value) };
      if (v.kind === "boolean") return { boolean: v.value };
      return { [v.kind]: numIn(v.value) };
    }),
  }));
  o.exceptions = (r.exceptions ?? []).map((e) => {
    const q = {};
    setText(q, "message", e.message);
    setText(q, "field", e.field);
    return q;
  });
  return o;
}

function encode(r) {
  const bytes = hasHex(r);
  const T = bytes ? BytesReport : TextReport;
  return Buffer.from(T.encode(toPb(r, bytes)).finish()).toString("hex");
}

/** protobufjs's decoding of hex, in the vector JSON; {error} when a value is out of range. */
function decode(hex) {
  const m = BytesReport.decode(Buffer.from(hex, "hex"));
  let range = false;
  const tx = (b) => bytesOut(Buffer.from(b ?? []));
  const ln = (l, signed) => {
    if (l === undefined || l === null) return 0;
    const v = longOut(l, signed);
    if (v.range) {
      range = true;
      return 0;
    }
    return v;
  };
  const o = {
    probeId: tx(m.probeId),
    seq: ln(m.seq),
    token: tx(m.token),
    label: tx(m.label),
    columns: m.columns.map(tx),
    params: m.parameters.map((p) => ({ name: tx(p.name), value: tx(p.value) })),
    rows: m.rows.map((row) =>
      row.values.map((v) => {
        const k = v.kind;
        if (k === undefined) return { kind: "absent" };
        if (["string", "address", "url"].includes(k)) return { kind: k, value: tx(v[k]) };
        if (k === "boolean") return { kind: k, value: v.boolean };
        if (k === "natural") return { kind: k, value: ln(v.natural) };
        return { kind: k, value: numOut(v[k]) };
      }),
    ),
    exceptions: m.exceptions.map((e) => ({ message: tx(e.message), field: tx(e.field) })),
  };
  if (Object.prototype.hasOwnProperty.call(m, "schema") && m.schema) {
    o.schema = { verb: tx(m.schema.verb), params: m.schema.parameters.map(tx), results: m.schema.results.map(tx) };
  }
  if (Object.prototype.hasOwnProperty.call(m, "scope") && m.scope) o.scope = { startMs: ln(m.scope.startMs, true), endMs: ln(m.scope.endMs, true) };
  return range ? { error: { code: "ERANGE" } } : { out: o };
}

const cases = [];
const add = (c) => cases.push(c);

// --- primitives: varints, int64, doubles, against protobufjs's Writer
const W = () => protobuf.Writer.create();
const hexOf = (w) => Buffer.from(w.finish()).toString("hex");
const uints = [0, 1, 127, 128, 255, 300, 16383, 16384, 2097151, 2097152, 268435455, 268435456, 2 ** 31 - 1, 2 ** 31,
  2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 35, 2 ** 42 - 1, 2 ** 49, 2 ** 49 + 1, 2 ** 52 + 1, P53 - 1, P53];
for (const n of uints) add({ id: `pb-uint64-${n}`, fn: "pb.uint64", in: n, out: hexOf(W().uint64(n)) });
for (const n of uints) add({ id: `pb-read-uint64-${n}`, fn: "pb.read", in: { type: "uint64", hex: hexOf(W().uint64(n)) }, out: { value: n, rest: 0 } });
add({ id: "pb-uint64-2^53+2", fn: "pb.uint64", in: P53 + 2, error: { code: "ERANGE", field: "value" } });
add({ id: "pb-uint64-neg", fn: "pb.uint64", in: -1, error: { code: "ERANGE", field: "value" } });
add({ id: "pb-uint64-frac", fn: "pb.uint64", in: 1.5, error: { code: "EINVAL", field: "value" } });
add({ id: "pb-uint64-nan", fn: "pb.uint64", in: "nan", error: { code: "EINVAL", field: "value" } });
add({ id: "pb-uint64-inf", fn: "pb.uint64", in: "inf", error: { code: "ERANGE", field: "value" } });
const ints = [0, 1, -1, -2, -127, -128, -129, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 32), -(2 ** 32) + 1, -(2 ** 32) - 1,
  -(2 ** 35) - 7, -(2 ** 49), -(P53 - 1), -P53, P53, -1700000000000];
for (const n of ints) add({ id: `pb-int64-${n}`, fn: "pb.int64", in: n, out: hexOf(W().int64(n)) });
for (const n of ints) add({ id: `pb-read-int64-${n}`, fn: "pb.read", in: { type: "int64", hex: hexOf(W().int64(n)) }, out: { value: n, rest: 0 } });
add({ id: "pb-int64-below", fn: "pb.int64", in: -P53 - 2, error: { code: "ERANGE", field: "value" } });
// Reading what does not fit a double exactly, or is not a varint at all.
const big = (s) => hexOf(W().uint64(protobuf.util.Long.fromString(s, true)));
add({ id: "pb-read-uint64-2^53+1", fn: "pb.read", in: { type: "uint64", hex: big("9007199254740993") }, error: { code: "ERANGE", field: "value" } });
add({ id: "pb-read-uint64-max", fn: "pb.read", in: { type: "uint64", hex: big("18446744073709551615") }, error: { code: "ERANGE", field: "value" } });
add({ id: "pb-read-int64-max-is--1", fn: "pb.read", in: { type: "int64", hex: big("18446744073709551615") }, out: { value: -1, rest: 0 } });
add({ id: "pb-read-int64-below", fn: "pb.read", in: { type: "int64", hex: hexOf(W().int64(protobuf.util.Long.fromString("-9007199254740993"))) }, error: { code: "ERANGE" } });
add({ id: "pb-read-varint-11-bytes", fn: "pb.read", in: { type: "uint64", hex: "ffffffffffffffffffff01" }, error: { code: "EPROTO", field: "value" } });
add({ id: "pb-read-varint-65-bits", fn: "pb.read", in: { type: "uint64", hex: "ffffffffffffffffff02" }, error: { code: "EPROTO", field: "value" } });
add({ id: "pb-read-varint-truncated", fn: "pb.read", in: { type: "uint64", hex: "ff80" }, error: { code: "ETRUNCATED", field: "value" } });
add({ id: "pb-read-varint-empty", fn: "pb.read", in: { type: "int64", hex: "" }, error: { code: "ETRUNCATED", field: "value" } });
add({ id: "pb-read-varint-rest", fn: "pb.read", in: { type: "uint64", hex: "ac02ff" }, out: { value: 300, rest: 1 } });
add({ id: "pb-read-varint-nonminimal", fn: "pb.read", in: { type: "uint64", hex: "8180808000" }, out: { value: 1, rest: 0 } });
add({ id: "pb-read-bool-big", fn: "pb.read", in: { type: "bool", hex: "8080808010" }, out: { value: true, rest: 0 } });
add({ id: "pb-read-bool-0", fn: "pb.read", in: { type: "bool", hex: "00" }, out: { value: false, rest: 0 } });
const doubles = ["0", "-0", "1", "-1", "0.1", "-1.5", "3.141592653589793", "5e-324", "-5e-324", "1.5e-323", "1e-310",
  "2.225073858507201e-308", "2.2250738585072014e-308", "2.2250738585072024e-308", "1.7976931348623157e+308", "-1.7976931348623157e+308",
  "1e+300", "8.98846567431158e+307", "9007199254740993", "1700000000123.456", "1.0000000000000002", "0.9999999999999999",
  "4294967296.5", "1e-7", "123456789012345680000", "inf", "-inf", "nan"];
for (const d of doubles) {
  const x = numIn(d);
  add({ id: `pb-double-${d}`, fn: "pb.double", in: numOut(x), out: hexOf(W().double(x)) });
  add({ id: `pb-read-double-${d}`, fn: "pb.read", in: { type: "double", hex: hexOf(W().double(x)) }, out: { value: numOut(x), rest: 0 } });
}
add({ id: "pb-read-double-nan-payload", fn: "pb.read", in: { type: "double", hex: "010000000000f0ff" }, out: { value: "nan", rest: 0 } });
add({ id: "pb-read-double-short", fn: "pb.read", in: { type: "double", hex: "00000000000000" }, error: { code: "ETRUNCATED", field: "value" } });

// --- UTF-8
const utf8Hex = ["", "41", "c3a9", "e282ac", "f09d849e", "ff", "fe80", "c328", "c0af", "e080af", "eda080", "edbfbf", "f4908080",
  "f8888080", "e282", "f09d84", "80", "c2", "e2828241", "efbbbf", "f48fbfbf", "eda080edb080"];
for (const h of utf8Hex) add({ id: `utf8-roundtrip-${h || "empty"}`, fn: "utf8.roundtrip", in: h, out: h });
for (const s of ["", "abc", "héllo", "€", "日本語", "𝄞", "a\u0000b", "\u07ff\u0800\uffff"]) {
  add({ id: `utf8-encode-${Buffer.from(s).toString("hex") || "empty"}`, fn: "utf8.encode", in: s, out: Buffer.from(s, "utf8").toString("hex") });
}

// --- whole reports
const ping = {
  probeId: "router-7",
  seq: 42,
  token: "2f1e0c3a9b8d7e6f5a4b3c2d1e0f9a8b",
  label: "ping-average-ip4",
  schema: {
    verb: "measure",
    parameters: ["destination.ip4", "ping.payload.octets", "ping.timeout.s", "ping.ttl"],
    results: ["delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.max", "delay.twoway.icmp.us.count", "packets.lost"],
  },
  scope: { startMs: 1700000000000, endMs: 1700000003012 },
  parameters: [{ name: "destination.ip4", value: "127.0.0.1" }, { name: "ping.payload.octets", value: "56" }],
  columns: ["start", "delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "packets.lost", "destination.ip4", "url", "connectivity.ip", "x"],
  rows: [
    [{ kind: "time", value: numOut(1700000000000.25) }, { kind: "natural", value: 31 }, { kind: "real", value: numOut(45.5) }, { kind: "real", value: 0 },
      { kind: "address", value: "127.0.0.1" }, { kind: "url", value: "http://127.0.0.1:8080/a.m3u8" }, { kind: "boolean", value: true }, { kind: "absent" }],
    [{ kind: "time", value: 1700000001000 }, { kind: "natural", value: 0 }, { kind: "real", value: "-0" }, { kind: "real", value: "nan" },
      { kind: "address", value: "::1" }, { kind: "url", value: "" }, { kind: "boolean", value: false }, { kind: "string", value: "" }],
  ],
  exceptions: [{ message: "2 of 3 pings lost", field: "packets.lost" }, { message: "no field" }],
};
const reports = {
  empty: {},
  minimal: { probeId: "p1", seq: 1 },
  ping,
  "seq-2^32-1": { seq: 2 ** 32 - 1 },
  "seq-2^32": { seq: 2 ** 32 },
  "seq-2^32+1": { seq: 2 ** 32 + 1 },
  "seq-2^53-1": { seq: P53 - 1 },
  "seq-2^53": { seq: P53 },
  "scope-negative": { scope: { startMs: -1, endMs: -(2 ** 32) - 1 } },
  "scope-extremes": { scope: { startMs: -P53, endMs: P53 } },
  "scope-zero": { scope: { startMs: 0, endMs: 0 } },
  "schema-empty": { schema: { verb: "" } },
  "naturals": { rows: [[0, 1, 127, 128, 16383, 16384, 2 ** 28, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, P53 - 1, P53].map((n) => ({ kind: "natural", value: n }))] },
  "doubles": { rows: [doubles.map((d) => ({ kind: "real", value: numOut(numIn(d)) })), doubles.map((d) => ({ kind: "time", value: numOut(numIn(d)) }))] },
  "empty-rows": { columns: ["a", ""], rows: [[], [{ kind: "absent" }, { kind: "absent" }], []] },
  "long-string": { label: "x".repeat(200), rows: [[{ kind: "string", value: "abcdefghij".repeat(1700) }]] },
  "very-long-string": { rows: [[{ kind: "string", value: "0123456789abcdef".repeat(1100) }]] },
  "non-ascii": { probeId: "sonde-été", label: "日本語 €", columns: ["𝄞"], rows: [[{ kind: "string", value: "héllo wörld €𝄞 日本" }]], exceptions: [{ message: "échec", field: "ç" }] },
  "non-ascii-hex": { probeId: { hex: "736f6e64652dc3a974c3a9" }, rows: [[{ kind: "string", value: { hex: "f09d849ee282acc3a9" } }]] },
  "invalid-utf8": {
    label: { hex: "6c6162656cff" },
    columns: [{ hex: "c328" }, { hex: "eda080" }],
    rows: [[{ kind: "string", value: { hex: "fffe80c328eda080f4908080c0afe282" } }, { kind: "address", value: { hex: "80" } }, { kind: "url", value: { hex: "687474703a2f2fe9" } }]],
    exceptions: [{ message: { hex: "ff" }, field: { hex: "fe" } }],
  },
  "control-chars": { label: "a\u0000b\u0001\n\t\"\\", rows: [[{ kind: "string", value: "\u007f" }]] },
};
const reportHex = {};
for (const [name, r] of Object.entries(reports)) {
  const hex = encode(r);
  reportHex[name] = hex;
  add({ id: `report-encode-${name}`, fn: "report.encode", in: r, out: hex });
  const d = decode(hex);
  add({ id: `report-decode-${name}`, fn: "report.decode", in: hex, ...d });
  if (hex.length < 4000) add({ id: `report-reencode-${name}`, fn: "report.reencode", in: hex, out: hex });
}
// Encoder refusals name the field.
add({ id: "report-encode-seq-fraction", fn: "report.encode", in: { seq: 1.5 }, error: { code: "EINVAL", field: "seq" } });
add({ id: "report-encode-seq-negative", fn: "report.encode", in: { seq: -3 }, error: { code: "ERANGE", field: "seq" } });
add({ id: "report-encode-seq-2^53+2", fn: "report.encode", in: { seq: P53 + 2 }, error: { code: "ERANGE", field: "seq" } });
add({ id: "report-encode-scope-fraction", fn: "report.encode", in: { scope: { startMs: 1.25 } }, error: { code: "EINVAL", field: "scope.startMs" } });
add({ id: "report-encode-scope-below", fn: "report.encode", in: { scope: { endMs: -P53 - 2 } }, error: { code: "ERANGE", field: "scope.endMs" } });
add({ id: "report-encode-natural-negative", fn: "report.encode", in: { rows: [[], [{ kind: "absent" }, { kind: "natural", value: -1 }]] }, error: { code: "ERANGE", field: "rows[1][1]" } });
add({ id: "report-encode-natural-nan", fn: "report.encode", in: { rows: [[{ kind: "natural", value: "nan" }]] }, error: { code: "EINVAL", field: "rows[0][0]" } });
add({ id: "report-encode-unknown-kind", fn: "report.encode", in: { rows: [[{ kind: "integer", value: 1 }]] }, error: { code: "EINVAL", field: "rows[0][0]" } });

// --- decoding: unknown fields skipped, at every level and of every wire type
const unknownTail = (field) => {
  const w = W();
  w.uint32((field << 3) | 0).uint64(protobuf.util.Long.fromString("18446744073709551615", true));
  w.uint32((field << 3) | 1).double(1.5);
  w.uint32((field << 3) | 2).string("unknown");
  w.uint32((field << 3) | 5).float(2.5);
  w.uint32((field << 3) | 3); // a group, with a nested group inside
  w.uint32((1 << 3) | 0).uint32(7);
  w.uint32((2 << 3) | 3).uint32((3 << 3) | 2).string("g").uint32((2 << 3) | 4);
  w.uint32((field << 3) | 4);
  return hexOf(w);
};
const withUnknown = (r, field) => encode(r) + unknownTail(field);
for (const f of [11, 99, 536870911]) {
  const hex = withUnknown(reports.minimal, f);
  add({ id: `report-decode-unknown-field-${f}`, fn: "report.decode", in: hex, ...decode(hex) });
}
{
  // Unknown fields inside nested messages: a Value, a Row, the Schema and the Scope.
  const w = W();
  w.uint32((5 << 3) | 2).bytes(Buffer.from("0a036162639a0601ff" + unknownTail(15), "hex")); // schema verb "abc" + junk
  w.uint32((6 << 3) | 2).bytes(Buffer.from("0801" + unknownTail(3) + "1002", "hex"));
  const value = Buffer.from("1005" + unknownTail(8), "hex"); // natural 5, then unknown fields
  const row = Buffer.concat([Buffer.from("0a" + value.length.toString(16).padStart(2, "0"), "hex"), value, Buffer.from(unknownTail(2), "hex")]);
  w.uint32((9 << 3) | 2).bytes(row);
  const hex = hexOf(w);
  add({ id: "report-decode-unknown-nested", fn: "report.decode", in: hex, ...decode(hex) });
  add({ id: "report-reencode-unknown-nested", fn: "report.reencode", in: hex, out: encode({ schema: { verb: "abc" }, scope: { startMs: 1, endMs: 2 }, rows: [[{ kind: "natural", value: 5 }]] }) });
}
// The last of a repeated singular field wins.
add({ id: "report-decode-last-wins", fn: "report.decode", in: "0a01611001" + "0a0162" + "1002", ...decode("0a01611001" + "0a0162" + "1002") });

// --- decoding: malformed and truncated input is a typed error naming what
const pingHex = reportHex.ping;
for (const cut of [1, 2, 5, 11, 20, 40, 60, 100, Math.floor(pingHex.length / 2) - 1]) {
  const hex = pingHex.slice(0, cut * 2);
  let ok = true;
  try {
    BytesReport.decode(Buffer.from(hex, "hex"));
  } catch {
    ok = false;
  }
  if (ok) continue; // a cut at a field boundary is a valid (shorter) report
  add({ id: `report-decode-truncated-${cut}`, fn: "report.decode", in: hex, error: { code: "ETRUNCATED" } });
}
add({ id: "report-decode-truncated-seq", fn: "report.decode", in: "0a017010ff", error: { code: "ETRUNCATED", field: "seq" } });
add({ id: "report-decode-truncated-label", fn: "report.decode", in: "220a6162", error: { code: "ETRUNCATED", field: "label" } });
add({ id: "report-decode-truncated-cell", fn: "report.decode", in: "4a0a0a0210010a0519000000", error: { code: "ETRUNCATED", field: "rows[0][1]" } });
add({ id: "report-decode-truncated-double", fn: "report.decode", in: "4a070a051900000000", error: { code: "ETRUNCATED", field: "rows[0][0]" } });
add({ id: "report-decode-truncated-row", fn: "report.decode", in: "4a0a0a02", error: { code: "ETRUNCATED", field: "rows[0]" } });
add({ id: "report-decode-truncated-key", fn: "report.decode", in: "0a0170ff", error: { code: "ETRUNCATED", field: "report" } });
add({ id: "report-decode-wrong-wire-seq", fn: "report.decode", in: "12017a", error: { code: "EPROTO", field: "seq" } });
add({ id: "report-decode-wrong-wire-label", fn: "report.decode", in: "2005", error: { code: "EPROTO", field: "label" } });
add({ id: "report-decode-wrong-wire-real", fn: "report.decode", in: "4a040a021801", error: { code: "EPROTO", field: "rows[0][0]" } });
add({ id: "report-decode-known-field-wire-6", fn: "report.decode", in: "0e", error: { code: "EPROTO", field: "probeId" } });
add({ id: "report-decode-wire-6", fn: "report.decode", in: "a601", error: { code: "EPROTO", field: "report" } });
add({ id: "report-decode-end-group-alone", fn: "report.decode", in: "a401", error: { code: "EPROTO", field: "report" } });
add({ id: "report-decode-field-0", fn: "report.decode", in: "0001", error: { code: "EPROTO", field: "report" } });
add({ id: "report-decode-seq-2^53+1", fn: "report.decode", in: "10" + big("9007199254740993"), error: { code: "ERANGE", field: "seq" } });
add({ id: "report-decode-scope-2^63", fn: "report.decode", in: hexOf(W().uint32((6 << 3) | 2).fork().uint32(8).uint64(protobuf.util.Long.fromString("9223372036854775807", true)).ldelim()), error: { code: "ERANGE", field: "scope.startMs" } });
add({ id: "report-decode-groups-too-deep", fn: "report.decode", in: "5b".repeat(40) + "5c".repeat(40), error: { code: "EPROTO", field: "report" } });
add({ id: "report-decode-group-unterminated", fn: "report.decode", in: "5b0801", error: { code: "ETRUNCATED", field: "report" } });
add({ id: "report-decode-length-past-end", fn: "report.decode", in: "0aff7f61", error: { code: "ETRUNCATED", field: "probeId" } });

writeFileSync("tests/vectors/report.json", JSON.stringify({ cases }, null, 1) + "\n");
console.log(`report: ${cases.length} cases`);
