#!/usr/bin/env node
// Writes tests/vectors/mqtt.json: MQTT 3.1.1 packets encoded and decoded by mqtt-packet
// (what MQTT.js and aedes use) as the expected values of the portable codec in core/mqtt,
// strict-decoding refusals (hand-written: mqtt-packet itself is lenient about several),
// the incremental parser fed the same bytes in chunks cut everywhere, and backoff delays.
//   node tools/vectors/gen-mqtt.mjs
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const mp = require("mqtt-packet");
const numbers = require("mqtt-packet/numbers.js");

const cases = [];
const add = (c) => cases.push(c);

// JSON conventions of tools/vectors/fns/{report,mqtt}.ts
const isHex = (t) => t !== null && typeof t === "object" && typeof t.hex === "string";
const bytesIn = (v) => (v === undefined ? Buffer.alloc(0) : isHex(v) ? Buffer.from(v.hex, "hex") : Buffer.from(v, "utf8"));
const textIn = (v) => (isHex(v) ? Buffer.from(v.hex, "hex").toString("utf8") : v);
function bytesOut(buf) {
  for (const c of buf) if (c < 32 || c > 126) return { hex: buf.toString("hex") };
  return buf.toString("latin1");
}
const textOut = (s) => bytesOut(Buffer.from(s, "utf8"));

/** Vector JSON -> mqtt-packet object. */
function toMp(p) {
  const o = { ...p };
  if (p.cmd === "connect") {
    Object.assign(o, { protocolId: "MQTT", protocolVersion: 4, clientId: textIn(p.clientId ?? "") });
    if (p.username !== undefined) o.username = textIn(p.username);
    if (p.password !== undefined) o.password = bytesIn(p.password);
    if (p.will) o.will = { topic: textIn(p.will.topic), payload: bytesIn(p.will.payload), qos: p.will.qos ?? 0, retain: !!p.will.retain };
  }
  if (p.cmd === "publish") Object.assign(o, { topic: textIn(p.topic), payload: bytesIn(p.payload), qos: p.qos ?? 0, retain: !!p.retain, dup: !!p.dup });
  if (p.cmd === "subscribe") o.subscriptions = p.subscriptions.map((s) => ({ topic: textIn(s.topic), qos: s.qos }));
  if (p.cmd === "unsubscribe") o.unsubscriptions = p.unsubscriptions.map(textIn);
  return o;
}

/** mqtt-packet's parsed packet -> vector JSON (what core's decoder must print). */
function fromMp(x) {
  switch (x.cmd) {
    case "connect": {
      const o = { cmd: "connect", protocolId: x.protocolId, protocolVersion: x.protocolVersion, clientId: textOut(x.clientId), clean: x.clean, keepalive: x.keepalive };
      if (x.username !== undefined) o.username = textOut(x.username);
      if (x.password !== undefined) o.password = bytesOut(x.password);
      if (x.will) o.will = { topic: textOut(x.will.topic), payload: bytesOut(x.will.payload), qos: x.will.qos, retain: x.will.retain };
      return o;
    }
    case "connack":
      return { cmd: "connack", sessionPresent: x.sessionPresent, returnCode: x.returnCode };
    case "publish": {
      const o = { cmd: "publish", topic: textOut(x.topic), payload: bytesOut(x.payload), qos: x.qos, retain: x.retain, dup: x.dup };
      if (x.qos > 0) o.messageId = x.messageId;
      return o;
    }
    case "subscribe":
      return { cmd: "subscribe", messageId: x.messageId, subscriptions: x.subscriptions.map((s) => ({ topic: textOut(s.topic), qos: s.qos })) };
    case "suback":
      return { cmd: "suback", messageId: x.messageId, granted: x.granted };
    case "unsubscribe":
      return { cmd: "unsubscribe", messageId: x.messageId, unsubscriptions: x.unsubscriptions.map(textOut) };
    case "puback": case "pubrec": case "pubrel": case "pubcomp": case "unsuback":
      return { cmd: x.cmd, messageId: x.messageId };
    default:
      return { cmd: x.cmd };
  }
}

