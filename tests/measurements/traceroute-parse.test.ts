// Traceroute parsers against every fixture under tests/fixtures/traceroute/ (the scamper
// .warts binary is not copied): hop addresses, RTTs, flags and verdicts read from the text.
import test, { ExecutionContext } from "ava";
import { readFileSync, readdirSync } from "node:fs";
import { parseBusyboxTraceroute } from "../../core/measurements/traceroute/parse-busybox";
import { parseTraceroute } from "../../core/measurements/traceroute/parse-traceroute";
import { parseTracepath } from "../../core/measurements/traceroute/parse-tracepath";
import { parseScamperTrace } from "../../core/measurements/traceroute/parse-scamper";
import { parseTraces } from "../../core/measurements/traceroute/parse";
import { Trace } from "../../core/measurements/traceroute/types";
import { ProbeError } from "../../core/util/errors";

const DIR = "tests/fixtures/traceroute/";
const fixture = (name: string) => readFileSync(DIR + name, "utf8");

/** Per hop: the probes as "addr rtt[ flag]" or "*". */
function rows(tr: Trace): string[][] {
  return tr.hops.map((h) =>
    h.probes.map((p) =>
      p.addr === undefined && p.rttUs === undefined
        ? "*"
        : [p.addr, p.rttUs, p.flag].filter((x) => x !== undefined).join(" ")
    )
  );
}
const addrs = (tr: Trace) => tr.hopAddrs.map((h) => h.addrs);
const ttls = (tr: Trace) => tr.hops.map((h) => h.ttl);

type Check = (t: ExecutionContext, text: string) => void;
const one = (parse: (s: string) => Trace, f: (t: ExecutionContext, tr: Trace) => void): Check => (t, s) => f(t, parse(s));
const scamper = (f: (t: ExecutionContext, tr: Trace) => void): Check => (t, s) => {
  const all = parseScamperTrace(s);
  t.is(all.length, 1);
  f(t, all[0]);
};

function completed(t: ExecutionContext, tr: Trace, dst: string): void {
  t.is(tr.dstAddr, dst);
  t.true(tr.reached);
  t.is(tr.haltReason, "completed");
  t.is(tr.haltFlag, undefined);
}

const V4 = "10.99.3.2";
const V6 = "fd99:0:0:3::2";

