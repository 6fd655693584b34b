#!/usr/bin/env node
// Writes tests/vectors/model-*.json from the recorded mPlane reference-implementation
// decisions in tests/fixtures/mplane (expected values come from the RI, curated, not
// from our code), plus hand-checked cases for constraints, validation and utilities.
import { readFileSync, writeFileSync } from "node:fs";

const fx = (n) => JSON.parse(readFileSync(`tests/fixtures/mplane/${n}`, "utf8"));
const out = (name, cases) => {
  writeFileSync(`tests/vectors/${name}.json`, JSON.stringify({ cases }, null, 1) + "\n");
  console.log(`${name}: ${cases.length} cases`);
};
const slug = (s) => s.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);

// --- temporal scopes
const when = [];
for (const [k, e] of fx("when.json").entries()) {
  const id = `when-${k}-${slug(e.input) || "empty"}`;
  const input = { text: e.input, tzero: e.tzero };
  if (e.error) {
    when.push({ id, fn: "when.parse", in: input, error: { code: "EWHEN", field: "when" }, note: e.error });
    continue;
  }
  // The RI writes a trailing space after "}" and expands cron fields; our compact form is
  // the input's own (the fixture notes both are right).
  const format = e.input.includes(" cron ") ? e.input : e.format.replace(/ $/, "");
  when.push({
    id, fn: "when.parse", in: input,
    out: {
      format, start: e.start, end: e.end, period_s: e.period_s, duration_s: e.duration_s ?? null,
      definite: e.definite, forever: e.forever, immediate: e.immediate, infinite: e.infinite, repeated: e.repeated,
    },
  });
}
// format round trip: what we write parses back to the same facts
out("model-when", when);

const follows = [];
const tzero = "2026-11-22 12:00:00.000000";
for (const [k, e] of fx("follows.json").entries()) {
  const id = `follows-${k}-${slug(e.capability)}--${slug(e.specification)}`;
  const input = { capability: e.capability, specification: e.specification, tzero };
  if (e.error) follows.push({ id, fn: "when.follows", in: input, error: { code: "EWHEN", field: "when" }, note: e.error });
  else follows.push({ id, fn: "when.follows", in: input, out: { accept: e.accept }, match: "subset" });
}
out("model-follows", follows);