function mpParse(buf) {
  const out = [];
  const errs = [];
  const p = mp.parser({ protocolVersion: 4 });
  p.on("packet", (x) => out.push(x));
  p.on("error", (e) => errs.push(e));
  p.parse(buf);
  if (errs.length) throw errs[0];
  return out;
}

// --- remaining length edge cases
for (const n of [0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455]) {
  add({ id: `mqtt-remaining-${n}`, fn: "mqtt.remaining", in: n, out: numbers.genBufVariableByteInt(n).toString("hex") });
}
add({ id: "mqtt-remaining-too-big", fn: "mqtt.remaining", in: 268435456, error: { code: "EINVAL", field: "length" } });
add({ id: "mqtt-remaining-negative", fn: "mqtt.remaining", in: -1, error: { code: "EINVAL", field: "length" } });

// --- every packet type, encoded and decoded
const bin = { hex: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString("hex") };
const packets = {
  "connect-minimal": { cmd: "connect", clientId: "probe-1", clean: true, keepalive: 30 },
  "connect-persistent": { cmd: "connect", clientId: "router-7", clean: false, keepalive: 60, username: "probe", password: "s3cret" },
  "connect-will": { cmd: "connect", clientId: "c", clean: false, keepalive: 0, will: { topic: "miniprobe/router-7/status", payload: "offline", qos: 1, retain: true } },
  "connect-will-qos0": { cmd: "connect", clientId: "c", clean: true, keepalive: 65535, will: { topic: "t", payload: "", qos: 0, retain: false } },
  "connect-all": { cmd: "connect", clientId: "sonde-été", clean: false, keepalive: 10, username: "üser", password: bin, will: { topic: "a/b", payload: bin, qos: 2, retain: false } },
  "connect-empty-id": { cmd: "connect", clientId: "", clean: true, keepalive: 30 },
  "connect-user-only": { cmd: "connect", clientId: "x", clean: true, keepalive: 30, username: "" },
  "connack-ok": { cmd: "connack", sessionPresent: false, returnCode: 0 },
  "connack-present": { cmd: "connack", sessionPresent: true, returnCode: 0 },
  "connack-bad-auth": { cmd: "connack", sessionPresent: false, returnCode: 4 },
  "connack-not-authorized": { cmd: "connack", sessionPresent: false, returnCode: 5 },
  "publish-qos0": { cmd: "publish", topic: "a/b", payload: "hello", qos: 0, retain: false, dup: false },
  "publish-qos1": { cmd: "publish", topic: "miniprobe/p/result", payload: bin, qos: 1, retain: false, dup: false, messageId: 1 },
  "publish-qos1-dup": { cmd: "publish", topic: "t", payload: "x", qos: 1, retain: false, dup: true, messageId: 65535 },
  "publish-qos2-retain": { cmd: "publish", topic: "t", payload: "x", qos: 2, retain: true, dup: false, messageId: 258 },
  "publish-retained-empty": { cmd: "publish", topic: "miniprobe/p/status", payload: "", qos: 1, retain: true, dup: false, messageId: 7 },
  "publish-utf8-topic": { cmd: "publish", topic: "sonde/été/日本/𝄞", payload: "ü", qos: 0, retain: false, dup: false },
  "publish-rl-127": { cmd: "publish", topic: "t", payload: "p".repeat(124), qos: 0, retain: false, dup: false },
  "publish-rl-128": { cmd: "publish", topic: "t", payload: "p".repeat(125), qos: 0, retain: false, dup: false },
  "publish-rl-16383": { cmd: "publish", topic: "t", payload: "q".repeat(16380), qos: 0, retain: false, dup: false },
  "publish-rl-16384": { cmd: "publish", topic: "t", payload: "q".repeat(16381), qos: 0, retain: false, dup: false },
  "puback": { cmd: "puback", messageId: 1 },
  "pubrec": { cmd: "pubrec", messageId: 256 },
  "pubrel": { cmd: "pubrel", messageId: 65535 },
  "pubcomp": { cmd: "pubcomp", messageId: 2 },
  "subscribe": { cmd: "subscribe", messageId: 10, subscriptions: [{ topic: "miniprobe/p/spec", qos: 1 }] },
  "subscribe-many": { cmd: "subscribe", messageId: 11, subscriptions: [{ topic: "a/+/c", qos: 0 }, { topic: "#", qos: 1 }, { topic: "+", qos: 2 }, { topic: "a/#", qos: 1 }, { topic: "/", qos: 0 }] },
  "suback": { cmd: "suback", messageId: 10, granted: [1] },
  "suback-mixed": { cmd: "suback", messageId: 11, granted: [0, 1, 2, 128] },
  "unsubscribe": { cmd: "unsubscribe", messageId: 12, unsubscriptions: ["a/+/c", "#"] },
  "unsuback": { cmd: "unsuback", messageId: 12 },
  "pingreq": { cmd: "pingreq" },
  "pingresp": { cmd: "pingresp" },
  "disconnect": { cmd: "disconnect" },
};
const hexes = {};
for (const [name, p] of Object.entries(packets)) {
  const hex = mp.generate(toMp(p)).toString("hex");
  hexes[name] = hex;
  add({ id: `mqtt-encode-${name}`, fn: "mqtt.encode", in: p, out: hex });
  const parsed = mpParse(Buffer.from(hex, "hex"));
  add({ id: `mqtt-decode-${name}`, fn: "mqtt.decode", in: hex, out: fromMp(parsed[0]) });
}
// MQTT 3.1 CONNECT (what an old client sends) decodes too.
{
  const hex = mp.generate({ cmd: "connect", protocolId: "MQIsdp", protocolVersion: 3, clientId: "old", clean: true, keepalive: 5 }).toString("hex");
  add({ id: "mqtt-decode-connect-3.1", fn: "mqtt.decode", in: hex, out: fromMp(mpParse(Buffer.from(hex, "hex"))[0]) });
}