const cases: { [file: string]: Check } = {
  "busybox_traceroute_ipv4.txt": one(parseBusyboxTraceroute, (t, tr) => {
    t.is(tr.tool, "busybox");
    t.is(tr.dst, V4);
    t.is(tr.maxHops, 30);
    t.is(tr.packetBytes, 46);
    t.deepEqual(rows(tr), [
      ["10.99.1.1 10603", "10.99.1.1 10232", "10.99.1.1 10408"],
      ["10.99.12.2 20397", "10.99.12.2 20460", "10.99.112.2 20474"],
      ["10.99.23.3 30850", "10.99.23.3 30637", "10.99.123.3 30623"],
      ["10.99.3.2 40874", "10.99.3.2 40819", "10.99.3.2 40828"],
    ]);
    t.deepEqual(addrs(tr), [["10.99.1.1"], ["10.99.12.2", "10.99.112.2"], ["10.99.23.3", "10.99.123.3"], [V4]]);
    completed(t, tr, V4);
  }),
  "busybox_traceroute_ipv4_icmp.txt": one(parseBusyboxTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.23.3 30822", "10.99.123.3 30703", "10.99.23.3 30693"]);
    t.deepEqual(addrs(tr)[1], ["10.99.12.2", "10.99.112.2"]);
    completed(t, tr, V4);
  }),
  "busybox_traceroute_ipv4_names.txt": one(parseBusyboxTraceroute, (t, tr) => {
    t.deepEqual(tr.hops[0].probes[0], { addr: "10.99.1.1", name: "eth-probe.r1.lab.test", rttUs: 10287 });
    t.deepEqual(tr.hops[1].probes.map((p) => p.name), ["eth-r1.r2b.lab.test", "eth-r1.r2.lab.test", "eth-r1.r2.lab.test"]);
    t.deepEqual(addrs(tr)[2], ["10.99.123.3", "10.99.23.3"]);
    t.deepEqual(tr.hops[3].probes.map((p) => p.rttUs), [42312, 40888, 40961]);
    completed(t, tr, V4);
  }),
  "busybox_traceroute_ipv6.txt": one(parseBusyboxTraceroute, (t, tr) => {
    t.is(tr.dst, V6);
    t.is(tr.packetBytes, 72);
    t.deepEqual(rows(tr)[1], ["fd99:0:0:112::2 20387", "fd99:0:0:112::2 20441", "fd99:0:0:12::2 20448"]);
    t.deepEqual(addrs(tr)[2], ["fd99:0:0:23::3", "fd99:0:0:123::3"]);
    completed(t, tr, V6);
  }),
  "traceroute_ipv4_udp_ecmp.txt": one(parseTraceroute, (t, tr) => {
    t.is(tr.tool, "traceroute");
    t.is(tr.packetBytes, 60);
    t.deepEqual(rows(tr), [
      ["10.99.1.1 10381", "10.99.1.1 10369", "10.99.1.1 10365"],
      ["10.99.12.2 20588", "10.99.112.2 20586", "10.99.112.2 20583"],
      ["10.99.123.3 30827", "10.99.123.3 30824", "10.99.23.3 30789"],
      ["10.99.3.2 41028", "10.99.3.2 41029", "10.99.3.2 41026"],
    ]);
    completed(t, tr, V4);
  }),
  "traceroute_ipv4_udp_ecmp_q6.txt": one(parseTraceroute, (t, tr) => {
    t.true(tr.hops.every((h) => h.probes.length === 6));
    t.deepEqual(tr.hops[1].probes.map((p) => p.addr), [
      "10.99.112.2", "10.99.12.2", "10.99.112.2", "10.99.112.2", "10.99.12.2", "10.99.112.2",
    ]);
    t.deepEqual(tr.hops[2].probes.map((p) => p.rttUs), [30914, 30903, 30907, 30898, 30623, 30606]);
    t.deepEqual(addrs(tr)[2], ["10.99.123.3", "10.99.23.3"]);
    completed(t, tr, V4);
  }),
  "traceroute_ipv4_names.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(tr.hops[1].probes, [
      { addr: "10.99.112.2", name: "eth-r1.r2b.lab.test", rttUs: 20557 },
      { addr: "10.99.12.2", name: "eth-r1.r2.lab.test", rttUs: 20545 },
      { addr: "10.99.12.2", name: "eth-r1.r2.lab.test", rttUs: 20545 },
    ]);
    t.is(tr.hops[3].probes[0].name, "server.lab.test");
    completed(t, tr, V4);
  }),
  "traceroute_ipv4_icmp.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(addrs(tr), [["10.99.1.1"], ["10.99.12.2"], ["10.99.23.3"], [V4]]);
    t.deepEqual(tr.hops[3].probes.map((p) => p.rttUs), [41037, 41044, 41043]);
    completed(t, tr, V4);
  }),
  "traceroute_ipv4_tcp.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.23.3 30411", "10.99.23.3 30430", "10.99.123.3 30441"]);
    completed(t, tr, V4);
  }),
  "traceroute_ipv4_maxhops2.txt": one(parseTraceroute, (t, tr) => {
    t.is(tr.maxHops, 2);
    t.deepEqual(ttls(tr), [1, 2]);
    t.deepEqual(rows(tr)[1], ["10.99.12.2 20347", "10.99.112.2 20339", "10.99.112.2 20329"]);
    t.false(tr.reached);
    t.is(tr.haltReason, "max-hops");
  }),
  "traceroute_ipv6_udp.txt": one(parseTraceroute, (t, tr) => {
    t.is(tr.packetBytes, 80);
    t.deepEqual(rows(tr)[2], ["fd99:0:0:123::3 30916", "fd99:0:0:23::3 30880", "fd99:0:0:123::3 30907"]);
    completed(t, tr, V6);
  }),
  "traceroute_ipv6_icmp.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(addrs(tr), [["fd99:0:0:1::1"], ["fd99:0:0:12::2"], ["fd99:0:0:23::3"], [V6]]);
    t.is(tr.hops[0].probes[2].rttUs, 10358);
    completed(t, tr, V6);
  }),
  "traceroute_ipv6_names.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(tr.hops[2].probes.map((p) => p.name), ["eth-r2.r3.lab.test", "eth-r2b.r3.lab.test", "eth-r2b.r3.lab.test"]);
    t.deepEqual(addrs(tr)[2], ["fd99:0:0:23::3", "fd99:0:0:123::3"]);
    completed(t, tr, V6);
  }),
  "traceroute_ipv4_blackhole_stars.txt": one(parseTraceroute, (t, tr) => {
    t.is(tr.dst, "10.99.250.1");
    t.is(tr.maxHops, 7);
    t.deepEqual(ttls(tr), [1, 2, 3, 4, 5, 6, 7]);
    t.deepEqual(rows(tr).slice(2), [["*", "*", "*"], ["*", "*", "*"], ["*", "*", "*"], ["*", "*", "*"], ["*", "*", "*"]]);
    t.deepEqual(addrs(tr)[1], ["10.99.112.2"]);
    t.deepEqual(addrs(tr)[6], []);
    t.false(tr.reached);
    t.is(tr.haltReason, "max-hops");
  }),
  "traceroute_ipv4_host_unreachable.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.23.3 30866 !H", "*", "*"]);
    t.deepEqual(rows(tr)[1], ["10.99.12.2 20638", "10.99.12.2 20671", "10.99.112.2 20668"]);
    t.false(tr.reached);
    t.is(tr.haltReason, "unreachable");
    t.is(tr.haltFlag, "!H");
  }),
  "traceroute_ipv4_host_unreachable_N1.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.23.3 34338 !H", "10.99.123.3 30853 !H", "10.99.23.3 30641 !H"]);
    t.is(tr.haltFlag, "!H");
  }),
  "traceroute_ipv4_prohibited.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.23.3 30800 !X", "10.99.23.3 30798 !X", "*"]);
    t.is(tr.haltReason, "unreachable");
    t.is(tr.haltFlag, "!X");
  }),
  "traceroute_ipv4_prohibited_N1.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.123.3 30628 !X", "10.99.23.3 31025 !X", "10.99.23.3 30707 !X"]);
    t.deepEqual(addrs(tr)[2], ["10.99.123.3", "10.99.23.3"]);
    t.is(tr.haltFlag, "!X");
  }),
  "traceroute_ipv6_no_route.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["fd99:0:0:23::3 30918 !N", "fd99:0:0:23::3 30918 !N", "fd99:0:0:123::3 30919 !N"]);
    t.is(tr.haltReason, "unreachable");
    t.is(tr.haltFlag, "!N");
  }),
  "traceroute_ipv4_jitter_loss.txt": one(parseTraceroute, (t, tr) => {
    t.deepEqual(rows(tr)[2], ["10.99.123.3 43744", "10.99.23.3 49593", "10.99.23.3 49727", "10.99.23.3 49724", "*"]);
    t.deepEqual(tr.hops[0].probes.map((p) => p.rttUs), [13406, 14691, 16668, 17433, 17431]);
    t.deepEqual(addrs(tr)[1], ["10.99.112.2", "10.99.12.2"]);
    completed(t, tr, V4);
  }),
  "tracepath_ipv4.txt": one((s) => parseTracepath(s, V4), (t, tr) => {
    t.is(tr.tool, "tracepath");
    t.deepEqual(ttls(tr), [1, 2, 3, 4]);
    // tracepath prints hop 1 twice: merged into one hop with two probes
    t.deepEqual(rows(tr), [
      ["10.99.1.1 10622", "10.99.1.1 10631"], ["10.99.12.2 20635"], ["10.99.123.3 30785"], ["10.99.3.2 40974"],
    ]);
    t.is(tr.pmtu, 1500);
    t.is(tr.backHops, 4);
    completed(t, tr, V4);
  }),
  "tracepath_ipv6.txt": one((s) => parseTracepath(s), (t, tr) => {
    // without the dst argument, dst comes from the line that "reached"
    t.is(tr.dst, V6);
    t.deepEqual(rows(tr)[0], ["fd99:0:0:1::1 10324", "fd99:0:0:1::1 10212"]);
    t.deepEqual(addrs(tr), [["fd99:0:0:1::1"], ["fd99:0:0:12::2"], ["fd99:0:0:23::3"], [V6]]);
    t.is(tr.hops[3].probes[0].rttUs, 40986);
    completed(t, tr, V6);
  }),
  "scamper_trace_udp-paris_ipv4.txt": scamper((t, tr) => {
    t.is(tr.src, "10.99.1.2");
    t.deepEqual(rows(tr), [["10.99.1.1 10647"], ["10.99.12.2 21141"], ["10.99.23.3 31554"], ["10.99.3.2 41997"]]);
    completed(t, tr, V4);
  }),
  "scamper_trace_icmp-paris_ipv4.txt": scamper((t, tr) => {
    t.deepEqual(rows(tr), [["10.99.1.1 10327"], ["10.99.12.2 20575"], ["10.99.23.3 30767"], ["10.99.3.2 41054"]]);
    completed(t, tr, V4);
  }),
  "scamper_trace_udp-paris_ipv6.txt": scamper((t, tr) => {
    t.is(tr.src, "fd99:0:0:1::2");
    t.deepEqual(addrs(tr), [["fd99:0:0:1::1"], ["fd99:0:0:112::2"], ["fd99:0:0:123::3"], [V6]]);
    t.is(tr.hops[3].probes[0].rttUs, 40882);
    completed(t, tr, V6);
  }),
  "scamper_trace_udp-paris_ipv4.json": scamper((t, tr) => {
    t.is(tr.method, "udp-paris");
    t.is(tr.packetBytes, 44);
    t.deepEqual(rows(tr), [["10.99.1.1 10634"], ["10.99.12.2 21255"], ["10.99.23.3 31765"], ["10.99.3.2 42163"]]);
    t.deepEqual(tr.hops[0].probes[0], { addr: "10.99.1.1", rttUs: 10634, replyTtl: 64, icmpType: 11, icmpCode: 0, attempt: 1 });
    t.is(tr.hops[3].probes[0].icmpType, 3); // port unreachable from the destination: no flag
    t.is(tr.hops[3].probes[0].flag, undefined);
    completed(t, tr, V4);
  }),
  "scamper_trace_icmp-paris_ipv4.json": scamper((t, tr) => {
    t.is(tr.method, "icmp-echo-paris");
    t.deepEqual(rows(tr), [["10.99.1.1 10382"], ["10.99.12.2 20552"], ["10.99.23.3 30704"], ["10.99.3.2 40876"]]);
    t.is(tr.hops[3].probes[0].icmpType, 0);
    completed(t, tr, V4);
  }),
  "scamper_trace_udp-paris_ipv6.json": scamper((t, tr) => {
    t.deepEqual(rows(tr), [["fd99:0:0:1::1 10495"], ["fd99:0:0:12::2 21007"], ["fd99:0:0:23::3 30873"], ["fd99:0:0:3::2 41017"]]);
    t.is(tr.hops[3].probes[0].icmpType, 1);
    t.is(tr.hops[3].probes[0].icmpCode, 4);
    completed(t, tr, V6);
  }),
  "scamper_trace_icmp-paris_ipv6.json": scamper((t, tr) => {
    t.deepEqual(rows(tr), [["fd99:0:0:1::1 10793"], ["fd99:0:0:12::2 21178"], ["fd99:0:0:23::3 31615"], ["fd99:0:0:3::2 42331"]]);
    t.is(tr.hops[3].probes[0].icmpType, 129);
    completed(t, tr, V6);
  }),
  "scamper_trace_udp-paris_ipv4_3probes.json": scamper((t, tr) => {
    // "-q 3" is attempts per hop: scamper stops at the first answer, one probe per hop
    t.true(tr.hops.every((h) => h.probes.length === 1));
    t.deepEqual(rows(tr), [["10.99.1.1 10455"], ["10.99.12.2 20654"], ["10.99.23.3 30797"], ["10.99.3.2 41053"]]);
    completed(t, tr, V4);
  }),
  "scamper_trace_udp-paris_ipv4_blackhole.json": scamper((t, tr) => {
    t.is(tr.dst, "10.99.250.1");
    t.deepEqual(rows(tr), [["10.99.1.1 10365"], ["10.99.112.2 20484"], ["*"], ["*"], ["*"]]);
    t.false(tr.reached);
    t.is(tr.haltReason, "gap-limit");
  }),
  "scamper_trace_udp-paris_ipv4_unreachable.json": scamper((t, tr) => {
    t.deepEqual(rows(tr), [["10.99.1.1 10418"], ["10.99.12.2 20676"], ["10.99.23.3 30676 !H"]]);
    t.false(tr.reached);
    t.is(tr.haltReason, "unreachable");
    t.is(tr.haltFlag, "!H");
  }),
  "scamper_trace_udp-paris_ipv4_jitter_loss.json": scamper((t, tr) => {
    t.deepEqual(rows(tr), [["10.99.1.1 15108"], ["10.99.112.2 31000"], ["10.99.123.3 46736"], ["10.99.3.2 57131"]]);
    t.is(tr.hops[0].probes[0].attempt, 2); // first attempt at hop 1 was lost
    completed(t, tr, V4);
  }),
  "scamper_tracelb_ipv4.txt": scamper((t, tr) => {
    t.deepEqual(addrs(tr), [["10.99.1.1"], ["10.99.12.2", "10.99.112.2"], ["10.99.23.3", "10.99.123.3"], [V4]]);
    t.deepEqual(tr.lb, {
      nodes: ["10.99.1.1", V4],
      links: [{ from: "10.99.1.1", to: V4, via: [["10.99.12.2", "10.99.112.2"], ["10.99.23.3", "10.99.123.3"]] }],
      nodeCount: 2, linkCount: 1, probeCount: 24, confidence: 95,
    });
    completed(t, tr, V4);
  }),
  "scamper_tracelb_ipv4.json": scamper((t, tr) => {
    t.is(tr.method, "udp-dport");
    t.deepEqual(addrs(tr), [["10.99.1.1"], ["10.99.12.2", "10.99.112.2"], ["10.99.23.3", "10.99.123.3"], [V4]]);
    t.deepEqual(tr.hops[0].probes, [{ addr: "10.99.1.1" }]); // scamper does not print the first node's probes
    t.deepEqual(tr.hops[1].probes.map((p) => p.addr + " " + p.rttUs + " " + p.flowId).slice(0, 4), [
      "10.99.12.2 20819 33436", "10.99.12.2 20614 33438", "10.99.12.2 20927 33441", "10.99.112.2 20552 33435",
    ]);
    t.is(tr.hops[1].probes.length, 11);
    t.is(tr.hops[2].probes.length, 11);
    t.is(tr.hops[2].probes[8].rttUs, 37119);
    t.deepEqual(rows(tr)[3], ["10.99.3.2 41086"]);
    t.deepEqual(tr.lb, {
      nodes: ["10.99.1.1"],
      links: [{ from: "10.99.1.1", to: V4, via: [["10.99.12.2", "10.99.112.2"], ["10.99.23.3", "10.99.123.3"]] }],
      nodeCount: 2, linkCount: 1, probeCount: 24, confidence: 95,
    });
    completed(t, tr, V4);
  }),
  "scamper_tracelb_ipv4_icmp.json": scamper((t, tr) => {
    // ICMP echo flows all hash onto one path: a chain of 4 nodes, 3 links
    t.is(tr.method, "icmp-echo");
    t.deepEqual(addrs(tr), [["10.99.1.1"], ["10.99.12.2"], ["10.99.23.3"], [V4]]);
    t.deepEqual(tr.hops[1].probes.map((p) => p.rttUs), [20703, 20625, 20668, 20594, 21112, 21221]);
    t.deepEqual(tr.lb?.links.map((l) => l.from + ">" + l.to), ["10.99.1.1>10.99.12.2", "10.99.12.2>10.99.23.3", "10.99.23.3>10.99.3.2"]);
    t.is(tr.lb?.nodeCount, 4);
    t.is(tr.lb?.probeCount, 14);
    completed(t, tr, V4);
  }),
  "scamper_tracelb_ipv6.json": scamper((t, tr) => {
    t.deepEqual(addrs(tr), [["fd99:0:0:1::1"], ["fd99:0:0:12::2", "fd99:0:0:112::2"], ["fd99:0:0:23::3", "fd99:0:0:123::3"], [V6]]);
    t.is(tr.hops[1].probes.length, 11);
    t.deepEqual(tr.hops[3].probes, [{ addr: V6, rttUs: 41075, replyTtl: 61, icmpType: 1, icmpCode: 4, flowId: 33435 }]);
    completed(t, tr, V6);
  }),
};

