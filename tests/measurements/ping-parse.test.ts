// Ping parsers against every fixture under tests/fixtures/ping/: values read from the text.
import test, { ExecutionContext } from "ava";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { parseBusyboxPing } from "../../core/measurements/ping/parse-busybox";
import { parseIputilsPing } from "../../core/measurements/ping/parse-iputils";
import { parseToyboxPing } from "../../core/measurements/ping/parse-toybox";
import { parseScamperPing } from "../../core/measurements/ping/parse-scamper";
import { parseFping } from "../../core/measurements/ping/parse-fping";
import { parsePingRuns } from "../../core/measurements/ping/parse";
import { pingStats, rttStats } from "../../core/measurements/ping/stats";
import { decimalToInt, msTextToUs } from "../../core/tools/text";
import { FpingResult, PingRun } from "../../core/measurements/ping/types";
import { ProbeError } from "../../core/util/errors";

const DIR = "tests/fixtures/ping/";

/** stdout followed by stderr when the run wrote one. */
function fixture(name: string): string {
  const out = readFileSync(DIR + name, "utf8");
  return existsSync(DIR + name + ".stderr") ? out + readFileSync(DIR + name + ".stderr", "utf8") : out;
}

const rtts = (r: PingRun) => r.replies.map((x) => x.rttUs);
const seqs = (r: PingRun) => r.replies.map((x) => x.seq);

type Check = (t: ExecutionContext, text: string) => void;

function one(parse: (s: string) => PingRun, f: (t: ExecutionContext, r: PingRun) => void): Check {
  return (t, text) => f(t, parse(text));
}

function scamper(f: (t: ExecutionContext, r: PingRun) => void): Check {
  return (t, text) => {
    const runs = parseScamperPing(text);
    t.is(runs.length, 1);
    f(t, runs[0]);
  };
}

function fping(f: (t: ExecutionContext, r: FpingResult) => void): Check {
  return (t, text) => f(t, parseFping(text));
}

