// The OpenWrt packages without a router: built twice (same bytes), unpacked the way opkg
// does into a throwaway root, checked file by file (modes, control fields, conffiles), and
// the init script's procd calls checked through a stand-in for rc.common and procd, and the
// installed agent's reading of UCI (--check-config) before and after an edit.
import test from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QJS_VARIANT, VARIANTS, buildIpk, bundleFiles, ipkName, version } from "../../tools/package/ipk.ts";
import { editUci, install, unpackIpk as unpack } from "../../tools/package/opkg-root.ts";
import { QJS } from "../agent/agent-kit.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const have = VARIANTS.every((v) => fs.existsSync(path.join(REPO, v.bundle)));

function tmp(t: { teardown(f: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "mp-ipk-"));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

for (const v of VARIANTS) {
  test(`${ipkName(v)}: reproducible, ipkg-build layout, control fields and conffiles`, (t) => {
    if (!have) return t.fail("dist bundles missing: run npm run build first");
    const a = buildIpk(v, 1700000000);
    const b = buildIpk(v, 1700000000);
    t.true(a.equals(b), "same input, same bytes");
    t.true(a.length < 200 * 1024, `${a.length} bytes`);
    const { outer, data, control } = unpack(a);
    t.deepEqual(outer.map((e) => e.path), ["./debian-binary", "./data.tar.gz", "./control.tar.gz"]);
    t.is(outer[0].data!.toString(), "2.0\n");
    const ctl = control.find((e) => e.path === "./control")!.data!.toString();
    const field = (k: string) => ctl.split("\n").find((l) => l.startsWith(k + ": "))?.slice(k.length + 2);
    t.is(field("Package"), `miniprobe-${v.name}`);
    t.is(field("Version"), `${version()}-1`);
    t.is(field("Architecture"), "all");
    t.deepEqual(field("Depends")!.split(", "), v.depends);
    t.is(Number(field("Installed-Size")), data.reduce((s, e) => s + (e.data?.length ?? 0), 0));
    t.is(control.find((e) => e.path === "./conffiles")!.data!.toString(), "/etc/config/miniprobe\n");
    for (const s of ["./postinst", "./prerm"]) t.is(control.find((e) => e.path === s)!.mode, 0o755);
    const mode = (p: string) => data.find((e) => e.path === p)?.mode;
    t.is(mode("./etc/init.d/miniprobe"), 0o755);
    t.is(mode("./usr/bin/miniprobe"), 0o755);
    t.is(mode("./etc/config/miniprobe"), 0o600, "the config holds the broker password");
    const files = bundleFiles(v);
    // QuickJS's bundle is its entry and the chunks it imports: core, then each run code.
    if (v.name === "qjs") for (const c of ["miniprobe-core.js", "miniprobe-ping.js", "miniprobe-traceroute.js", "miniprobe-ott.js"]) t.true(files.includes("dist/" + c), c);
    for (const f of files) {
      t.is(mode(`./usr/share/miniprobe/${path.basename(f)}`), 0o644, f);
      t.true(data.find((e) => e.path === `./usr/share/miniprobe/${path.basename(f)}`)!.data!.equals(fs.readFileSync(path.join(REPO, f))), f);
    }
    // GNU tar reads what we wrote (the same format opkg's libarchive-less reader expects).
    const d = tmp(t);
    fs.writeFileSync(path.join(d, "p.ipk"), a);
    const listing = execFileSync("tar", ["-tzvf", path.join(d, "p.ipk")], { encoding: "utf8" });
    t.regex(listing, /root\/root .* \.\/control\.tar\.gz/);
  });
}

test("the init script tells procd: the agent on the UCI file, respawn forever, file trigger, logd", (t) => {
  if (!have) return t.fail("dist bundles missing: run npm run build first");
  const root = tmp(t);
  install(root, buildIpk(VARIANTS[0]), "miniprobe-lua");
  const run = (action: string) => {
    const log = path.join(root, "procd.log");
    fs.rmSync(log, { force: true });
    const r = spawnSync("sh", [path.join(REPO, "tests/openwrt/rc-common-stub.sh"), path.join(root, "etc/init.d/miniprobe"), action], {
      env: { PATH: process.env.PATH, UCI_FILE: path.join(root, "etc/config/miniprobe"), PROCD_LOG: log, IPKG_INSTROOT: root },
      encoding: "utf8",
    });
    t.is(r.status, 0, r.stderr);
    return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  };
  const calls = run("start");
  t.deepEqual(calls, [
    "open_instance",
    "param command /usr/bin/miniprobe --uci /etc/config/miniprobe",
    "param respawn 3600 5 0",
    "param file /etc/config/miniprobe",
    "param stdout 1",
    "param stderr 1",
    "param user root",
    "param term_timeout 10",
    "close_instance",
    "reload_trigger miniprobe",
  ]);
  // A UCI change: disabled → procd gets no instance, only the trigger.
  const conf = path.join(root, "etc/config/miniprobe");
  fs.writeFileSync(conf, fs.readFileSync(conf, "utf8").replace("option enabled '1'", "option enabled '0'"));
  t.deepEqual(run("start"), ["reload_trigger miniprobe"]);
  run("enable");
  t.is(fs.readlinkSync(path.join(root, "etc/rc.d/S95miniprobe")), "../init.d/miniprobe");
  t.is(fs.readlinkSync(path.join(root, "etc/rc.d/K10miniprobe")), "../init.d/miniprobe");
  run("disable");
  t.false(fs.existsSync(path.join(root, "etc/rc.d/S95miniprobe")));
});

test("a UCI change changes the configuration the installed agent runs with (--check-config on lua5.1)", (t) => {
  if (!have) return t.fail("dist bundles missing: run npm run build first");
  const root = tmp(t);
  install(root, buildIpk(VARIANTS[0]), "miniprobe-lua");
  const conf = path.join(root, "etc/config/miniprobe");
  const check = () => spawnSync("lua5.1", [path.join(root, "usr/share/miniprobe/miniprobe.lua"), "--uci", conf, "--check-config"], { encoding: "utf8", timeout: 30000 });
  const shipped = check();
  t.is(shipped.status, 0, shipped.stderr);
  const a = JSON.parse(shipped.stdout) as Record<string, unknown>;
  t.deepEqual(a.broker, ["mqtt://127.0.0.1:1883"]);
  t.is(a.queueDir, "/tmp/miniprobe");
  t.is(a.statusIntervalS, 60);
  t.is(a.queueMaxBytes, 1048576);
  editUci(root, { broker: ["mqtts://collector.example:8883", "mqtt://10.99.0.1:1883"], probe_id: "router-7", username: "router-7", password: "s3cret", status_interval: "30" });
  const edited = check();
  t.is(edited.status, 0, edited.stderr);
  const b = JSON.parse(edited.stdout) as Record<string, unknown>;
  t.deepEqual(b.broker, ["mqtts://collector.example:8883", "mqtt://10.99.0.1:1883"]);
  t.is(b.probeId, "router-7");
  t.is(b.username, "router-7");
  t.false(edited.stdout.includes("s3cret"), "the password is masked");
  t.is(b.statusIntervalS, 30);
  // A typo is refused by name (procd would log it and respawn; logread shows the line).
  fs.writeFileSync(conf, fs.readFileSync(conf, "utf8").replace("option concurrency", "option concurency"));
  const bad = check();
  t.not(bad.status, 0);
  t.regex(bad.stderr, /miniprobe\.concurency: unknown option/);
});

test("the installed qjs package runs a measurement: its run code loads from the chunks beside the bundle", (t) => {
  if (!have) return t.fail("dist bundles missing: run npm run build first");
  const root = tmp(t);
  install(root, buildIpk(QJS_VARIANT), "miniprobe-qjs");
  const bundle = path.join(root, "usr/share/miniprobe/miniprobe.js");
  // From another directory, as procd runs it: chunk names resolve against the bundle's path.
  const qjs = path.resolve(REPO, QJS);
  const caps = spawnSync(qjs, ["--std", bundle, "--capabilities"], { cwd: os.tmpdir(), encoding: "utf8", timeout: 30000 });
  t.is(caps.status, 0, caps.stderr);
  const cap = (JSON.parse(caps.stdout) as { contents: Record<string, unknown>[] }).contents.find((c) => c.label === "ping-average-ip4")!;
  const spec = { ...cap, specification: "measure", token: "ab".repeat(16), when: "now + 1s / 0.5s", parameters: { "destination.ip4": "127.0.0.1" } };
  delete (spec as Record<string, unknown>).capability;
  const specFile = path.join(root, "spec.json");
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const r = spawnSync(qjs, ["--std", bundle, "--once", specFile], { cwd: os.tmpdir(), encoding: "utf8", timeout: 30000 });
  t.is(r.status, 0, r.stdout + r.stderr);
  const res = JSON.parse(r.stdout) as { result?: string; results: string[]; resultvalues: string[][] };
  t.is(res.result, "measure", r.stdout);
  t.is(res.resultvalues[0][res.results.indexOf("delay.twoway.icmp.count")], "2");
  // Without its chunk the run fails with an exception naming it; the daemon would go on.
  fs.rmSync(path.join(root, "usr/share/miniprobe/miniprobe-ping.js"));
  const broken = spawnSync(qjs, ["--std", bundle, "--once", specFile], { cwd: os.tmpdir(), encoding: "utf8", timeout: 30000 });
  t.regex(broken.stdout + broken.stderr, /miniprobe-ping\.js/);
});
