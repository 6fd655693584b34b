// Issue done-when, through the real command line on every runtime: `--config FILE` names
// the Tstat runtime.conf and log directory, `--once` runs a tstat-log_tcp_complete-end_to_end
// specification whose scope is an absolute range over the recorded logs, and the printed
// mPlane result holds exactly the fixture's rows in the window; runtime.conf is byte-exact
// afterwards. A missing log directory gets no Tstat capability at all.
import test from "ava";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { probeRuntimes, runProbe, runtimeMissing } from "../support/probe-cli.ts";

const REPO = resolve(import.meta.dirname, "../..");
const FIX = join(REPO, "tests/fixtures/tstat");

for (const rt of probeRuntimes) {
  test(`${rt.name}: --config with tstat keys, --once over recorded logs: the fixture's rows, conf restored byte-exact`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const dir = mkdtempSync(join(tmpdir(), "mp-tstat-cli-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const conf = join(dir, "runtime.conf");
    copyFileSync(join(FIX, "runtime-conf-variants/runtime_core.conf"), conf);
    const before = readFileSync(conf);
    const cfg = join(dir, "cfg.json");
    writeFileSync(cfg, JSON.stringify({ tstat: { runtimeConf: conf, logDir: join(FIX, "mixed_e2e/out") } }));
    const spec = join(dir, "spec.json");
    writeFileSync(spec, JSON.stringify({
      specification: "measure", version: 1, label: "tstat-log_tcp_complete-end_to_end",
      when: "2026-11-22 23:00:00 ... 2026-11-22 23:10:00", parameters: {}, results: [],
    }));
    const r = runProbe(rt.argv, ["--config", cfg, "--once", spec], undefined, 120000);
    t.is(r.code, 0, r.stderr + r.stdout.slice(0, 400));
    const json = JSON.parse(r.stdout) as { results: string[]; resultvalues: string[][] };
    const rows = readFileSync(join(FIX, "mixed_e2e/out/2026_11_22_23_01.out/log_tcp_complete"), "latin1")
      .split("\n").slice(1).filter(Boolean).map((l) => l.split(" "));
    t.is(json.resultvalues.length, rows.length);
    t.is(rows.length, 27);
    const col = (n: string) => json.results.indexOf(n);
    for (let i = 0; i < rows.length; i++) {
      t.is(json.resultvalues[i][col("source.port")], rows[i][1], `row ${i} source.port`);
      t.is(json.resultvalues[i][col("destination.port")], rows[i][15], `row ${i} destination.port`);
      t.is(Number(json.resultvalues[i][col("source.rtt.ms.mean")]), Number(rows[i][44]), `row ${i} rtt`);
    }
    t.true(readFileSync(conf).equals(before), "runtime.conf byte-exact");
    const caps = runProbe(rt.argv, ["--capabilities"], undefined, 60000);
    t.false(caps.stdout.includes("tstat-log_tcp_complete"), "no Tstat capability without tstat.logDir");
  });
}
