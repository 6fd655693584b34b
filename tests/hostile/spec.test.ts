// Hostile specifications through the command line: malformed shapes, oversized fields,
// injection-shaped targets and URLs. Every one is an mPlane exception naming the field at
// fault, exit 2, before anything runs — the same on Node (the CLI in-process, since a tsx
// start costs ~1.5 s), native qjs and lua5.1 (real processes). Bounded: ~50 cases; tools
// limited to ping and ping6 (--only-tools) so each run does not classify the whole PATH.
import test from "ava";
import { spawn } from "node:child_process";
import { createHost } from "../../targets/node/host.ts";
import { runCli } from "../../core/cli.ts";
import { QJS, runtimeMissing } from "../support/probe-cli.ts";

const TOOLS = ["--only-tools", "--tool", "ping=/usr/bin/ping", "--tool", "ping6=/usr/bin/ping6"];
const base = (o: Record<string, unknown>) => ({ specification: "measure", version: 1, label: "probe-info", when: "now", parameters: {}, results: [], ...o });
const ping = (params: Record<string, string>, label = "ping-average-ip4") => base({ label, when: "now + 1s / 1s", parameters: params });
const ott = (url: string) => base({ label: "ott-download", when: "now + 10s / 10s", parameters: { "content.url": url } });

/** [what, specification text, field the exception must name] */
const cases: [string, string, string][] = [
  ["protocol version 2", JSON.stringify(base({ version: 2 })), "version"],
  ["object as a parameter value", JSON.stringify(base({ parameters: { a: {} } })), "parameters.a"],
  ["results as a string", JSON.stringify(base({ results: "time" })), "results"],
  ["token a number", JSON.stringify(base({ token: 12345 })), "token"],
  ["token 3000 bytes", JSON.stringify(base({ token: "a".repeat(3000) })), "token"],
  ["token not hex", JSON.stringify(base({ token: "0123456789abcdef0123456789abcdeZ" })), "token"],
  ["when of 2000 spaces", JSON.stringify(base({ when: "now" + " ".repeat(2000) })), "when"],
  ["401-digit duration", JSON.stringify(base({ when: `now + ${"9".repeat(401)}s` })), "when"],
  ["401 days", JSON.stringify(ping({ "destination.ip4": "127.0.0.1" }, "ping-average-ip4") && base({ when: "now + 401d" })), "when"],
  ["label of 10 KB", JSON.stringify(base({ label: "x".repeat(10000) })), "label"],
  ["300 result columns", JSON.stringify(base({ results: Array.from({ length: 300 }, (_, i) => `c${i}`) })), "results"],
  ["70 parameters", JSON.stringify(base({ parameters: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`p${i}`, "1"])) })), "parameters"],
  ["unknown parameter", JSON.stringify(base({ label: undefined, parameters: { "bogus.x": "1" } })), "specification"],
  ["unknown verb", JSON.stringify(base({ specification: "query" })), "specification"],
  ["unknown result column", JSON.stringify(base({ results: ["packets.lost"] })), "results"],
  ["one-shot scope on a periodic capability", JSON.stringify(base({ label: "ping-average-ip4", parameters: { "destination.ip4": "127.0.0.1" } })), "when"],
];
for (const t of ["-f", "127.0.0.1;reboot", "$(reboot)", "`id`", "127.0.0.1 -c 1000", "0.0.0.0", "255.255.255.255", "1.2.3.4\n-f"]) {
  cases.push([`ip4 ${JSON.stringify(t)}`, JSON.stringify(ping({ "destination.ip4": t })), "destination.ip4"]);
}
for (const t of ["::ffff:127.0.0.1", "fe80::1", "ff02::1", "::", "::1 -c 9", "[::1]"]) {
  cases.push([`ip6 ${JSON.stringify(t)}`, JSON.stringify(ping({ "destination.ip6": t }, "ping-average-ip6")), "destination.ip6"]);
}
for (const t of ["0", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "-oProxyCommand=x", "a;b", "localhost\u0000", "a\nb", "x".repeat(300)]) {
  cases.push([`name ${JSON.stringify(t).slice(0, 30)}`, JSON.stringify(ping({ "destination.name": t }, "ping-average-name-ip4")), "destination.name"]);
}
for (const u of ["file:///etc/passwd", "gopher://127.0.0.1/", "-K/etc/passwd://x", "http://", "http:///x", "ftp://127.0.0.1/x", "http://a b/x",
  "javascript:alert(1)", "//127.0.0.1/x.m3u8", "http://127.0.0.1/x\r\nHost: evil", "relative/x.m3u8"]) {
  cases.push([`url ${JSON.stringify(u)}`, JSON.stringify(ott(u)), "content.url"]);
}

function check(t: import("ava").ExecutionContext, who: string, what: string, code: number | null, stdout: string, field: string): void {
  t.is(code, 2, `${who} ${what}: exit ${code}: ${stdout.slice(0, 300)}`);
  let msg = "";
  try {
    const ex = JSON.parse(stdout);
    t.regex(ex.exception ?? "", /^[0-9a-f]{32}$/, `${who} ${what}`);
    msg = ex.message ?? "";
  } catch {
    t.fail(`${who} ${what}: not JSON: ${stdout.slice(0, 200)}`);
  }
  t.true(msg.startsWith(`${field}: `), `${who} ${what}: the exception must name ${field}: ${msg.slice(0, 200)}`);
}

function runProc(argv: string[], input: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], [...argv.slice(1), ...TOOLS, "--once", "-"], { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), 20000);
    p.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out });
    });
    p.stdin.end(input);
  });
}

for (const [name, argv] of [["qjs", [QJS, "dist/miniprobe.js"]], ["lua5.1", ["lua5.1", "dist/miniprobe.lua"]]] as const) {
  test(`${name}: ${cases.length} hostile specifications are exceptions naming their field, exit 2`, async (t) => {
    const missing = runtimeMissing([...argv]);
    if (missing) return t.fail(missing);
    // two at a time: the machine has two cores, shared
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const rs = await Promise.all(batch.map(([, input]) => runProc([...argv], input)));
      batch.forEach(([what, , field], k) => check(t, name, what, rs[k].code, rs[k].stdout, field));
    }
  });
}

test(`node (the CLI in-process): ${cases.length} hostile specifications are exceptions naming their field, exit 2`, async (t) => {
  for (const [what, input, field] of cases) {
    const host = createHost({ logLevel: "error" });
    let out = "";
    host.write = (s: string) => {
      out += s;
    };
    host.readStdin = (cb) => cb(undefined, input);
    const code = await runCli(host, [...TOOLS, "--once", "-"]);
    check(t, "node", what, code, out, field);
  }
});