const cases: { [file: string]: Check } = {
  "busybox_ping_ipv4_ok.txt": one(parseBusyboxPing, (t, r) => {
    t.is(r.tool, "busybox");
    t.is(r.target, "10.99.3.2");
    t.is(r.address, "10.99.3.2");
    t.is(r.payloadBytes, 56);
    t.deepEqual(seqs(r), [0, 1, 2, 3, 4]);
    t.deepEqual(rtts(r), [41366, 42001, 42051, 42261, 41174]);
    t.is(r.replies[0].ttl, 61);
    t.is(r.replies[0].bytes, 64);
    t.is(r.sent, 5);
    t.is(r.received, 5);
    t.is(r.lossPct, 0);
    t.deepEqual(r.summary, { minUs: 41174, avgUs: 41770, maxUs: 42261 });
    t.true(r.complete);
  }),
  "busybox_ping_ipv6_ok.txt": one(parseBusyboxPing, (t, r) => {
    t.is(r.address, "fd99:0:0:3::2");
    t.deepEqual(rtts(r), [40958, 42622, 42429, 42425, 42471]);
    t.true(r.replies.every((x) => x.from === "fd99:0:0:3::2" && x.ttl === 61));
    t.deepEqual(r.summary, { minUs: 40958, avgUs: 42181, maxUs: 42622 });
  }),
  "busybox_ping_ipv4_quiet.txt": one(parseBusyboxPing, (t, r) => {
    t.is(r.replies.length, 0);
    t.is(r.sent, 5);
    t.is(r.received, 5);
    t.deepEqual(r.summary, { minUs: 40962, avgUs: 41069, maxUs: 41265 });
  }),
  "busybox_ping_hostname_ok.txt": one(parseBusyboxPing, (t, r) => {
    t.is(r.target, "server.lab.test");
    t.is(r.address, "10.99.3.2");
    t.deepEqual(rtts(r), [40981, 41104, 42436]);
    t.is(r.sent, 3);
    t.deepEqual(r.summary, { minUs: 40981, avgUs: 41507, maxUs: 42436 });
  }),
  "busybox_ping_ipv4_blackhole_100loss.txt": one(parseBusyboxPing, (t, r) => {
    t.is(r.target, "10.99.250.1");
    t.is(r.sent, 5);
    t.is(r.received, 0);
    t.is(r.lossPct, 100);
    t.is(r.summary, undefined);
    t.is(r.errors.length, 0);
  }),
  "busybox_ping_ipv4_unreachable.txt": one(parseBusyboxPing, (t, r) => {
    // busybox prints nothing for the ICMP host-unreachable errors
    t.is(r.target, "10.99.251.1");
    t.is(r.sent, 3);
    t.is(r.received, 0);
    t.is(r.lossPct, 100);
    t.is(r.errors.length, 0);
  }),
  "busybox_ping_ipv4_jitter_loss.txt": one(parseBusyboxPing, (t, r) => {
    t.is(r.sent, 50);
    t.is(r.received, 47);
    t.is(r.replies.length, 47);
    t.is(r.lossPct, 6); // busybox: (50-47)*100/50 = 6, integer
    const missing = [];
    for (let s = 0; s < 50; s++) if (!seqs(r).includes(s)) missing.push(s);
    t.deepEqual(missing, [10, 23, 32]);
    t.is(r.replies[4].rttUs, 50005);
    t.is(r.replies[r.replies.length - 1].rttUs, 55459);
    t.deepEqual(r.summary, { minUs: 50005, avgUs: 58389, maxUs: 65619 });
    const s = pingStats(r);
    t.is(s.minUs, 50005);
    t.is(s.maxUs, 65619);
    t.is(s.lost, 3);
    t.is(s.lossPct, 6);
    t.true(Math.abs((s.meanUs as number) - 58389) <= 1);
  }),
  "iputils_ping_ipv4_ok.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.tool, "iputils");
    t.is(r.target, "10.99.3.2");
    t.deepEqual(seqs(r), [1, 2, 3, 4, 5]);
    t.deepEqual(rtts(r), [41000, 41500, 41300, 41000, 41100]);
    t.is(r.elapsedMs, 802);
    t.deepEqual(r.summary, { minUs: 40967, avgUs: 41165, maxUs: 41479, mdevUs: 191 });
  }),
  "iputils_ping_ipv6_ok.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.target, "fd99:0:0:3::2");
    t.is(r.address, "fd99:0:0:3::2");
    t.is(r.payloadBytes, 56);
    t.deepEqual(rtts(r), [42000, 42300, 41100, 42400, 42500]);
    t.deepEqual(r.summary, { minUs: 41106, avgUs: 42058, maxUs: 42455, mdevUs: 502 });
  }),
  "iputils_ping_hostname_ok.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.target, "server.lab.test");
    t.is(r.address, "fd99:0:0:3::2");
    t.is(r.replies[0].from, "fd99:0:0:3::2");
    t.is(r.replies[0].fromName, "server.lab.test");
    t.deepEqual(rtts(r), [41000, 41200, 41100, 41200, 41300]);
    t.deepEqual(r.summary, { minUs: 41010, avgUs: 41182, maxUs: 41304, mdevUs: 100 });
  }),
  "iputils_ping_hostname_ipv4_ok.txt": one(parseIputilsPing, (t, r) => {
    // iputils printed an empty name ("PING  (10.99.3.2)"): target falls back to the address
    t.is(r.target, "10.99.3.2");
    t.is(r.address, "10.99.3.2");
    t.is(r.replies[4].fromName, "server.lab.test");
    t.is(r.replies[4].rttUs, 42000);
    t.is(r.elapsedMs, 804);
    t.deepEqual(r.summary, { minUs: 41004, avgUs: 41460, maxUs: 42004, mdevUs: 321 });
  }),
  "iputils_ping_ipv4_ok_timestamps.txt": one(parseIputilsPing, (t, r) => {
    t.deepEqual(r.replies.map((x) => x.timestampUs), [
      1795389392899993, 1795389393101513, 1795389393302588, 1795389393504010, 1795389393704650,
    ]);
    t.deepEqual(rtts(r), [40800, 41100, 41700, 42000, 42200]);
    t.deepEqual(r.summary, { minUs: 40811, avgUs: 41557, maxUs: 42216, mdevUs: 535 });
  }),
  "iputils_ping_ipv4_quiet.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.replies.length, 0);
    t.is(r.received, 5);
    t.deepEqual(r.summary, { minUs: 40837, avgUs: 42143, maxUs: 42514, mdevUs: 656 });
  }),
  "iputils_ping_ipv4_deadline.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.sent, 4);
    t.is(r.received, 4);
    t.is(r.elapsedMs, 1503);
    t.deepEqual(rtts(r), [41300, 42300, 42500, 41100]);
  }),
  "iputils_ping_ipv4_blackhole_100loss.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.sent, 5);
    t.is(r.received, 0);
    t.is(r.lossPct, 100);
    t.is(r.elapsedMs, 815);
    t.is(r.summary, undefined);
    t.is(r.errorCount, undefined);
  }),
  "iputils_ping_ipv6_blackhole_100loss.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.target, "fd99:0:0:250::1");
    t.is(r.sent, 5);
    t.is(r.received, 0);
    t.is(r.lossPct, 100);
  }),
  "iputils_ping_ipv4_host_unreachable.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.errorCount, 3);
    t.deepEqual(r.errors.map((e) => [e.seq, e.from, e.kind]), [
      [1, "10.99.23.3", "host-unreachable"], [2, "10.99.23.3", "host-unreachable"], [3, "10.99.23.3", "host-unreachable"],
    ]);
    t.is(r.errors[0].text, "Destination Host Unreachable");
    t.is(r.lossPct, 100);
  }),
  "iputils_ping_ipv6_no_route.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.errors.length, 3);
    t.is(r.errors[2].from, "fd99:0:0:23::3");
    t.is(r.errors[2].kind, "no-route");
    t.is(r.errors[2].seq, 3);
  }),
  "iputils_ping_ipv4_prohibited.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.errors.length, 3);
    t.true(r.errors.every((e) => e.kind === "prohibited" && e.from === "10.99.123.3" && e.text === "Packet filtered"));
  }),
  "iputils_ping_ipv4_arp_failed.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.target, "10.99.3.99");
    t.is(r.errorCount, 4);
    t.deepEqual(r.errors.map((e) => e.seq), [1, 2, 3, 4]);
    t.true(r.errors.every((e) => e.kind === "host-unreachable"));
    t.is(r.elapsedMs, 3080);
  }),
  "iputils_ping_ipv4_ttl_exceeded.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.errors.length, 3);
    t.true(r.errors.every((e) => e.kind === "ttl-exceeded" && e.from === "10.99.12.2"));
    t.is(r.received, 0);
  }),
  "iputils_ping_ipv4_partial_loss.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.sent, 20);
    t.is(r.received, 14);
    t.is(r.lossPct, 30);
    t.deepEqual(seqs(r), [1, 2, 3, 4, 5, 6, 13, 14, 15, 16, 17, 18, 19, 20]);
    t.is(r.replies[9].rttUs, 42500);
    const s = pingStats(r);
    t.is(s.lost, 6);
    t.is(s.lossPct, 30);
    t.is(s.medianUs, 41100);
  }),
  "iputils_ping_ipv4_jitter_loss.txt": one(parseIputilsPing, (t, r) => {
    t.is(r.sent, 50);
    t.is(r.received, 44);
    t.is(r.lossPct, 12);
    const missing = [];
    for (let s = 1; s <= 50; s++) if (!seqs(r).includes(s)) missing.push(s);
    t.deepEqual(missing, [13, 21, 28, 31, 33, 37]);
    t.is(r.replies[43].rttUs, 56300);
    t.deepEqual(r.summary, { minUs: 52819, avgUs: 57349, maxUs: 62104, mdevUs: 2162 });
  }),
  "toybox_ping_ipv4_ok.txt": one(parseToyboxPing, (t, r) => {
    t.is(r.tool, "toybox");
    t.is(r.target, "127.0.0.1");
    t.deepEqual(seqs(r), [1, 2, 3, 4, 5]);
    t.deepEqual(rtts(r), [0, 0, 0, 0, 0]); // toybox prints whole milliseconds
    t.is(r.replies[0].ttl, 64);
    t.is(r.sent, 5);
    t.deepEqual(r.summary, { minUs: 0, avgUs: 0, maxUs: 0 });
  }),
  "toybox_ping_ipv6_ok.txt": one(parseToyboxPing, (t, r) => {
    t.is(r.target, "::1");
    t.is(r.replies.length, 5);
    t.is(r.replies[0].ttl, 0); // toybox prints ttl=0 for IPv6
  }),
  "toybox_ping_ipv4_deadline.txt": one(parseToyboxPing, (t, r) => {
    t.is(r.sent, 4);
    t.is(r.received, 4);
    t.deepEqual(seqs(r), [1, 2, 3, 4]);
  }),
  "toybox_ping_ipv4_blackhole.txt": one(parseToyboxPing, (t, r) => {
    t.is(r.target, "10.99.250.1");
    t.false(r.complete);
    t.is(r.sent, undefined);
    t.deepEqual(r.errors, [{ kind: "send-failed", text: "sendto: Invalid argument" }]);
  }),
  "toybox_ping_ipv4_quiet.txt": (t, text) => {
    t.is(text, ""); // toybox -q printed nothing at all
    const e = t.throws(() => parseToyboxPing(text)) as ProbeError;
    t.is(e.code, "EEMPTY");
  },
  "scamper_ping_ipv4.txt": (t, text) => {
    const runs = parseScamperPing(text);
    t.is(runs.length, 1);
    const r = runs[0];
    t.is(r.source, "10.99.1.2");
    t.is(r.target, "10.99.3.2");
    t.deepEqual(seqs(r), [0, 1, 2, 3, 4]);
    t.deepEqual(rtts(r), [41120, 42466, 41499, 41338, 42234]);
    t.is(r.replies[0].bytes, 84);
    t.deepEqual(r.summary, { minUs: 41120, avgUs: 41731, maxUs: 42466, mdevUs: 524 });
  },
  "scamper_ping_ipv4.json": scamper((t, r) => {
    t.is(r.method, "icmp-echo");
    t.is(r.sent, 5);
    t.deepEqual(rtts(r), [41277, 41487, 41038, 41180, 41047]);
    t.is(r.replies[0].timestampUs, 1795389420709919);
    t.is(r.replies[0].ttl, 61);
    t.is(r.lossPct, 0);
    t.deepEqual(r.summary, { minUs: 41038, avgUs: 41205, maxUs: 41487, mdevUs: 166 });
  }),
  "scamper_ping_ipv6.json": scamper((t, r) => {
    t.is(r.source, "fd99:0:0:1::2");
    t.is(r.address, "fd99:0:0:3::2");
    t.deepEqual(rtts(r), [42649, 42278, 41211, 42346, 42057]);
    t.is(r.replies[0].bytes, 104);
  }),
  "scamper_ping_ipv4_blackhole_100loss.json": scamper((t, r) => {
    t.is(r.sent, 5);
    t.is(r.received, 0);
    t.is(r.lossPct, 100);
    t.is(r.summary, undefined);
  }),
  "scamper_ping_ipv4_udp.json": scamper((t, r) => {
    // UDP ping: the destination's port-unreachable is the answer
    t.is(r.method, "udp");
    t.deepEqual(rtts(r), [40917, 41024, 40998]);
    t.is(r.errors.length, 0);
    t.deepEqual(r.summary, { minUs: 40917, avgUs: 40979, maxUs: 41024, mdevUs: 45 });
  }),
  "scamper_ping_ipv4_jitter_loss.json": scamper((t, r) => {
    t.is(r.sent, 10);
    t.is(r.received, 8);
    t.is(r.lossPct, 20);
    t.deepEqual(seqs(r), [0, 1, 3, 4, 5, 7, 8, 9]);
    t.is(r.replies[6].rttUs, 64512);
    const s = pingStats(r);
    t.is(s.minUs, 52008);
    t.is(s.maxUs, 64512);
    t.is(s.meanUs, 58500); // (58498+60987+58683+52008+59662+58884+64512+54768)/8 = 58500.25
  }),
  "fping_ipv4_count.txt": fping((t, res) => {
    t.deepEqual(res.runs.map((r) => r.target), ["10.99.3.2", "10.99.250.1"]);
    const [a, b] = res.runs;
    t.deepEqual(seqs(a), [0, 1, 2, 3, 4]);
    t.deepEqual(rtts(a), [40900, 41000, 41600, 41700, 41000]);
    t.is(a.replies[0].bytes, 64);
    t.is(a.sent, 5);
    t.is(a.received, 5);
    t.deepEqual(a.summary, { minUs: 40900, avgUs: 41200, maxUs: 41700 });
    t.is(b.sent, 5);
    t.is(b.received, 0);
    t.is(b.lossPct, 100);
    t.is(b.replies.length, 0);
  }),
  "fping_ipv4_vcount_quiet.txt": fping((t, res) => {
    // -C -q: stdout empty, the per-target vectors are on stderr
    t.deepEqual(res.runs.map((r) => r.target), ["10.99.3.2", "10.99.1.1", "10.99.250.1"]);
    t.deepEqual(rtts(res.runs[0]), [40900, 40900, 40900, 40800, 40800]);
    t.deepEqual(rtts(res.runs[1]), [10200, 10200, 10200, 10200, 10100]);
    t.is(res.runs[2].sent, 5);
    t.is(res.runs[2].received, 0);
  }),
  "fping_ipv4_alive.txt": fping((t, res) => {
    t.deepEqual(res.alive, ["10.99.3.2", "10.99.3.1"]);
    t.deepEqual(res.runs, []);
  }),
  "fping_ipv6_count.txt": fping((t, res) => {
    t.deepEqual(res.runs.map((r) => r.target), ["fd99:0:0:1::1", "fd99:0:0:3::2"]);
    t.deepEqual(rtts(res.runs[0]), [10600, 10700, 10600]);
    t.deepEqual(rtts(res.runs[1]), [42500, 42100, 42100]);
    t.deepEqual(res.runs[1].summary, { minUs: 42100, avgUs: 42200, maxUs: 42500 });
  }),
  "fping_ipv4_jitter_loss.txt": fping((t, res) => {
    t.is(res.runs.length, 1);
    const r = res.runs[0];
    t.is(r.replies.length, 30);
    t.is(r.replies[22].rttUs, 50200);
    t.is(r.replies[29].seq, 29);
    t.deepEqual(r.summary, { minUs: 50200, avgUs: 57300, maxUs: 63000 });
    const s = pingStats(r);
    t.is(s.minUs, 50200);
    t.is(s.maxUs, 63000);
  }),
};