// --- the encoder refuses what cannot be sent, naming the field
const refuse = (id, p, field) => add({ id: `mqtt-encode-refuses-${id}`, fn: "mqtt.encode", in: p, error: { code: "EINVAL", field } });
refuse("wildcard-topic", { cmd: "publish", topic: "a/+", payload: "", qos: 0 }, "topic");
refuse("empty-topic", { cmd: "publish", topic: "", payload: "", qos: 0 }, "topic");
refuse("nul-topic", { cmd: "publish", topic: "a\u0000b", payload: "", qos: 0 }, "topic");
refuse("invalid-utf8-topic", { cmd: "publish", topic: { hex: "61ff" }, payload: "", qos: 0 }, "topic");
refuse("qos3", { cmd: "publish", topic: "t", payload: "", qos: 3 }, "qos");
refuse("qos1-no-id", { cmd: "publish", topic: "t", payload: "", qos: 1 }, "messageId");
refuse("id-0", { cmd: "puback", messageId: 0 }, "messageId");
refuse("id-65536", { cmd: "pubrel", messageId: 65536 }, "messageId");
refuse("dup-qos0", { cmd: "publish", topic: "t", payload: "", qos: 0, dup: true }, "dup");
refuse("bad-filter", { cmd: "subscribe", messageId: 1, subscriptions: [{ topic: "a/#/b", qos: 0 }] }, "subscriptions[0]");
refuse("bad-filter-2", { cmd: "subscribe", messageId: 1, subscriptions: [{ topic: "a", qos: 0 }, { topic: "a+", qos: 0 }] }, "subscriptions[1]");
refuse("subscribe-qos3", { cmd: "subscribe", messageId: 1, subscriptions: [{ topic: "a", qos: 3 }] }, "subscriptions[0]");
refuse("no-subscriptions", { cmd: "subscribe", messageId: 1, subscriptions: [] }, "subscriptions");
refuse("password-no-user", { cmd: "connect", clientId: "c", clean: true, keepalive: 1, password: "p" }, "password");
refuse("empty-id-persistent", { cmd: "connect", clientId: "", clean: false, keepalive: 1 }, "clientId");
refuse("keepalive", { cmd: "connect", clientId: "c", clean: true, keepalive: 65536 }, "keepalive");
refuse("long-topic", { cmd: "publish", topic: "t".repeat(65536), payload: "", qos: 0 }, "topic");

