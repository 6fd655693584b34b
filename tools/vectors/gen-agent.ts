// Writes tests/vectors/agent.json: the agent's configuration readers (JSON and UCI), the
// queue's record lines, base64 and Adler-32. Expected values come from Node's own Buffer
// (base64) and a reference Adler-32 written here, or — for the readers — from Node's run of
// core, reviewed by hand; every runtime must then agree.
//   node --import tsx tools/vectors/gen-agent.ts
import { writeFileSync } from "node:fs";
import { runVectors } from "./dispatch.ts";

type Case = { id: string; fn: string; in: unknown; out?: unknown; error?: { code: string; field?: string; message?: string } };
const cases: Case[] = [];
const add = (id: string, fn: string, input: unknown) => cases.push({ id, fn, in: input });

function adlerRef(b: Buffer): number {
  let a = 1, s = 0;
  for (const x of b) { a = (a + x) % 65521; s = (s + a) % 65521; }
  return s * 65536 + a;
}

const samples: number[][] = [[], [0], [255], [0, 0], [1, 2, 3], [0xfb, 0xff], [0xff, 0xfe, 0xfd, 0xfc],
  Array.from({ length: 256 }, (_v, i) => i), Array.from({ length: 1000 }, (_v, i) => (i * 131) % 256),
  [...Buffer.from("Wikipedia")], [...Buffer.from("héllo € 😀", "utf8")], [0x0d, 0x0a, 0x00, 0x0d, 0x0a]];
samples.forEach((s, k) => {
  cases.push({ id: `base64-encode-${k}`, fn: "base64.encode", in: s, out: Buffer.from(s).toString("base64") });
  cases.push({ id: `base64-decode-${k}`, fn: "base64.decode", in: Buffer.from(s).toString("base64"), out: s });
  cases.push({ id: `adler32-${k}`, fn: "adler32", in: s, out: adlerRef(Buffer.from(s)) });
});
// 5552 is zlib's NMAX: sums must not drift however long the input.
const long = Array.from({ length: 20000 }, () => 255);
cases.push({ id: "adler32-long-ff", fn: "adler32", in: long, out: adlerRef(Buffer.from(long)) });
for (const bad of ["A", "AB=C", "A===", "!!!!", "QQ=a", "QQ==QQ=="]) {
  cases.push({ id: `base64-decode-bad-${Buffer.from(bad).toString("hex")}`, fn: "base64.decode", in: bad, error: { code: "EBASE64" } });
}
samples.slice(0, 9).forEach((s, k) => add(`queue-record-${k}`, "queue.record", { seq: [1, 2, 4294967296, 999999999999999][k % 4], bytes: s }));
for (const [k, line] of ["R 1 00000001", "R x 00000001 ", "X 1 00000001 ", "R 1 00000002 ", "R 1 000d0007 AQID", "R 1 000d0007 AQIE", "R 1000000000000000 000d0007 AQID", "R 7 00000001  "].entries()) {
  add(`queue-decode-${k}`, "queue.decode", line);
}

