#!/usr/bin/env node
// npm start: prepares this machine (missing Debian packages, a native qjs, the two probe
// bundles) in a few readable lines, each with how long it took — the full apt/dpkg/make
// output goes to a log file it names — then runs the main job.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync, writeSync } from "node:fs";

mkdirSync(".cache", { recursive: true });
const LOG = ".cache/start.log";
const log = openSync(LOG, "w");

function secs(t0) {
  return ((performance.now() - t0) / 1000).toFixed(1) + " s";
}

/** Runs argv with stdout/stderr appended to the log; resolves with the exit code. */
function step(title, argv, env = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    process.stdout.write(`• ${title} ... `);
    writeSync(log, `\n===== ${title}: ${argv.join(" ")}\n`);
    const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", log, log], env: { ...process.env, ...env } });
    p.on("error", (e) => {
      console.log(`failed (${e.message}), see ${LOG}`);
      resolve(1);
    });
    p.on("close", (code) => {
      console.log(code === 0 ? `done (${secs(t0)})` : `FAILED with exit ${code} after ${secs(t0)}; see ${LOG}`);
      resolve(code ?? 1);
    });
  });
}

const t0 = performance.now();
console.log(`miniprobe: preparing this machine (details in ${LOG})`);
for (const [title, argv] of [
  ["Debian packages (installs only what is missing)", ["sh", "tools/deps.sh"]],
  ["native qjs (built once from the qjsc npm sources)", ["bash", "tools/build-qjs.sh"]],
  ["probe bundles (dist/miniprobe.js for QuickJS, dist/miniprobe.lua for Lua 5.1)", [process.execPath, "tools/build.mjs"]],
]) {
  if ((await step(title, argv)) !== 0) process.exit(1);
}
closeSync(log);
console.log(`ready in ${secs(t0)}\n`);
const main = spawn(process.execPath, ["--import", "tsx", "tools/local-stack.ts", ...process.argv.slice(2)], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => main.kill(sig));
main.on("close", (code) => process.exit(code ?? 1));