// --- schedules: when do the runs happen (hand-computed)
const sched = [
  ["now + 5s / 1s", 5, [[tzero, "2026-11-22 12:00:05.000000", 1]]],
  ["now", 5, [[tzero, tzero, null]]],
  ["2026-11-22 13:00:00 + 10m / 1m", 5, [["2026-11-22 13:00:00.000000", "2026-11-22 13:10:00.000000", 60]]],
  ["2026-11-22 11:00:00 ... 2026-11-22 11:30:00", 5, []],
  ["repeat now ... future / 1h { now + 5m / 1s }", 3, [
    [tzero, "2026-11-22 12:05:00.000000", 1],
    ["2026-11-22 13:00:00.000000", "2026-11-22 13:05:00.000000", 1],
    ["2026-11-22 14:00:00.000000", "2026-11-22 14:05:00.000000", 1]]],
  ["repeat now + 1d / 6h { now + 1m / 10s }", 10, [
    [tzero, "2026-11-22 12:01:00.000000", 10],
    ["2026-11-22 18:00:00.000000", "2026-11-22 18:01:00.000000", 10],
    ["2026-11-23 00:00:00.000000", "2026-11-23 00:01:00.000000", 10],
    ["2026-11-23 06:00:00.000000", "2026-11-23 06:01:00.000000", 10]]],
  ["repeat 2026-11-22 08:00:00 ... 2026-11-22 17:00:00 / 2h { now + 10m }", 10, [
    ["2026-11-22 12:00:00.000000", "2026-11-22 12:10:00.000000", null],
    ["2026-11-22 14:00:00.000000", "2026-11-22 14:10:00.000000", null],
    ["2026-11-22 16:00:00.000000", "2026-11-22 16:10:00.000000", null]]],
  ["repeat now ... future cron 0 0 * * * * { now + 30s / 1s }", 3, [
    [tzero, "2026-11-22 12:00:30.000000", 1],
    ["2026-11-22 13:00:00.000000", "2026-11-22 13:00:30.000000", 1],
    ["2026-11-22 14:00:00.000000", "2026-11-22 14:00:30.000000", 1]]],
  ["repeat now ... future cron 0 30 4 * * * { now + 5m }", 2, [
    ["2026-11-23 04:30:00.000000", "2026-11-23 04:35:00.000000", null],
    ["2026-11-24 04:30:00.000000", "2026-11-24 04:35:00.000000", null]]],
  // 2026-11-22 is a Sunday (weekday 6); weekdays 1,3,5 = Tue, Thu, Sat
  ["repeat now + 7d cron 0 0 12 * 1,3,5 * { now + 1m / 1s }", 10, [
    ["2026-11-24 12:00:00.000000", "2026-11-24 12:01:00.000000", 1],
    ["2026-11-26 12:00:00.000000", "2026-11-26 12:01:00.000000", 1],
    ["2026-11-28 12:00:00.000000", "2026-11-28 12:01:00.000000", 1]]],
  ["repeat now ... future cron 15 */1 * * * *", 1, null],
  ["repeat now ... future cron 0 0 0 29 * 2 { now }", 2, [
    ["2028-02-29 00:00:00.000000", "2028-02-29 00:00:00.000000", null],
    ["2032-02-29 00:00:00.000000", "2032-02-29 00:00:00.000000", null]]],
  ["repeat now + 10s / 3s", 10, [
    [tzero, tzero, null], ["2026-11-22 12:00:03.000000", "2026-11-22 12:00:03.000000", null],
    ["2026-11-22 12:00:06.000000", "2026-11-22 12:00:06.000000", null],
    ["2026-11-22 12:00:09.000000", "2026-11-22 12:00:09.000000", null]]],
];
out("model-schedule", sched.map(([text, limit, runs]) => runs === null
  ? { id: `schedule-${slug(text)}`, fn: "when.schedule", in: { text, tzero, limit }, error: { code: "EWHEN", field: "when" } }
  : { id: `schedule-${slug(text)}`, fn: "when.schedule", in: { text, tzero, limit }, out: runs }));

// --- constraints (from the RI fixture, curated)
const cons = [];
for (const [k, c] of fx("constraints.json").entries()) {
  cons.push({
    id: `constraint-${k}-${slug(c.constraint)}`, fn: "constraint.check",
    in: { constraint: c.constraint, prim: c.prim, values: c.checks.map((x) => x.value) },
    out: { checks: c.checks.map((x) => ({ value: x.value, ok: x.ok })) }, match: "subset",
  });
}
const extra = [
  ["*", "natural", ["0", "17", "-1", "1.5", "", "0x10", " 5"], [true, true, false, false, false, false, false]],
  ["*", "real", ["1.5", "-2", "1e3", "1.", ".5", "abc"], [true, true, true, false, true, false]],
  ["*", "address", ["127.0.0.1", "::1", "fd99:0:0:3::2", "256.1.1.1", "1.2.3", "-f", ";reboot", "01.2.3.4", "::ffff:10.0.0.1", "1::2::3"],
    [true, true, true, false, false, false, false, false, true, false]],
  ["10.0.0.0 ... 10.0.0.255", "address", ["10.0.0.7", "10.0.1.0", "9.255.255.255"], [true, false, false]],
  ["*", "url", ["http://127.0.0.1/x.m3u8", "https://[::1]:8443/a", "ftp:/x", "http://a b", "relative/path"], [true, true, false, false, false]],
  ["*", "boolean", ["True", "False", "true", "yes"], [true, true, true, false]],
  ["*", "time", ["2026-11-22 12:00:00", "2026-11-22 12:00:00.5", "2026-02-30 00:00:00", "now"], [true, true, false, false]],
  ["56 ... 65000", "natural", ["56", "65000", "65001", "55"], [true, true, false, false]],
  ["2026-11-22 00:00:00 ... 2026-11-23 00:00:00", "time", ["2026-11-22 12:00:00", "2026-11-24 00:00:00"], [true, false]],
  ["busybox,iputils", "string", ["busybox", "BusyBox", "iputils"], [true, false, true]],
];
for (const [k, [c, prim, values, oks]] of extra.entries()) {
  cons.push({
    id: `constraint-x${k}-${prim}-${slug(c)}`, fn: "constraint.check", in: { constraint: c, prim, values },
    out: { checks: values.map((v, i) => ({ value: v, ok: oks[i] })) }, match: "subset",
  });
}
out("model-constraints", cons);