const files = readdirSync(DIR).sort();

test("every traceroute fixture has a case", (t) => {
  t.deepEqual(files.filter((f) => cases[f] === undefined), []);
  t.deepEqual(Object.keys(cases).filter((f) => !files.includes(f)), []);
});

for (const f of files) {
  const c = cases[f];
  if (c !== undefined) test("traceroute fixture " + f, (t) => c(t, fixture(f)));
}

test("dispatcher", (t) => {
  t.deepEqual(parseTraces("traceroute", fixture("traceroute_ipv4_names.txt"))[0], parseTraceroute(fixture("traceroute_ipv4_names.txt")));
  t.is((t.throws(() => parseTraces("mtr", "x")) as ProbeError).code, "EFLAVOUR");
});

test("other traceroute annotations", (t) => {
  const tr = parseTraceroute(
    "traceroute to 192.0.2.9 (192.0.2.9), 30 hops max, 60 byte packets\n" +
      " 9  192.0.2.1  1.5 ms !F-1400  * 192.0.2.2  2.250 ms !<12>\n" +
      "10  * * *\n",
  );
  t.deepEqual(rows(tr), [["192.0.2.1 1500 !F-1400", "*", "192.0.2.2 2250 !<12>"], ["*", "*", "*"]]);
  t.is(tr.haltReason, "unknown");
});

test("garbage and truncated input give records or typed errors", (t) => {
  const parsers: ((s: string) => unknown)[] = [parseBusyboxTraceroute, parseTraceroute, (s) => parseTracepath(s), parseScamperTrace];
  const inputs = [
    "", "\n \n", "garbage\n", " 1  ", " 999  10.0.0.1 1 ms", " 1: ", "{\"type\":\"trace\",\"hops\":[{}],\"hop_count\":1e9}",
    "{\"type\":\"tracelb\",\"nodes\":[{\"addr\":\"x\",\"links\":[[{\"addr\":\"*\"}],[[]]]}]}", "x".repeat(200000),
    " 1  (10.0.0.1) ms ms ms * ! !! (",
  ];
  for (const p of parsers) {
    for (const s of inputs) {
      try {
        t.truthy(p(s));
      } catch (e) {
        t.true(e instanceof ProbeError, String(e));
      }
    }
  }
  const cut = fixture("traceroute_ipv4_udp_ecmp.txt").split("\n").slice(0, 3).join("\n");
  const tr = parseTraceroute(cut);
  t.deepEqual(ttls(tr), [1, 2]);
  t.false(tr.reached);
  t.is(tr.haltReason, "unknown");
});