// --- strict decoding: typed errors naming the field
const bad = (id, hex, field, code = "EPROTO") => add({ id: `mqtt-decode-refuses-${id}`, fn: "mqtt.decode", in: hex, error: { code, field } });
bad("type-0", "0000", "cmd");
bad("type-15", "f000", "cmd");
bad("puback-flags", "41020001", "flags");
bad("pubrel-flags-0", "60020001", "flags");
bad("subscribe-flags-0", "8006000100016100", "flags");
bad("pingreq-flags", "c100", "flags");
bad("publish-qos3", "3603000174", "qos");
bad("publish-dup-qos0", "3803000174", "dup");
bad("publish-wildcard", "3003000123", "topic");
bad("publish-empty-topic", "30020000", "topic");
bad("publish-bad-utf8", "30040002c328", "topic");
bad("publish-nul", "30040002610061".slice(0, 12), "topic");
bad("publish-id-0", "320500017400" + "00", "messageId");
bad("publish-topic-past-end", "3003000561", "topic");
bad("connack-long", "2003000000", "length");
bad("connack-flags", "20020200", "sessionPresent");
bad("puback-id-0", "40020000", "messageId");
bad("puback-long", "4003000100", "length");
bad("pingresp-body", "d00100", "length");
bad("length-5-bytes", "30ffffffff7f", "length");
bad("packet-ends-early", "300a0001", "length");
bad("bytes-after", "c00000", "length");
bad("subscribe-empty", "82020001", "subscriptions");
bad("subscribe-qos3", "8206000100016103", "subscriptions[0]");
bad("subscribe-bad-filter", "820700010002232f01", "subscriptions[0]");
bad("suback-granted-3", "9003000103", "granted");
bad("unsubscribe-empty", "a2020001", "unsubscriptions");
bad("connect-level-5", mp.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clientId: "c", clean: true, keepalive: 1 }).toString("hex"), "protocolVersion");
{
  const ok = Buffer.from(hexes["connect-minimal"], "hex");
  const flagsAt = 9; // fixed header(2) + "MQTT"(6) + level(1)
  const withFlags = (f) => { const b = Buffer.from(ok); b[flagsAt] = f; return b.toString("hex"); };
  bad("connect-reserved-flag", withFlags(0x03), "flags");
  bad("connect-password-no-user", withFlags(0x42), "flags");
  bad("connect-will-qos-no-will", withFlags(0x0a), "flags");
  bad("connect-trailing", (() => { const b = Buffer.concat([ok, Buffer.from([0])]); b[1] += 1; return b.toString("hex"); })(), "length");
}
bad("connect-bad-utf8-id", "101100044d5154540402001e0005c328c32841", "clientId");