const files = readdirSync(DIR).filter((f) => !f.endsWith(".stderr")).sort();

test("every ping fixture has a case", (t) => {
  t.deepEqual(files.filter((f) => cases[f] === undefined), []);
  t.deepEqual(Object.keys(cases).filter((f) => !files.includes(f)), []);
});

for (const f of files) {
  const c = cases[f];
  if (c !== undefined) test("ping fixture " + f, (t) => c(t, fixture(f)));
}

test("dispatcher agrees with the flavour parsers", (t) => {
  t.deepEqual(parsePingRuns("iputils", fixture("iputils_ping_ipv4_ok.txt"))[0], parseIputilsPing(fixture("iputils_ping_ipv4_ok.txt")));
  t.is((t.throws(() => parsePingRuns("hping", "x")) as ProbeError).code, "EFLAVOUR");
});

test("decimal text to microseconds by digits", (t) => {
  t.is(msTextToUs("10.432"), 10432);
  t.is(msTextToUs("41.0"), 41000);
  t.is(msTextToUs("0"), 0);
  t.is(msTextToUs("0.0005"), 1);
  t.is(msTextToUs("0.0004"), 0);
  t.is(msTextToUs("1234.5678"), 1234568);
  t.is(msTextToUs("-1.5"), -1500);
  for (const bad of ["", "1.", ".5", "1e3", "abc", "1.2.3", " 1", "NaN", "-"]) t.is(msTextToUs(bad), undefined, bad);
  t.is(decimalToInt("1795389392.899993", 6), 1795389392899993);
  t.is(decimalToInt("99999999999.99999", 6), undefined); // 2^53 or more
});

