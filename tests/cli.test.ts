// The probe's command line on every runtime: same capabilities and registry byte for
// byte, a result for a valid specification, an exception naming the field otherwise.
import test from "ava";
import { hostname } from "node:os";
import { probeRuntimes, runProbe, runtimeMissing } from "./support/probe-cli.ts";

const spec = (o: Record<string, unknown>) =>
  JSON.stringify({ specification: "measure", version: 1, label: "probe-info", when: "now", parameters: {}, results: [], ...o });

for (const mode of ["--capabilities", "--registry"]) {
  test(`${mode} prints the same JSON on every runtime`, (t) => {
    const outs = new Map<string, string>();
    for (const rt of probeRuntimes) {
      const missing = runtimeMissing(rt.argv);
      if (missing) return t.fail(`${rt.name}: ${missing}`);
      const r = runProbe(rt.argv, [mode]);
      t.is(r.code, 0, `${rt.name}: ${r.stderr}`);
      outs.set(rt.name, r.stdout);
    }
    const node = outs.get("node")!;
    const doc = JSON.parse(node);
    if (mode === "--capabilities") {
      t.is(doc.envelope, "message");
      const info = doc.contents.find((c: { label: string }) => c.label === "probe-info");
      t.truthy(info, "probe-info capability");
      t.regex(info.token, /^[0-9a-f]{32}$/);
      t.is(info.when, "now ... future");
    } else {
      t.is(doc["registry-format"], "mplane-0");
      t.deepEqual(doc.includes, ["http://ict-mplane.eu/registry/core"]);
      t.true(doc.elements.some((e: { name: string; prim: string }) => e.name === "system.uptime.s" && e.prim === "real"));
    }
    for (const [name, out] of outs) t.is(out, node, `${name} differs from node`);
  });
}

for (const rt of probeRuntimes) {
  test(`${rt.name}: --once runs probe-info and reads the device`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const r = runProbe(rt.argv, ["--once", "-"], spec({}));
    t.is(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    t.is(res.result, "measure");
    t.is(res.label, "probe-info");
    t.regex(res.token, /^[0-9a-f]{32}$/);
    t.regex(res.when, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \.\.\. \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    const row = Object.fromEntries(res.results.map((c: string, i: number) => [c, res.resultvalues[0][i]]));
    t.is(row["miniprobe.runtime"], rt.name === "qjs" ? "quickjs" : rt.name);
    t.is(res.metadata["miniprobe.probe.id"], hostname(), "results name the probe (default: host name)");
    const named = JSON.parse(runProbe(rt.argv, ["--probe-id", "lab-router-7", "--once", "-"], spec({})).stdout);
    t.is(named.metadata["miniprobe.probe.id"], "lab-router-7");
    const uptime = Number(row["system.uptime.s"]);
    t.true(uptime > 0, `uptime ${row["system.uptime.s"]}`);
    t.true(Number(row["system.memory.total.kb"]) > 1024);
    const wall = Date.parse(row["time"].replace(" ", "T") + "Z");
    t.true(Math.abs(wall - Date.now()) < 120000, `time ${row["time"]}`);
  });

  test(`${rt.name}: bad specifications give an exception naming the field, exit 2`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const cases: [string, string][] = [
      [spec({ when: "now + 30" }), "when: duration without a unit"],
      [spec({ when: "now ... soon" }), "when: 'soon' does not appear to be an mPlane timestamp"],
      [spec({ parameters: { "destination.ip4": "-f" } }), "destination.ip4: not a parameter of capability probe-info"],
      [spec({ label: "no-such-thing", parameters: { "bogus.x": "1" } }), "specification: no capability of this device has this schema (verb, parameter names, result columns)"],
      [spec({ results: ["packets.lost"] }), "results: 'packets.lost' is not a result column of the capability"],
      ["{\"specification\": ", "invalid JSON at byte 18: unexpected end"],
    ];
    for (const [input, message] of cases) {
      const r = runProbe(rt.argv, ["--once", "-"], input);
      t.is(r.code, 2, `${input}: ${r.stdout} ${r.stderr}`);
      const ex = JSON.parse(r.stdout);
      t.regex(ex.exception, /^[0-9a-f]{32}$/);
      t.is(ex.message, message);
    }
  });

  test(`${rt.name}: a missing spec file is an exception, an unknown option a usage error`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const r = runProbe(rt.argv, ["--once", "/nonexistent/spec.json"]);
    t.is(r.code, 2);
    t.truthy(JSON.parse(r.stdout).message);
    const u = runProbe(rt.argv, ["--bogus"]);
    t.is(u.code, 64);
  });
}

