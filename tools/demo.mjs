#!/usr/bin/env node
// npm start: runs the probe on every runtime this machine has (Node, native qjs,
// lua5.1, luajit), asks each for its capabilities and runs the real measurements it
// offers against this machine (loopback only), printing a summary and keeping every
// mPlane result under .cache/demo/. The collector is not built yet: this is the whole job.
// Every target is on this machine: 127.0.0.1, ::1 and a stream served on loopback.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { register } from "tsx/esm/api";

// A real stream to watch: the ffmpeg-made HLS/DASH/Smooth test set, served on loopback.
register();
const { ottMedia } = await import("./testkit/ott-media.ts");
const { startOttServer } = await import("./testkit/ott-server.ts");
console.log("preparing a local HLS/DASH/Smooth stream with ffmpeg (cached after the first run)...");
const server = await startOttServer({ root: await ottMedia() });

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
  { label: "ott-download", when: "now + 10s / 10s", parameters: { "content.url": `${server.base}/hls_fmp4/master.m3u8` } },
  { label: "ott-download", when: "now + 10s / 10s", parameters: { "content.url": `${server.base}/dash/manifest.mpd` } },
];
const out = ".cache/demo";
mkdirSync(out, { recursive: true });

// Asynchronous: the stream is served from this process while the probe runs.
function run(argv, input) {
  return new Promise((resolve) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), 90000);
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", (error) => resolve({ code: -1, stdout, stderr, error }));
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(input ?? "");
  });
}

const { hasCommand } = await import("./testkit/on-path.ts");
function onPath(cmd) {
  return cmd.includes("/") ? existsSync(cmd) : hasCommand(cmd);
}

for (const [name, argv] of runtimes) {
  if (!onPath(argv[0])) {
    console.log(`\n== ${name}: not on this machine, skipped`);
    continue;
  }
  const caps = await run([...argv, "--capabilities"]);
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
    const r = await run([...argv, "--once", "-"], JSON.stringify(spec));
    const file = `${out}/${name}-${p.label}-${plan.indexOf(p)}.json`;
    writeFileSync(file, r.stdout);
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
await server.close();
console.log(`\nmPlane results kept in ${out}/`);
