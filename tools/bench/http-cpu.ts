// HTTP CPU per byte, which decides whether a router can measure a fast line at all
// (issue 7): CPU seconds (user+sys of the process and the children it waited for, from
// getrusage) to download the same 100 MB of segments from a local C HTTP server
// (busybox httpd), for curl and for the probe's host on each runtime, in the same run.
// Node runs in-process (process.cpuUsage, no start-up); qjs and Lua run as processes,
// their start-up included, as on a device.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect as tcpConnect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import typescript from "@rollup/plugin-typescript";
import { rollup } from "rollup";
import { createHost } from "../../targets/node/host.ts";
import { downloadSegments } from "./http-cpu-run.ts";
import { BenchRow, row } from "./report.ts";
import { hasCommand } from "../testkit/on-path.ts";

const SECTION = "http-cpu (CPU s per 100 MB, 20 x 5 MB segments from busybox httpd)";
const SEGMENTS = 20;
const SEGMENT_BYTES = 5 * 1024 * 1024;
const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, ".cache/bench");
const QJS = process.env.QJS ?? join(ROOT, ".cache/qjs/qjs");
const MIPSEL_ROOT = join(ROOT, ".cache/mipsel-sysroot");

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => res(p));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const c = tcpConnect({ host: "127.0.0.1", port }, () => {
      c.destroy();
      res(true);
    });
    c.on("error", () => res(false));
  });
}

/**
 * CPU of a child and everything it waited for, to the microsecond: python3's getrusage
 * (RUSAGE_CHILDREN) after the run; /usr/bin/time (10 ms steps) when python3 is absent.
 * Neither is a shell: both take the program as an argv array.
 */
const RUSAGE_PY = [
  "import resource, subprocess, sys",
  // what Python's own start-up waited for (about 0.06 s here) is not the program's
  "r0 = resource.getrusage(resource.RUSAGE_CHILDREN)",
  "p = subprocess.run(sys.argv[2:])",
  "r = resource.getrusage(resource.RUSAGE_CHILDREN)",
  "open(sys.argv[1], 'w').write('%.6f %.6f\\n' % (r.ru_utime - r0.ru_utime, r.ru_stime - r0.ru_stime))",
  "sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)",
].join("\n");

/** Runs argv, measuring user+sys CPU seconds of it and its waited-for children; stdout and code. */
function timed(argv: string[], timeoutMs: number): Promise<{ cpu: number; stdout: string; stderr: string; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "mp-bench-time-"));
  const out = join(dir, "time");
  const wrapper = hasCommand("python3") ? ["python3", "-c", RUSAGE_PY, out] : ["/usr/bin/time", "-f", "%U %S", "-o", out];
  return new Promise((res, rej) => {
    const p = spawn(wrapper[0], [...wrapper.slice(1), ...argv], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      rej(e);
    });
    p.on("close", (code) => {
      clearTimeout(timer);
      let cpu = NaN;
      try {
        const last = readFileSync(out, "utf8").trim().split("\n").pop() ?? "";
        const [u, s] = last.split(" ").map(Number);
        cpu = u + s;
      } catch {
        // no time file: the run was killed
      }
      rmSync(dir, { recursive: true, force: true });
      res({ cpu, stdout, stderr, code });
    });
  });
}

async function buildQjs(): Promise<string> {
  const file = join(OUT, "http-cpu.js");
  const b = await rollup({
    input: join(ROOT, "tools/bench/http-cpu-qjs.ts"),
    external: ["std", "os"],
    onwarn: (w, warn) => (w.code === "CIRCULAR_DEPENDENCY" ? undefined : warn(w)),
    plugins: [
      typescript({
        tsconfig: false,
        include: ["core/**/*.ts", "targets/quickjs/**/*.ts", "tools/bench/http-cpu-*.ts"],
        compilerOptions: {
          target: "ES2020", lib: ["ES2020"], module: "ESNext", moduleResolution: "bundler", strict: true,
          skipLibCheck: true, types: [], noEmit: false, declaration: false,
        },
        noEmitOnError: true,
      }),
    ],
  });
  await b.write({ file, format: "es" });
  await b.close();
  return file;
}

async function buildLua(): Promise<string> {
  const cfg = join(OUT, "tsconfig.http-cpu-lua.json");
  writeFileSync(cfg, JSON.stringify({
    extends: "../../tsconfig.json",
    compilerOptions: { noEmit: false, noEmitOnError: true, types: ["lua-types/5.1"], outDir: ".", rootDir: "../.." },
    include: ["../../targets/lua/host.d.ts", "../../tools/bench/http-cpu-lua.ts"],
    tstl: {
      luaTarget: "5.1", luaBundle: "http-cpu.lua", luaBundleEntry: "../../tools/bench/http-cpu-lua.ts",
      luaLibImport: "require-minimal", lua51AllowTryCatchInAsyncAwait: true, noHeader: true,
    },
  }));
  const r = await timed([join(ROOT, "node_modules/.bin/tstl"), "-p", cfg], 300_000);
  const file = join(OUT, "http-cpu.lua");
  if (r.code !== 0 || !existsSync(file)) throw new Error(`tstl: ${r.stdout}${r.stderr}`);
  return file;
}

