// The OpenWrt packages without a router: built twice (same bytes), unpacked the way opkg
// does into a throwaway root, checked file by file (modes, control fields, conffiles), and
// the init script's procd calls checked through a stand-in for rc.common and procd.
import test from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { VARIANTS, buildIpk, ipkName, version } from "../../tools/package/ipk.ts";
import { TarEntry, untar } from "../../tools/package/tar.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const have = VARIANTS.every((v) => fs.existsSync(path.join(REPO, v.bundle)));

function unpack(ipk: Buffer): { outer: TarEntry[]; data: TarEntry[]; control: TarEntry[] } {
  const outer = untar(gunzipSync(ipk));
  const get = (n: string) => outer.find((e) => e.path === n)?.data ?? Buffer.alloc(0);
  return { outer, data: untar(gunzipSync(get("./data.tar.gz"))), control: untar(gunzipSync(get("./control.tar.gz"))) };
}

/** Installs like opkg: data into the root, control files into /usr/lib/opkg/info/<pkg>.*. */
export function install(root: string, ipk: Buffer, pkg: string): void {
  const { data, control } = unpack(ipk);
  for (const e of data) {
    const p = path.join(root, e.path);
    if (e.path.endsWith("/")) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, e.data!);
      fs.chmodSync(p, e.mode);
    }
  }
  const info = path.join(root, "usr/lib/opkg/info");
  fs.mkdirSync(info, { recursive: true });
  for (const e of control) if (!e.path.endsWith("/")) fs.writeFileSync(path.join(info, `${pkg}.${e.path.slice(2)}`), e.data!, { mode: e.mode });
  fs.writeFileSync(path.join(info, `${pkg}.list`), data.filter((e) => !e.path.endsWith("/")).map((e) => e.path.slice(1)).join("\n") + "\n");
}

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
    t.is(mode(`./usr/share/miniprobe/${path.basename(v.bundle)}`), 0o644);
    t.true(data.find((e) => e.path === `./usr/share/miniprobe/${path.basename(v.bundle)}`)!.data!.equals(fs.readFileSync(path.join(REPO, v.bundle))));
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
