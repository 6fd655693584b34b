// Interoperation with the mPlane reference implementation (github.com/fp7mplane/protocol-ri):
// the RI reads every capability this device offers (resolving each element in the registry
// the probe names, served here over HTTP at --registry-url), makes specifications from them
// as its client does, the probe accepts and runs them on lua5.1, qjs and Node, and the RI
// reads every result back with the columns asked for. Values outside a constraint and bad
// scopes in an RI-written specification are exceptions naming the field.
//
// Needs an RI checkout (nothing is downloaded): MPLANE_RI=/path/to/protocol-ri (master or
// develop; python3 and python3-yaml). Without it the test is skipped with this message.
import test from "ava";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { QJS } from "../support/probe-cli.ts";

const RI = process.env.MPLANE_RI;
const HOW = "set MPLANE_RI to a checkout of github.com/fp7mplane/protocol-ri (master or develop), e.g. " +
  "`git clone https://github.com/fp7mplane/protocol-ri /tmp/ri && MPLANE_RI=/tmp/ri npx ava tests/interop/ri.test.ts`";
const usable = RI !== undefined && existsSync(`${RI}/mplane/model.py`);

const runtimes: [string, string[]][] = [
  ["lua5.1", ["lua5.1", "dist/miniprobe.lua"]],
  ["qjs", [QJS, "dist/miniprobe.js"]],
  ["node", ["node", "tools/bin/miniprobe.mjs", "probe"]],
];

/** The RI side (asynchronous: the RI fetches the registry from this process's server). */
async function py(args: string[], input: string): Promise<string> {
  const r = await run(["python3", "tests/interop/ri_driver.py", RI!, ...args], input);
  if (r.code !== 0) throw new Error(`RI driver ${args[0]}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

function probe(argv: string[], args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run([...argv, ...args], input ?? "");
}

function run(argv: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), 90000);
    p.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    p.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
    p.stdin.end(input);
  });
}

let server: Server | undefined;
let base = "";
let registry = "";
test.before(async () => {
  if (!usable) return;
  server = createServer((req, res) => {
    if (req.url === "/registry.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(registry);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  registry = (await probe(runtimes[0][1], ["--registry-url", `${base}/registry.json`, "--registry"])).stdout;
});
test.after.always(() => server?.close());

if (!usable) {
  test("mPlane RI interop (skipped: no RI checkout)", (t) => {
    t.log(`skipped: ${HOW}`);
    t.pass();
  });
} else {
  for (const [name, argv] of runtimes) {
    test.serial(`${name}: the RI reads every capability, its specifications run, it reads every result back`, async (t) => {
      const regUrl = ["--registry-url", `${base}/registry.json`];
      const caps = await probe(argv, [...regUrl, "--capabilities"]);
      t.is(caps.code, 0, caps.stderr);
      const made = JSON.parse(await py(["specs", JSON.stringify({ "content.url": `${base}/absent.m3u8`, "ott.http.timeout.ms": "1000" })], caps.stdout)) as
        { capability: string; results: string[]; specification: Record<string, unknown> }[];
      t.is(made.length, JSON.parse(caps.stdout).contents.length, "the RI read every capability");
      for (const m of made) {
        // ott sessions last their 10 s scope: one runtime is enough for those
        if (m.capability.startsWith("ott-") && name !== "lua5.1") continue;
        const r = await probe(argv, [...regUrl, "--once", "-"], JSON.stringify(m.specification));
        t.is(r.code, 0, `${m.capability}: ${r.stdout.slice(0, 400)} ${r.stderr.slice(-300)}`);
        if (r.code !== 0) continue;
        const res = JSON.parse(r.stdout);
        t.is(res.parameters["source.port"] !== undefined, m.capability.startsWith("traceroute-paris"), `${m.capability} ran as itself`);
        const back = JSON.parse(await py(["result"], r.stdout)) as { kind: string; label: string; columns: string[]; rows: number };
        t.is(back.kind, "Result", m.capability);
        t.deepEqual(back.columns, m.results, `${m.capability}: the RI reads the columns it asked for`);
        // one row per reply: none when this machine's /etc/hosts gives localhost no IPv6 address
        if (m.capability !== "ping-detail-name-ip6") t.true(back.rows >= 1, `${m.capability}: rows`);
      }
    });
  }

  test.serial("lua5.1: RI-written specifications with a value outside its constraint or a bad scope are exceptions naming the field", async (t) => {
    const regUrl = ["--registry-url", `${base}/registry.json`];
    const argv = runtimes[0][1];
    const caps = await probe(argv, [...regUrl, "--capabilities"]);
    const made = JSON.parse(await py(["specs", JSON.stringify({ "content.url": `${base}/absent.m3u8` })], caps.stdout)) as { capability: string; specification: Record<string, unknown> }[];
    const pingSpec = made.find((m) => m.capability === "ping-average-ip4")!.specification as { parameters: Record<string, string>; when: string };
    const trSpec = made.find((m) => m.capability === "traceroute-paris-ip4")!.specification as { parameters: Record<string, string>; when: string };
    const cases: [string, Record<string, unknown>, string][] = [
      ["ttl 999", { ...pingSpec, parameters: { ...pingSpec.parameters, "ping.ttl": "999" } }, "ping.ttl"],
      ["payload -1", { ...pingSpec, parameters: { ...pingSpec.parameters, "ping.payload.octets": "-1" } }, "ping.payload.octets"],
      ["period below the minimum", { ...pingSpec, when: "now + 1s / 0.01s" }, "when"],
      ["one-shot on a periodic capability", { ...pingSpec, when: "now" }, "when"],
      ["scope in the past", { ...pingSpec, when: "2001-01-01 00:00:00 + 1s / 1s" }, "when"],
      ["source port 80", { ...trSpec, parameters: { ...trSpec.parameters, "source.port": "80" } }, "source.port"],
      ["protocol sctp", { ...trSpec, parameters: { ...trSpec.parameters, "traceroute.protocol": "sctp" } }, "traceroute.protocol"],
    ];
    for (const [what, spec, field] of cases) {
      const r = await probe(argv, [...regUrl, "--once", "-"], JSON.stringify(spec));
      t.is(r.code, 2, `${what}: ${r.stdout}`);
      const msg = JSON.parse(r.stdout).message as string;
      t.true(msg.startsWith(`${field}: `), `${what}: ${msg}`);
      t.is(JSON.parse(await py(["result"], r.stdout)).kind, "Exception", `${what}: the RI reads the exception`);
    }
  });
}
