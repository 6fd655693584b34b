// The same control loop on Lua 5.1 and LuaJIT through a small bundle of the core and the Lua
// host (tests/tstat/lua-entry.ts, built here with typescript-to-lua) until the command line
// passes device options: a past query gives byte-identical JSON to Node's, and a live
// specification against the stand-in turns end_to_end on and restores runtime.conf byte-exact.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeJson, JsonValue } from "../../core/util/json.ts";
import { FIX, device, runTstat, tempDir, testHost, utc } from "./support.ts";
import { hasCommand } from "../../tools/testkit/on-path.ts";

const OUT = ".cache/tstat-lua";
const BUNDLE = join(OUT, "tstat-e2e.lua");

test.before(() => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "tsconfig.json"), JSON.stringify({
    extends: "../../tsconfig.json",
    compilerOptions: { noEmit: false, noEmitOnError: true, types: ["lua-types/5.1"], outDir: ".", rootDir: "../.." },
    include: ["../../core", "../../targets/lua", "../../tests/tstat/lua-entry.ts"],
    tstl: { luaTarget: "5.1", luaBundle: "tstat-e2e.lua", luaBundleEntry: "../../tests/tstat/lua-entry.ts", luaLibImport: "require-minimal", lua51AllowTryCatchInAsyncAwait: true, noHeader: true },
  }));
  const r = spawnSync("npx", ["tstl", "-p", join(OUT, "tsconfig.json")], { encoding: "utf8", timeout: 300000 });
  if (r.status !== 0) throw new Error(`tstl: ${r.stdout}${r.stderr}`);
});

function runLua(lua: string, options: Record<string, string>, label: string, startMs: number, endMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(lua, [BUNDLE, JSON.stringify(options), label, String(startMs), String(endMs)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), endMs - startMs > 0 && endMs > Date.now() ? endMs - Date.now() + 30000 : 30000);
    p.on("close", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(out) : reject(new Error(`${lua} exited ${code}: ${err}`));
    });
  });
}

for (const lua of ["lua5.1", "luajit"]) {
  test.serial(`${lua}: a past query gives the same JSON as Node, byte for byte`, async (t) => {
    if (!hasCommand(lua)) return t.fail(`${lua} not installed`);
    for (const [scenario, label] of [["mixed_e2e", "tstat-log_tcp_complete-end_to_end"], ["live_lo_e2e_switch", "tstat-log_tcp_complete-core"], ["small_all", "tstat-log_http_complete"], ["mixed_core", "tstat-log_udp_complete"]]) {
      const options = { "tstat.logDir": join(FIX, scenario, "out") };
      const s = utc("2026-11-22 23:00:00");
      const e = utc("2026-11-22 23:10:00");
      const got = await runLua(lua, options, label, s, e);
      const res = await runTstat(device(testHost(), options), { label, startMs: s, endMs: e });
      const want = writeJson({ columns: res.columns as JsonValue[], rows: res.rows as JsonValue[] }) + "\n";
      t.true(res.rows.length > 0);
      t.is(got, want, `${scenario} ${label}`);
    }
  });

  test.serial(`${lua}: live spec against the stand-in: group on, rotation, rows, runtime.conf restored byte-exact`, async (t) => {
    if (!hasCommand(lua)) return t.fail(`${lua} not installed`);
    const tmp = tempDir("tstat-lua-");
    const conf = join(tmp.dir, "runtime.conf");
    copyFileSync(join(FIX, "runtime-conf-variants/runtime_core.conf"), conf);
    const original = readFileSync(conf, "latin1");
    const out = join(tmp.dir, "out");
    let text = "";
    const env = { ...process.env, TSTAT_STANDIN_IDLE_MS: "150", TSTAT_STANDIN_COUNTER: "3", TSTAT_STANDIN_ROWS_PER_S: "40", TSTAT_STANDIN_CHUNK: "700", TSTAT_STANDIN_MINUTE_MS: "400" };
    const standin = spawn("tools/testkit/tstat-standin.ts", ["-l", "-i", "lo", "-s", out, "-T", conf], { env, stdio: ["ignore", "pipe", "inherit"] });
    standin.stdout.on("data", (d) => (text += d));
    t.teardown(() => {
      standin.kill("SIGKILL");
      tmp.cleanup();
    });
    const until = Date.now() + 15000;
    while (!(existsSync(out) && readdirSync(out).length > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const now = Date.now();
    const got = JSON.parse(await runLua(lua, { "tstat.logDir": out, "tstat.runtimeConf": conf, "tstat.pollMs": "150" }, "tstat-log_tcp_complete-end_to_end", now, now + 3000)) as { columns: string[]; rows: unknown[][]; error?: string };
    t.is(got.error, undefined);
    t.is(readFileSync(conf, "latin1"), original, "byte-exact");
    t.false(existsSync(conf + ".miniprobe-restore"));
    t.regex(text, /TCP log level set to 1 \(Core \+ End_to_end\)/);
    const rtt = got.rows.filter((r) => r[got.columns.indexOf("source.rtt.count")] !== "*");
    t.true(got.rows.length >= 40 && rtt.length >= 10, `${got.rows.length} rows, ${rtt.length} with RTT`);
  });
}