// --- the incremental parser: a stream of packets cut anywhere
const streamNames = ["connack-present", "suback-mixed", "publish-qos1", "publish-utf8-topic", "pingresp", "publish-qos0", "puback", "publish-rl-128", "unsuback", "publish-retained-empty"];
const stream = Buffer.concat(streamNames.map((n) => Buffer.from(hexes[n], "hex")));
const ends = [];
{
  let at = 0;
  for (const n of streamNames) {
    at += hexes[n].length / 2;
    ends.push(at);
  }
}
const expectPackets = mpParse(stream).map(fromMp);
const perChunk = (cuts) => {
  const bounds = [...cuts, stream.length];
  let prev = 0;
  return bounds.map((c) => {
    const n = ends.filter((e) => e > prev && e <= c).length;
    prev = c;
    return n;
  });
};
const parseCase = (id, cuts, max) => add({ id: `mqtt-parse-${id}`, fn: "mqtt.parse", in: { hex: stream.toString("hex"), cuts, ...(max ? { max } : {}) }, out: { packets: expectPackets, chunks: perChunk(cuts) } });
parseCase("whole", []);
parseCase("every-byte", Array.from({ length: stream.length - 1 }, (_, i) => i + 1));
parseCase("at-packet-ends", ends.slice(0, -1));
parseCase("one-after-ends", ends.slice(0, -1).map((e) => e + 1));
parseCase("one-before-ends", ends.slice(0, -1).map((e) => e - 1));
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let k = 0; k < 4; k++) {
  const cuts = [...new Set(Array.from({ length: 12 }, () => 1 + Math.floor(rnd() * (stream.length - 1))))].sort((a, b) => a - b);
  parseCase(`random-${k}`, cuts);
}
// Remaining length straddling chunks: a 16384-byte packet whose length bytes arrive one by one.
{
  const big = Buffer.from(hexes["publish-rl-16384"], "hex");
  add({ id: "mqtt-parse-length-bytes-split", fn: "mqtt.parse", in: { hex: big.toString("hex"), cuts: [1, 2, 3, 4, 100, 8000] }, out: { packets: [fromMp(mpParse(big)[0])], chunks: [0, 0, 0, 0, 0, 0, 1] } });
}
// Oversize: a PUBLISH above the limit comes out with its topic and id, payload discarded.
{
  const pub = mp.generate({ cmd: "publish", topic: "miniprobe/p/spec", payload: Buffer.alloc(300, 0x41), qos: 1, messageId: 9, retain: false, dup: false });
  const after = Buffer.from(hexes["pingresp"], "hex");
  const hex = Buffer.concat([pub, after]).toString("hex");
  const expect = [{ cmd: "publish", topic: "miniprobe/p/spec", payload: "", qos: 1, retain: false, dup: false, messageId: 9, oversize: 300 }, { cmd: "pingresp" }];
  add({ id: "mqtt-parse-oversize-publish", fn: "mqtt.parse", in: { hex, cuts: [10, 25, 200], max: 100 }, out: { packets: expect, chunks: [0, 0, 0, 2] } });
  add({ id: "mqtt-parse-oversize-publish-bytewise", fn: "mqtt.parse", in: { hex, cuts: Array.from({ length: pub.length + 1 }, (_, i) => i + 1), max: 100 }, out: { packets: expect, chunks: [...Array(pub.length - 1).fill(0), 1, 0, 1] } });
  add({ id: "mqtt-parse-oversize-suback", fn: "mqtt.parse", in: { hex: hexes["suback-mixed"], cuts: [], max: 4 }, error: { code: "ETOOBIG", field: "length" } });
}
add({ id: "mqtt-parse-garbage-after-packet", fn: "mqtt.parse", in: { hex: hexes["puback"] + "f000", cuts: [4] }, error: { code: "EPROTO", field: "cmd" } });
add({ id: "mqtt-parse-length-5-bytes", fn: "mqtt.parse", in: { hex: "30ffffffff7f", cuts: [2, 3, 4, 5] }, error: { code: "EPROTO", field: "length" } });
add({ id: "mqtt-parse-incomplete", fn: "mqtt.parse", in: { hex: hexes["publish-qos1"].slice(0, 40), cuts: [3] }, out: { packets: [], chunks: [0, 0] } });

// --- backoff: capped exponential, jitter from the given random numbers
const backoff = (id, o) => {
  const out = [];
  let base = Math.min(o.initialMs, o.maxMs);
  let k = 0;
  for (const s of o.steps) {
    if (s === "r") {
      base = Math.min(o.initialMs, o.maxMs);
      out.push(null);
      continue;
    }
    const r = o.random[k++] ?? 0;
    out.push(Math.floor(base - base * o.jitter * r));
    base = Math.min(o.maxMs, base * o.factor);
  }
  add({ id: `backoff-${id}`, fn: "backoff.delays", in: o, out });
};
backoff("no-jitter", { initialMs: 1000, maxMs: 60000, factor: 2, jitter: 0, random: [], steps: "nnnnnnnnn" });
backoff("jitter-half", { initialMs: 1000, maxMs: 60000, factor: 2, jitter: 0.5, random: [0, 0.5, 0.999, 0.25, 0.123456789, 0.75, 0.1, 0.9, 0.333], steps: "nnnnnnnnn" });
backoff("full-jitter", { initialMs: 500, maxMs: 8000, factor: 3, jitter: 1, random: [0.5, 0.5, 0.5, 0.5, 0.999999, 0], steps: "nnnnnn" });
backoff("reset", { initialMs: 250, maxMs: 4000, factor: 2, jitter: 0.2, random: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], steps: "nnnrnnn" });
backoff("factor-1.5", { initialMs: 100, maxMs: 1000, factor: 1.5, jitter: 0.1, random: [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], steps: "nnnnnnn" });

writeFileSync("tests/vectors/mqtt.json", JSON.stringify({ cases }, null, 1) + "\n");
console.log(`mqtt: ${cases.length} cases`);