const configs: [string, string][] = [
  ["minimal", `{"broker":"mqtt://127.0.0.1:1883"}`],
  ["full", JSON.stringify({ broker: ["mqtts://a.example:8883", "mqtt://b.example"], username: "p1", password: "s3cret", tls: { ca: "/etc/ca.pem", cert: "/etc/c.pem", key: "/etc/k.pem" }, probeId: "router-7", prefix: "mp", queueDir: "/tmp/mpq", queueMaxBytes: 262144, queueMaxCount: 5000, concurrency: 3, tools: { ping: "/bin/ping" }, registryUrl: "http://c:8080/registry/miniprobe.json", logLevel: "debug", statusIntervalS: 30, keepaliveS: 20, tstat: { runtimeConf: "/etc/tstat/runtime.conf", logDir: "/tmp/tstat", correlate: true, depth: 2 } })],
  ["unknown-key", `{"brokr":"mqtt://x"}`],
  ["wrong-type", `{"concurrency":"2"}`],
  ["out-of-range", `{"concurrency":0}`],
  ["fraction", `{"queueMaxCount":1.5}`],
  ["bad-url", `{"broker":"http://x:1883"}`],
  ["url-with-credentials", `{"broker":"mqtt://u:p@x:1883"}`],
  ["empty-list", `{"broker":[]}`],
  ["tls-cert-without-key", `{"tls":{"cert":"/c.pem"}}`],
  ["tls-unknown", `{"tls":{"pin":"x"}}`],
  ["probe-id-wildcard", `{"probeId":"a/#"}`],
  ["relative-tool", `{"tools":{"ping":"ping"}}`],
  ["bad-log-level", `{"logLevel":"loud"}`],
  ["not-an-object", `[1,2]`],
  ["not-json", `{broker: x}`],
  ["option-null", `{"tstat":{"logDir":null}}`],
  ["queue-store-memory", `{"queueStore":"memory"}`],
  ["queue-store-unknown", `{"queueStore":"disk"}`],
  ["queue-store-not-a-string", `{"queueStore":1}`],
];
for (const [id, text] of configs) add(`config-${id}`, "agent.config", text);

const ucis: [string, string][] = [
  ["typical", `
config miniprobe 'main'
	option enabled '1'
	option runtime 'lua'
	list broker 'mqtts://collector.example:8883'
	list broker 'mqtt://backup.example:1883'
	option username 'router-7'
	option password "pa ss"
	option probe_id router-7
	option queue_dir '/tmp/miniprobe'
	option queue_max_bytes '524288'
	option concurrency '2'
	# a comment
	option log_level 'info'

config tls
	option ca '/etc/miniprobe/ca.pem'

config tools
	option ping '/bin/ping'
	option traceroute '/usr/bin/traceroute'

config tstat
	option runtimeConf '/etc/tstat/runtime.conf'
	option logDir '/tmp/tstat'
`],
  ["single-broker-option", `config miniprobe 'main'\n\toption broker 'mqtt://127.0.0.1:1883'\n`],
  ["queue-store", `config miniprobe 'main'\n\toption queue_store 'memory'\n`],
  ["unknown-option", `config miniprobe 'main'\n\toption brokr 'mqtt://x'\n`],
  ["unknown-section", `config foo\n\toption a 'b'\n`],
  ["option-before-section", `option a 'b'\n`],
  ["unterminated-quote", `config miniprobe 'main'\n\toption username 'abc\n`],
  ["not-a-number", `config miniprobe 'main'\n\toption concurrency 'two'\n`],
  ["bad-keyword", `config miniprobe 'main'\n\toptoin a 'b'\n`],
];
for (const [id, text] of ucis) add(`uci-${id}`, "agent.uci", text);

// Outputs the generator did not fix above come from Node's run of core.
const got = new Map<string, { out?: unknown; error?: { code: string; message: string } }>();
for (const line of runVectors(JSON.stringify({ cases: cases.map((c) => ({ id: c.id, fn: c.fn, in: c.in })) })).trim().split("\n")) {
  const o = JSON.parse(line);
  got.set(o.id, o);
}
for (const c of cases) {
  const g = got.get(c.id)!;
  if (c.out !== undefined || c.error !== undefined) {
    if (c.error && !g.error) throw new Error(`${c.id}: expected error ${c.error.code}, got ${JSON.stringify(g.out)}`);
    if (c.error && g.error && g.error.code !== c.error.code) throw new Error(`${c.id}: ${g.error.code}`);
    if (c.out !== undefined && JSON.stringify(g.out) !== JSON.stringify(c.out)) throw new Error(`${c.id}: core ${JSON.stringify(g.out)} != reference ${JSON.stringify(c.out)}`);
    continue;
  }
  if (g.error) c.error = g.error.code === "ECONFIG" ? { code: g.error.code, field: g.error.message.split(":")[0] } : { code: g.error.code, message: g.error.message } as Case["error"];
  else c.out = g.out;
}
writeFileSync("tests/vectors/agent.json", JSON.stringify({ cases }, null, 1) + "\n");
console.log(`${cases.length} cases`);
