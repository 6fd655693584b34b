// The configuration's logLevel reaches every host: debug lines appear only when asked for,
// and a level the probe does not know is refused naming the key.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probeRuntimes, runProbe, runtimeMissing } from "./support/probe-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "miniprobe-loglevel-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function cfg(name: string, level: string): string {
  const f = join(dir, name + ".json");
  writeFileSync(f, JSON.stringify({ logLevel: level }));
  return f;
}

for (const rt of probeRuntimes) {
  test(`${rt.name}: logLevel debug shows debug lines, warn and the default hide them`, (t) => {
    const missing = runtimeMissing(rt.argv);
    if (missing) return t.fail(missing);
    const debug = runProbe(rt.argv, ["--config", cfg("debug", "debug"), "--capabilities"]);
    t.is(debug.code, 0, debug.stderr);
    t.regex(debug.stderr, /debug\]? tool discovery took \d+ ms/);
    const warn = runProbe(rt.argv, ["--config", cfg("warn", "warn"), "--capabilities"]);
    t.is(warn.code, 0, warn.stderr);
    t.notRegex(warn.stderr, /tool discovery/);
    const dflt = runProbe(rt.argv, ["--capabilities"]);
    t.is(dflt.code, 0, dflt.stderr);
    t.notRegex(dflt.stderr, /tool discovery/);
    t.is(JSON.parse(warn.stdout).contents.length, JSON.parse(debug.stdout).contents.length, "the level changes logging only");
    const bad = runProbe(rt.argv, ["--config", cfg("bad", "loud"), "--capabilities"]);
    t.is(bad.code, 64);
    t.regex(bad.stderr, /logLevel: must be one of debug, info, warn, error/);
  });
}