// --- messages: every RI message reads and writes back exactly as the RI wrote it
const msgs = fx("messages.json");
const mcases = Object.entries(msgs).map(([k, m]) => ({ id: `message-${k}`, fn: "message.roundtrip", in: JSON.stringify(m), out: m }));
mcases.push({ id: "message-numbers-accepted", fn: "message.roundtrip",
  in: JSON.stringify({ specification: "measure", version: 1, label: "x", registry: "r", when: "now", parameters: { "destination.port": 80, "x.ratio": 0.25 }, results: ["a"] }),
  out: { specification: "measure", version: 1, label: "x", registry: "r", when: "now", parameters: { "destination.port": "80", "x.ratio": "0.25" }, results: ["a"] } });
mcases.push({ id: "message-empty-parameters", fn: "message.roundtrip",
  in: JSON.stringify({ capability: "measure", version: 1, registry: "r", when: "now ... future", parameters: {}, results: ["time"] }),
  out: { capability: "measure", version: 1, registry: "r", when: "now ... future", parameters: {}, results: ["time"] } });
mcases.push({ id: "message-not-json-object", fn: "message.roundtrip", in: "[1,2]", error: { code: "EMESSAGE" } });
mcases.push({ id: "message-no-kind", fn: "message.roundtrip", in: "{\"version\":1}", error: { code: "EMESSAGE" } });
mcases.push({ id: "message-bad-version", fn: "message.roundtrip", in: "{\"specification\":\"measure\",\"version\":2}", error: { code: "EMESSAGE", field: "version" } });
mcases.push({ id: "message-bad-json", fn: "message.roundtrip", in: "{\"specification\":", error: { code: "EJSON" } });
mcases.push({ id: "message-param-object", fn: "message.roundtrip", in: "{\"specification\":\"measure\",\"parameters\":{\"a\":{}}}", error: { code: "EMESSAGE" } });
out("model-messages", mcases);

// --- validation of a specification against its capability
const cap = (when, params, results = ["delay.twoway.icmp.us.min"]) =>
  ({ capability: "measure", version: 1, label: "ping-average-ip4", registry: "http://ict-mplane.eu/registry/core", when, parameters: params, results });
const spec = (when, params, results = []) =>
  ({ specification: "measure", version: 1, label: "ping-average-ip4", when, parameters: params, results });