test("rtt stats rounding", (t) => {
  t.deepEqual(rttStats([], 3), { count: 0, sent: 3, lost: 3, lossPct: 100 });
  t.deepEqual(rttStats([1000, 2000, 4000], 3), {
    count: 3, sent: 3, lost: 0, lossPct: 0, minUs: 1000, meanUs: 2333, medianUs: 2000, maxUs: 4000, stddevUs: 1247,
  });
  const s = rttStats([3, 1, 2, 4], 6);
  t.is(s.medianUs, 3); // (2+3)/2 = 2.5 rounds half up
  t.is(s.meanUs, 3); // 10/4 = 2.5 rounds half up
  t.is(s.stddevUs, 1); // sqrt(1.25) = 1.118
  t.is(s.lossPct, 33.333); // 2/6
  t.is(rttStats([5]).stddevUs, 0);
  t.is(rttStats([5]).lost, undefined);
});

test("garbage and truncated input give records or typed errors", (t) => {
  const parsers: ((s: string) => unknown)[] = [
    parseBusyboxPing, parseIputilsPing, parseToyboxPing, parseScamperPing, (s) => parseFping(s),
  ];
  const inputs = [
    "", "   \n\n", "hello world\n", "{\"type\":\"ping\"", "\u0000\u0001\u0002", "PING", "64 bytes from",
    "--- x ping statistics ---\n", "x".repeat(100000), "a\n".repeat(50000), "[]]]: : : [[[", "{}\n{\"type\":1}\n",
  ];
  for (const p of parsers) {
    for (const s of inputs) {
      try {
        const r = p(s);
        t.truthy(r);
      } catch (e) {
        t.true(e instanceof ProbeError, String(e));
      }
    }
  }
  const big = "a\n".repeat(100001);
  t.is((t.throws(() => parseIputilsPing(big)) as ProbeError).code, "ETOOBIG");
  // truncated mid-run: replies kept, not complete
  const cut = fixture("iputils_ping_ipv4_ok.txt").split("\n").slice(0, 4).join("\n");
  const r = parseIputilsPing(cut);
  t.false(r.complete);
  t.is(r.received, 3);
  t.is(r.sent, undefined);
});