// Matching by schema: labels are hints (the mPlane RI's client renames them "<label>-N").
for (const rt of probeRuntimes) {
  test(`${rt.name}: a relabelled or unlabelled Paris specification runs Paris; a probe-info one any label`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const tr = (label: string | undefined, params: Record<string, string>) => JSON.stringify({
      specification: "measure", version: 1, ...(label ? { label } : {}), when: "now", parameters: params, results: [],
    });
    const q = { "traceroute.protocol": "udp", "traceroute.hops.max": "2", "traceroute.queries": "1", "traceroute.wait.s": "1" };
    const relabelled = runProbe(rt.argv, ["--once", "-"], tr("traceroute-paris-ip4-7", { "destination.ip4": "127.0.0.1" }));
    t.is(relabelled.code, 0, relabelled.stdout + relabelled.stderr);
    t.is(JSON.parse(relabelled.stdout).parameters["source.port"], "33433", "the Paris capability (its flow identifier) was used");
    const unlabelled = runProbe(rt.argv, ["--once", "-"], tr(undefined, { "destination.ip4": "127.0.0.1", ...q, "source.port": "40000" }));
    t.is(unlabelled.code, 0, unlabelled.stdout + unlabelled.stderr);
    const res = JSON.parse(unlabelled.stdout);
    t.is(res.parameters["source.port"], "40000");
    t.is(res.resultvalues[0][res.results.indexOf("intermediate.ip4")], "127.0.0.1");
    const classic = JSON.parse(runProbe(rt.argv, ["--once", "-"], tr(undefined, { "destination.ip4": "127.0.0.1", ...q })).stdout);
    t.is(classic.parameters["source.port"], undefined, "without the flow identifier: classic");
    const info = JSON.parse(runProbe(rt.argv, ["--once", "-"], spec({ label: "probe-info-0", results: ["miniprobe.runtime"] })).stdout);
    t.deepEqual(info.results, ["miniprobe.runtime"], "exactly the columns asked for");
    t.is(info.resultvalues[0].length, 1);
  });
}

// The issues' own examples, with nothing but destination and scope: the rest defaults.
for (const rt of probeRuntimes) {
  test(`${rt.name}: ping-average-ip4 to 127.0.0.1, now + 3s / 1s, defaults for the rest`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const r = runProbe(rt.argv, ["--once", "-"], JSON.stringify({
      specification: "measure", version: 1, label: "ping-average-ip4", when: "now + 3s / 1s",
      parameters: { "destination.ip4": "127.0.0.1" }, results: [],
    }));
    t.is(r.code, 0, r.stdout + r.stderr);
    const res = JSON.parse(r.stdout);
    t.is(res.parameters["ping.ttl"], "64", "the default used is stated in the result");
    const row = Object.fromEntries(res.results.map((c: string, i: number) => [c, res.resultvalues[0][i]]));
    t.is(row["delay.twoway.icmp.count"], "3");
    const [min, mean, max] = ["min", "mean", "max"].map((k) => Number(row[`delay.twoway.icmp.us.${k}`]));
    t.true(min > 0 && min <= mean && mean <= max, `${min} ${mean} ${max}`);
    t.is(row["packets.lost"], "0");
  });

  test(`${rt.name}: traceroute-ip4 to 127.0.0.1 reaches it at hop 1`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const r = runProbe(rt.argv, ["--once", "-"], JSON.stringify({
      specification: "measure", version: 1, label: "traceroute-ip4", when: "now",
      parameters: { "destination.ip4": "127.0.0.1" }, results: [],
    }));
    t.is(r.code, 0, r.stdout + r.stderr);
    const res = JSON.parse(r.stdout);
    const rows = res.resultvalues.map((v: string[]) => Object.fromEntries(res.results.map((c: string, i: number) => [c, v[i]])));
    t.true(rows.length >= 1);
    t.is(rows[0]["traceroute.hop"], "1");
    t.is(rows[0]["intermediate.ip4"], "127.0.0.1");
    t.true(rows.every((x: Record<string, string>) => x["destination.reached"] === "True"));
  });

  test(`${rt.name}: a malicious ping target is an exception naming destination.ip4`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    for (const target of ["-f", "127.0.0.1;reboot", "$(reboot)", "127.0.0.1 -c 1000"]) {
      const r = runProbe(rt.argv, ["--once", "-"], JSON.stringify({
        specification: "measure", version: 1, label: "ping-average-ip4", when: "now + 3s / 1s",
        parameters: { "destination.ip4": target }, results: [],
      }));
      t.is(r.code, 2);
      t.is(JSON.parse(r.stdout).message, "destination.ip4: not an address");
    }
  });
}