const pcap = cap("now ... future / 10s", { "destination.ip4": "*", "source.ip4": "10.0.27.2" });
const v = [
  ["accepts-30s-10s", pcap, spec("now + 30s / 10s", { "destination.ip4": "10.0.37.2" }), null],
  ["rejects-one-shot-now", pcap, spec("now", { "destination.ip4": "10.0.37.2" }), "when"],
  ["rejects-period-1s", pcap, spec("now + 30s / 1s", { "destination.ip4": "10.0.37.2" }), "when"],
  ["rejects-malformed-when", pcap, spec("now + 30 / 10s", { "destination.ip4": "10.0.37.2" }), "when"],
  ["rejects-missing-when", pcap, { specification: "measure", label: "ping-average-ip4", parameters: { "destination.ip4": "10.0.37.2" } }, "when"],
  ["rejects-bad-address", pcap, spec("now + 30s / 10s", { "destination.ip4": "10.0.37.256" }), "destination.ip4"],
  ["rejects-option-injection", pcap, spec("now + 30s / 10s", { "destination.ip4": "-f" }), "destination.ip4"],
  ["rejects-shell-injection", pcap, spec("now + 30s / 10s", { "destination.ip4": "1.2.3.4;reboot" }), "destination.ip4"],
  ["rejects-missing-param", pcap, spec("now + 30s / 10s", {}), "destination.ip4"],
  ["rejects-unknown-param", pcap, spec("now + 30s / 10s", { "destination.ip4": "10.0.37.2", "bogus.x": "1" }), "bogus.x"],
  ["rejects-other-source", pcap, spec("now + 30s / 10s", { "destination.ip4": "10.0.37.2", "source.ip4": "10.0.27.3" }), "source.ip4"],
  ["rejects-unknown-result", pcap, spec("now + 30s / 10s", { "destination.ip4": "10.0.37.2" }, ["packets.lost"]), "results"],
  ["accepts-size-in-range", cap("now ... future / 1s", { "destination.ip4": "*", "octets.ip": "56 ... 1472" }),
    spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "octets.ip": "1000" }), null],
  ["rejects-size-out-of-range", cap("now ... future / 1s", { "destination.ip4": "*", "octets.ip": "56 ... 1472" }),
    spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "octets.ip": "9000" }), "octets.ip"],
  ["rejects-size-not-natural", cap("now ... future / 1s", { "destination.ip4": "*", "octets.ip": "56 ... 1472" }),
    spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "octets.ip": "100.5" }), "octets.ip"],
  ["accepts-start-later", cap("now ... future", { "destination.ip4": "*" }), spec("2026-11-22 13:00:00 + 10m", { "destination.ip4": "127.0.0.1" }), null],
  ["rejects-start-in-past", cap("now ... future", { "destination.ip4": "*" }), spec("2026-11-22 11:00:00 + 10m", { "destination.ip4": "127.0.0.1" }), "when"],
  ["accepts-repeat-inner-period", pcap, spec("repeat now ... future / 1h { now + 1m / 10s }", { "destination.ip4": "10.0.37.2" }), null],
  ["rejects-repeat-short-inner", pcap, spec("repeat now ... future / 1h { now + 1m / 1s }", { "destination.ip4": "10.0.37.2" }), "when"],
  ["rejects-verb", pcap, { ...spec("now + 30s / 10s", { "destination.ip4": "10.0.37.2" }), specification: "query" }, "specification"],
  ["rejects-ipv6-for-ip4", pcap, spec("now + 30s / 10s", { "destination.ip4": "zz::1" }), "destination.ip4"],
];
const dcap = cap("now ... future / 1s", { "destination.ip4": "*", "octets.ip": "56 ... 1472", "hops.ip": "1 ... 255" });
const dflt = { "octets.ip": "56", "hops.ip": "64" };
const withDefaults = [
  { id: "spec-defaults-filled", fn: "spec.validate", in: { capability: dcap, specification: spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1" }), tzero, defaults: dflt },
    out: { ...spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "octets.ip": "56", "hops.ip": "64" }), registry: dcap.registry, results: dcap.results } },
  { id: "spec-defaults-overridden", fn: "spec.validate", in: { capability: dcap, specification: spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "hops.ip": "3" }), tzero, defaults: dflt },
    out: { ...spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "octets.ip": "56", "hops.ip": "3" }), registry: dcap.registry, results: dcap.results } },
  { id: "spec-defaults-still-checked", fn: "spec.validate", in: { capability: dcap, specification: spec("now + 3s / 1s", { "destination.ip4": "127.0.0.1", "octets.ip": "20" }), tzero, defaults: dflt },
    error: { code: "ESPEC", field: "octets.ip" } },
  { id: "spec-defaults-no-default-for-destination", fn: "spec.validate", in: { capability: dcap, specification: spec("now + 3s / 1s", {}), tzero, defaults: dflt },
    error: { code: "ESPEC", field: "destination.ip4" } },
];
out("model-spec", withDefaults.concat(v.map(([id, c, s, field]) => {
  const base = { id: `spec-${id}`, fn: "spec.validate", in: { capability: c, specification: s, tzero } };
  if (field) return { ...base, error: { code: field === "when" && s.when && /now \+ 30 \//.test(s.when) ? "EWHEN" : "ESPEC", field } };
  const filled = { ...s, parameters: { ...s.parameters }, registry: c.registry, results: s.results.length ? s.results : c.results };
  for (const [k, val] of Object.entries(c.parameters)) if (!(k in filled.parameters) && !val.includes("*") && !val.includes(",") && !val.includes("...")) filled.parameters[k] = val;
  return { ...base, out: filled };
})));

// --- matching a specification to a capability by schema and scope (core/model/match.ts);
// the label only picks among equals. Capabilities as this probe offers them.
const mcap = (label, when, params, results, defaults) => ({ capability: "measure", version: 1, label, registry: "r", when, parameters: params, results, defaults });
const PING_P = (dest) => ({ [dest]: "*", "ping.payload.octets": "16 ... 65000", "ping.ttl": "1 ... 255", "ping.timeout.s": "1 ... 60" });
const PING_D = { "ping.payload.octets": "56", "ping.ttl": "64", "ping.timeout.s": "2" };
const AVG = ["delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.max", "delay.twoway.icmp.count", "packets.lost"];
const DET = ["time", "delay.twoway.icmp.us", "ping.sequence", "ping.reply.ttl"];
const TR_P = { "destination.ip4": "*", "traceroute.protocol": "udp,icmp,tcp", "traceroute.hops.max": "1 ... 64", "traceroute.queries": "1 ... 10", "traceroute.wait.s": "1 ... 10" };
const TR_D = { "traceroute.protocol": "udp", "traceroute.hops.max": "30", "traceroute.queries": "3", "traceroute.wait.s": "3" };
const TR_R = ["traceroute.hop", "traceroute.probe", "intermediate.ip4", "rtt.us", "traceroute.flag", "destination.reached"];
const LB_P = { ...TR_P };
delete LB_P["traceroute.hops.max"];
const LB_D = { ...TR_D };
delete LB_D["traceroute.hops.max"];
const caps = [
  mcap("probe-info", "now ... future", {}, ["time", "miniprobe.version"]),
  mcap("ping-average-ip4", "now ... future / 0.2s", PING_P("destination.ip4"), AVG, PING_D),
  mcap("ping-detail-ip4", "now ... future / 0.2s", PING_P("destination.ip4"), DET, PING_D),
  mcap("traceroute-ip4", "now ... future", TR_P, TR_R, TR_D),
  mcap("traceroute-paris-ip4", "now ... future", { ...TR_P, "source.port": "1024 ... 65535" }, TR_R, { ...TR_D, "source.port": "33433" }),
  mcap("tracelb-ip4", "now ... future", LB_P, TR_R, LB_D),
];
const full = (p) => Object.fromEntries(Object.keys(p).map((k) => [k, k.startsWith("destination") ? "127.0.0.1" : (TR_D[k] ?? PING_D[k] ?? "33433")]));
const mspec = (label, when, params, results = []) => ({ specification: "measure", version: 1, ...(label ? { label } : {}), when, parameters: params, results });
const ms = [
  ["ri-paris-unlabelled", mspec(undefined, "now", full({ ...TR_P, "source.port": "" }), TR_R), "traceroute-paris-ip4"],
  ["ri-classic-unlabelled", mspec(undefined, "now", full(TR_P), TR_R), "traceroute-ip4"],
  ["ri-tracelb-unlabelled", mspec(undefined, "now", full(LB_P), TR_R), "tracelb-ip4"],
  ["ri-renamed-paris", mspec("traceroute-paris-ip4-7", "now", { "destination.ip4": "127.0.0.1" }), "traceroute-paris-ip4"],
  ["ri-renamed-classic", mspec("traceroute-ip4-0", "now", { "destination.ip4": "127.0.0.1" }), "traceroute-ip4"],
  ["ri-detail-unlabelled", mspec(undefined, "now + 2s / 1s", full(PING_P("destination.ip4")), DET), "ping-detail-ip4"],
  ["ri-average-unlabelled", mspec(undefined, "now + 2s / 1s", full(PING_P("destination.ip4")), AVG), "ping-average-ip4"],
  ["subset-of-detail-columns", mspec(undefined, "now + 2s / 1s", { "destination.ip4": "127.0.0.1" }, ["delay.twoway.icmp.us"]), "ping-detail-ip4"],
  ["label-picks-among-equals", mspec("ping-detail-ip4", "now + 2s / 1s", { "destination.ip4": "127.0.0.1" }), "ping-detail-ip4"],
  ["paris-label-with-classic-parameters", mspec("traceroute-paris-ip4", "now", full(TR_P)), "traceroute-paris-ip4"],
  ["classic-parameters-unlabelled", mspec(undefined, "now", full(TR_P)), "traceroute-ip4"],
  ["label-is-only-a-hint", mspec("ping-detail-ip4", "now + 2s / 1s", full(PING_P("destination.ip4")), AVG), "ping-average-ip4"],
  ["scope-decides", mspec(undefined, "now", { "destination.ip4": "127.0.0.1", "traceroute.hops.max": "5" }, ["traceroute.hop"]), null],
  ["probe-info-any-label", mspec("whatever", "now", {}), "probe-info"],
  ["label-names-misfit", mspec("probe-info", "now", { "destination.ip4": "-f" }), "probe-info"],
];
const mm = ms.map(([id, s, label]) => (label === null
  ? { id: `match-${id}`, fn: "spec.match", in: { capabilities: caps, specification: s, tzero }, error: { code: "ESPEC", field: "label" } }
  : { id: `match-${id}`, fn: "spec.match", in: { capabilities: caps, specification: s, tzero }, out: label }));
mm.push({ id: "match-ambiguous-unlabelled", fn: "spec.match", in: { capabilities: caps, specification: mspec(undefined, "now + 2s / 1s", { "destination.ip4": "127.0.0.1" }), tzero }, error: { code: "ESPEC", field: "label" } });
mm.push({ id: "match-no-schema", fn: "spec.match", in: { capabilities: caps, specification: mspec(undefined, "now", { "bogus.x": "1" }), tzero }, error: { code: "ENOCAP", field: "specification" } });
mm.push({ id: "match-scope-fits-none", fn: "spec.match", in: { capabilities: caps, specification: mspec(undefined, "now", { "destination.ip4": "127.0.0.1" }, DET), tzero }, out: "ping-detail-ip4" });
mm.push({ id: "match-bad-when", fn: "spec.match", in: { capabilities: caps, specification: mspec(undefined, "now + 30", {}), tzero }, error: { code: "EWHEN", field: "when" } });
out("model-match", mm);

// --- hostile input: one answer on every runtime (issue 8); expected values by hand
const hostile = [];
const H = (id, fn, input, expect) => hostile.push(expect && expect.error ? { id: `hostile-${id}`, fn, in: input, error: expect.error } : { id: `hostile-${id}`, fn, in: input, out: expect });
for (const [name, ok] of [["0", false], ["2130706433", false], ["0x7f000001", false], ["0X7F000001", false], ["0177.0.0.1", false], ["127.1", false],
  ["1.2.3.4", false], ["host.123", false], ["0x7f.example", true], ["123.example", true], ["x0", true], ["router1", true], ["1e100.net", true]]) {
  H(`hostname-${slug(name)}`, "addr.hostname", name, ok);
}
const urlChecks = [["http://127.0.0.1:8080/x.m3u8", true], ["HTTP://127.0.0.1/x.m3u8", true], ["HtTpS://[::1]/a.mpd", true], ["file:///etc/passwd", false],
  ["gopher://127.0.0.1/", false], ["-K/etc/passwd://x", false], ["http://", false], ["http:///x", false], ["http://:80/x", false], ["http://user@/x", false],
  ["//127.0.0.1/x", false], ["http://127.0.0.1/a b", false], ["ftp://127.0.0.1/x", false], ["javascript:alert(1)", false]];
hostile.push({ id: "hostile-url-schemes", fn: "constraint.check", in: { constraint: "*", prim: "url", values: urlChecks.map((u) => u[0]) },
  out: { checks: urlChecks.map(([value, ok]) => ({ value, ok })) }, match: "subset" });
H("when-401-digit-duration", "when.parse", { text: `now + ${"9".repeat(401)}s`, tzero }, { error: { code: "EWHEN", field: "when" } });
H("when-401-days", "when.parse", { text: "now + 401d", tzero }, { error: { code: "EWHEN", field: "when" } });
H("when-huge-period", "when.parse", { text: "now ... future / 99999999999d", tzero }, { error: { code: "EWHEN", field: "when" } });
hostile.push({ id: "hostile-when-400-days", fn: "when.parse", in: { text: "now + 400d / 1d", tzero }, out: { duration_s: 34560000, period_s: 86400 }, match: "subset" });
H("schedule-30-days", "when.schedule", { text: "now + 30d / 1d", tzero, limit: 2 }, [[tzero, "2026-12-22 12:00:00.000000", 86400]]);
const sp = (o) => ({ specification: "measure", version: 1, label: "probe-info", when: "now", parameters: {}, results: [], ...o });
H("results-empty-object", "message.roundtrip", JSON.stringify(sp({ results: {} })), { specification: "measure", version: 1, label: "probe-info", registry: "http://ict-mplane.eu/registry/core", when: "now", parameters: {}, results: [] });
H("token-ok", "spec.shape", sp({ token: "0123456789abcdef0123456789ABCDEF" }), true);
for (const [id, token] of [["number", 12345], ["empty", ""], ["short", "abc"], ["not-hex", "0123456789abcdef0123456789abcdeg"], ["long", "a".repeat(3000)]]) {
  H(`token-${id}`, "spec.shape", sp({ token }), { error: { code: "ESPEC", field: "token" } });
}
H("too-many-results", "spec.shape", sp({ results: Array.from({ length: 300 }, (_, i) => `c${i}`) }), { error: { code: "ESPEC", field: "results" } });
H("too-many-parameters", "spec.shape", sp({ parameters: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`p${i}`, "1"])) }), { error: { code: "ESPEC", field: "parameters" } });
H("long-when", "spec.shape", sp({ when: "now" + " ".repeat(2000) }), { error: { code: "ESPEC", field: "when" } });
H("long-value", "spec.shape", sp({ parameters: { "content.url": "http://a/" + "x".repeat(5000) } }), { error: { code: "ESPEC", field: "content.url" } });
// digests: the same 32 digits everywhere, for lengths around the 3-byte step and a long text
const long = Array.from({ length: 70000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join("");
// (values from the first run on Node; the test is that every runtime agrees and they all differ)
for (const [id, text, hex] of [["empty", "", "5a73f89f4395dff7a4b638f2bd867122"], ["one", "a", "ae3ae0ef48802bb984f2c3c8978dd89e"], ["two", "ab", "9c8d4963d88c83711dc288b97f9f5eff"], ["three", "abc", "11fa74f876d5bfe4cb3a081bf899f29a"],
  ["four", "abcd", "c224a6910e262ad7a664fc1ca2f7914f"], ["long", long, "31aeb216e01deba2e671a7d936ea0b2f"]]) {
  hostile.push({ id: `hostile-digest-${id}`, fn: "hash.digest128", in: text, out: hex });
}
out("model-hostile", hostile);
