// Runs the built probe on each runtime from an argv array (never a shell).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { hasCommand } from "../../tools/testkit/on-path.ts";

export const QJS = process.env.QJS ?? ".cache/qjs/qjs";

export const probeRuntimes: { name: string; argv: string[] }[] = [
  { name: "node", argv: ["node", "tools/bin/miniprobe.mjs", "probe"] },
  { name: "qjs", argv: [QJS, "dist/miniprobe.js"] },
  { name: "lua5.1", argv: ["lua5.1", "dist/miniprobe.lua"] },
  { name: "luajit", argv: ["luajit", "dist/miniprobe.lua"] },
];

export function runtimeMissing(argv: string[]): string | undefined {
  if (argv[0].includes("/")) return existsSync(argv[0]) ? undefined : `${argv[0]} not built`;
  return hasCommand(argv[0]) ? undefined : `${argv[0]} not installed`;
}

export interface ProbeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProbe(argv: string[], args: string[], input?: string, timeoutMs = 60000): ProbeRun {
  const r = spawnSync(argv[0], [...argv.slice(1), ...args], { input, encoding: "utf8", timeout: timeoutMs });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
