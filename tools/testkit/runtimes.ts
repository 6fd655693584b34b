// Runs the vector set on each runtime and returns its raw output lines by case id.
// Shared by the conformance test and the benchmark.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hasCommand } from "./on-path.ts";

export interface VectorCase {
  id: string;
  fn: string;
  in: unknown;
  out?: unknown;
  error?: { code: string; field?: string; message?: string };
  match?: "exact" | "subset";
}

export function loadVectors(dir = "tests/vectors"): VectorCase[] {
  const all: VectorCase[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, f), "utf8")) as { cases: VectorCase[] };
    all.push(...doc.cases);
  }
  return all;
}

export function vectorInput(cases: VectorCase[]): string {
  return JSON.stringify({ cases: cases.map((c) => ({ id: c.id, fn: c.fn, in: c.in })) });
}

export interface Runtime {
  name: string;
  /** Why it cannot run here, or undefined. */
  missing(): string | undefined;
  run(input: string): string;
}

const qjsPath = () => process.env.QJS ?? ".cache/qjs/qjs";

function proc(cmd: string, args: string[], input: string): string {
  const r = spawnSync(cmd, args, { input, maxBuffer: 256 * 1024 * 1024, encoding: "utf8", timeout: 600000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}


export const runtimes: Runtime[] = [
  {
    name: "node",
    missing: () => undefined,
    run: () => {
      throw new Error("node runs in-process: use runNode");
    },
  },
  {
    name: "quickjs-emscripten",
    missing: () => (existsSync("dist/vectors.js") ? undefined : "dist/vectors.js not built"),
    run: () => {
      throw new Error("quickjs-emscripten runs in-process: use runQuickjsEmscripten");
    },
  },
  {
    name: "qjs",
    missing: () => (existsSync(qjsPath()) ? undefined : `${qjsPath()} not built (tools/build-qjs.sh)`),
    run: (input) => proc(qjsPath(), ["--std", "tools/vectors/qjs-run.js", "dist/vectors.js"], input),
  },
  {
    name: "lua5.1",
    missing: () => (hasCommand("lua5.1") ? undefined : "lua5.1 not installed"),
    run: (input) => proc("lua5.1", ["dist/vectors.lua"], input),
  },
  {
    name: "luajit",
    missing: () => (hasCommand("luajit") ? undefined : "luajit not installed"),
    run: (input) => proc("luajit", ["dist/vectors.lua"], input),
  },
  {
    name: "lua5.1-mipsel",
    missing: () => (existsSync(".cache/mipsel-sysroot/usr/bin/lua5.1") && existsSync("tools/mipsel-lua")
      ? undefined : "mipsel sysroot not built (tools/mipsel-sysroot.sh)"),
    run: (input) => proc("tools/mipsel-lua", ["dist/vectors.lua"], input),
  },
];

export async function runNode(input: string): Promise<string> {
  const m = await import("../vectors/dispatch.ts");
  return m.runVectors(input);
}

export async function runQuickjsEmscripten(input: string): Promise<string> {
  const { getQuickJS } = await import("quickjs-emscripten");
  const QuickJS = await getQuickJS();
  const rt = QuickJS.newRuntime();
  rt.setMemoryLimit(512 * 1024 * 1024);
  const vm = rt.newContext();
  try {
    const load = vm.evalCode(readFileSync("dist/vectors.js", "utf8"), "vectors.js");
    vm.unwrapResult(load).dispose();
    const fn = vm.getProp(vm.global, "runVectors");
    const arg = vm.newString(input);
    const res = vm.callFunction(fn, vm.undefined, arg);
    arg.dispose();
    fn.dispose();
    const h = vm.unwrapResult(res);
    const text = vm.getString(h);
    h.dispose();
    return text;
  } finally {
    vm.dispose();
    rt.dispose();
  }
}

export async function runOn(name: string, input: string): Promise<string> {
  if (name === "node") return runNode(input);
  if (name === "quickjs-emscripten") return runQuickjsEmscripten(input);
  const r = runtimes.find((x) => x.name === name);
  if (!r) throw new Error(`no runtime ${name}`);
  return r.run(input);
}

export function linesById(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split("\n")) {
    if (line.length === 0) continue;
    const id = (JSON.parse(line) as { id: string }).id;
    m.set(id, line);
  }
  return m;
}