async function nodeInProcess(base: string): Promise<{ cpu: number; out: string }> {
  const host = createHost({ probeId: "bench", logLevel: "error" });
  let out = "";
  host.write = (t) => (out += t);
  const c0 = process.cpuUsage();
  await new Promise<void>((res) => downloadSegments(host, [`base=${base}`, `count=${SEGMENTS}`], () => res()));
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, out };
}

export async function bench(): Promise<BenchRow[]> {
  if (!hasCommand("python3") && !existsSync("/usr/bin/time")) throw new Error("needs python3 or /usr/bin/time to count CPU");
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "mp-bench-http-"));
  const piece = Buffer.alloc(SEGMENT_BYTES);
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 7 + (i >> 9)) & 255;
  for (let i = 0; i < SEGMENTS; i++) writeFileSync(join(dir, `seg${i}.bin`), piece);
  const port = await freePort();
  const httpd = spawn("busybox", ["httpd", "-f", "-p", `127.0.0.1:${port}`, "-h", dir], { stdio: "ignore" });
  const rows: BenchRow[] = [];
  try {
    for (let i = 0; i < 100 && !(await accepts(port)); i++) await new Promise((r) => setTimeout(r, 20));
    const base = `http://127.0.0.1:${port}/seg`;
    const urls = Array.from({ length: SEGMENTS }, (_, i) => `${base}${i}.bin`);
    const total = SEGMENTS * SEGMENT_BYTES;
    const per100 = (cpu: number) => (cpu * 100 * 1024 * 1024) / total;
    const wantOut = `bytes ${total}`;

    const curlArgs = ["curl", "-s", "-S", "--globoff"];
    for (const u of urls) curlArgs.push("-o", "/dev/null", u);
    const curl = await timed(curlArgs, 120_000);
    if (curl.code !== 0) throw new Error(`curl: ${curl.stderr}`);
    const curlCpu = per100(curl.cpu);
    const baseline = { name: "curl", value: curlCpu };
    rows.push(row(SECTION, "curl, one process", curlCpu, "s"));
    // one curl per segment, as the QuickJS host runs it
    let each = 0;
    for (const u of urls) each += (await timed(["curl", "-s", "-S", "--globoff", "-o", "/dev/null", u], 60_000)).cpu;
    rows.push(row(SECTION, "curl, one process per segment", per100(each), "s", baseline));

    const node = await nodeInProcess(base);
    rows.push(row(SECTION, "node (in-process, no start-up)", per100(node.cpu), "s", baseline,
      node.out.trim() === wantOut ? undefined : `got ${node.out.trim()}`));

    const runtimes: { name: string; argv: (file: string) => string[]; build: () => Promise<string>; ready: boolean; note?: string }[] = [
      { name: "qjs", argv: (f) => [QJS, "--std", f], build: buildQjs, ready: existsSync(QJS) },
      { name: "lua5.1", argv: (f) => ["lua5.1", f], build: buildLua, ready: true },
      { name: "luajit", argv: (f) => ["luajit", f], build: buildLua, ready: true },
      {
        name: "lua5.1-mipsel (qemu)", argv: (f) => [join(ROOT, "tools/mipsel-lua"), f], build: buildLua,
        ready: existsSync(join(MIPSEL_ROOT, "usr/bin/lua5.1")),
        note: "qemu-user cost included; no mipsel curl in the sysroot, so the ratio is against native curl",
      },
    ];
    const built = new Map<() => Promise<string>, Promise<string>>();
    for (const rt of runtimes) {
      if (!rt.ready) {
        rows.push(row(SECTION, rt.name, NaN, "s", undefined, "runtime not available"));
        continue;
      }
      try {
        if (!built.has(rt.build)) built.set(rt.build, rt.build());
        const file = await built.get(rt.build)!;
        const r = await timed([...rt.argv(file), `base=${base}`, `count=${SEGMENTS}`], 600_000);
        const ok = r.stdout.trim() === wantOut;
        rows.push(row(SECTION, rt.name, per100(r.cpu), "s", baseline,
          [ok ? "" : `failed: ${(r.stdout + r.stderr).trim().slice(0, 160)}`, rt.note ?? ""].filter((x) => x !== "").join("; ") || undefined));
      } catch (e) {
        rows.push(row(SECTION, rt.name, NaN, "s", undefined, `build failed: ${(e as Error).message.slice(0, 160)}`));
      }
    }
  } finally {
    httpd.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
