#!/usr/bin/env node
// npm start: runs the probe on every runtime this machine has (Node, native qjs,
// lua5.1, luajit), asks each for its capabilities and runs the real measurements it
// offers against this machine (loopback only), printing a summary and keeping every
// mPlane result under .cache/demo/. The collector is not built yet: this is the whole job.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

const qjs = process.env.QJS ?? ".cache/qjs/qjs";
const runtimes = [
  ["node", ["node", "tools/bin/miniprobe.mjs", "probe"]],
  ["qjs", [qjs, "dist/miniprobe.js"]],
  ["lua5.1", ["lua5.1", "dist/miniprobe.lua"]],
  ["luajit", ["luajit", "dist/miniprobe.lua"]],
];
// What to measure when the device offers it; all targets are on this machine.
const plan = [
  { label: "probe-info", when: "now", parameters: {} },
  { label: "ping-average-ip4", when: "now + 3s / 1s", parameters: { "destination.ip4": "127.0.0.1" } },
  { label: "ping-average-ip6", when: "now + 3s / 1s", parameters: { "destination.ip6": "::1" } },
  { label: "traceroute-ip4", when: "now", parameters: { "destination.ip4": "127.0.0.1" } },
];
const out = ".cache/demo";
mkdirSync(out, { recursive: true });

function run(argv, input) {
  const r = spawnSync(argv[0], argv.slice(1), { input, encoding: "utf8", timeout: 60000 });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

function onPath(cmd) {
  return cmd.includes("/") ? existsSync(cmd) : spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

for (const [name, argv] of runtimes) {
  if (!onPath(argv[0])) {
    console.log(`\n== ${name}: not on this machine, skipped`);
    continue;
  }
  const caps = run([...argv, "--capabilities"]);
  if (caps.code !== 0) {
    console.log(`\n== ${name}: --capabilities failed (${caps.code}): ${caps.stderr.trim()}`);
    process.exitCode = 1;
    continue;
  }
  const labels = JSON.parse(caps.stdout).contents.map((c) => c.label);
  console.log(`\n== ${name}: ${labels.length} capabilities: ${labels.join(", ")}`);
  for (const p of plan) {
    const cap = JSON.parse(caps.stdout).contents.find((c) => c.label === p.label);
    if (!cap) continue;
    const spec = { specification: "measure", version: 1, label: p.label, when: p.when, parameters: p.parameters, results: [] };
    const r = run([...argv, "--once", "-"], JSON.stringify(spec));
    writeFileSync(`${out}/${name}-${p.label}.json`, r.stdout);
    let msg;
    try {
      msg = JSON.parse(r.stdout);
    } catch {
      console.log(`  ${p.label}: no JSON (exit ${r.code}) ${r.stderr.trim().slice(0, 200)}`);
      process.exitCode = 1;
      continue;
    }
    if (msg.exception) {
      console.log(`  ${p.label}: exception: ${msg.message}`);
      continue;
    }
    const row = msg.resultvalues[0] ?? [];
    const pairs = msg.results.map((c, i) => `${c}=${row[i]}`).filter((s) => !s.startsWith("time="));
    console.log(`  ${p.label} (${msg.resultvalues.length} row${msg.resultvalues.length === 1 ? "" : "s"}): ${pairs.slice(0, 8).join("  ")}`);
  }
}
console.log(`\nmPlane results kept in ${out}/`);
