// The Android APK (npm run package:android, tools/android/build-apk.sh): signature,
// manifest, dex classes, and the interpreters inside it running the bundle inside it
// under qemu-user, in an Android-like PATH made only of toybox (what /system/bin has).
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { apkEntry, buildApk, extractEntry, type BuiltApk } from "./apk-build.ts";
import { QJS_VARIANT, bundleFiles } from "../../tools/package/ipk.ts";
import { onPath } from "../../tools/testkit/on-path.ts";

const PKG = "org.miniprobe.wrapper";
const VERSION: string = JSON.parse(readFileSync("package.json", "utf8")).version;

let built: BuiltApk;
let sysbin: string; // every toybox applet, like Android's /system/bin
test.before(async () => {
  built = await buildApk();
  sysbin = join(built.dir, "system-bin");
  mkdirSync(sysbin);
  const toybox = whichSync("toybox");
  const applets = run(toybox, []).stdout.split(/\s+/).filter((a) => a !== "");
  if (!applets.includes("ping")) throw new Error(`toybox has no ping applet: ${applets.join(" ")}`);
  for (const a of applets) symlinkSync(toybox, join(sysbin, a));
});
test.after.always(() => built?.cleanup());

function whichSync(name: string): string {
  const p = onPath(name);
  if (p === undefined) throw new Error(`${name} not found on PATH (tools/deps.sh installs it)`);
  return p;
}

function run(cmd: string, args: string[], timeout = 120_000) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout, maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the build reports the APK and what it carries", (t) => {
  t.regex(built.log, /build-apk: .*miniprobe\.apk \d+ bytes \(classes\.dex \d+, qjs arm64-v8a \d+, armeabi-v7a \d+, assets\/js \d+\)/);
  t.log(built.log.trim().split("\n").pop());
});

test("apksigner verify --print-certs accepts the signature (v1-v3, no v4)", (t) => {
  const r = run("apksigner", ["verify", "--print-certs", "-v", built.apk]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^Verifies$/m);
  t.regex(r.stdout, /Verified using v1 scheme \(JAR signing\): true/);
  t.regex(r.stdout, /Verified using v2 scheme \(APK Signature Scheme v2\): true/);
  t.regex(r.stdout, /Verified using v4 scheme \(APK Signature Scheme v4\): false/);
  t.regex(r.stdout, /Signer #1 certificate DN: CN=miniprobe debug, O=miniprobe/);
  t.regex(r.stdout, /Signer #1 certificate SHA-256 digest: [0-9a-f]{64}/);
  t.false(existsSync(built.apk + ".idsig"), "no v4 .idsig file");
});

test("aapt dump badging: package, version, SDKs, permissions, launcher activity, ABIs", (t) => {
  const r = run("aapt", ["dump", "badging", built.apk]);
  t.is(r.code, 0, r.stderr);
  const code = VERSION.split(".").reduce((n, p) => n * 100 + Number(p), 0);
  t.regex(r.stdout, new RegExp(`^package: name='${PKG}' versionCode='${code}' versionName='${VERSION.replace(/\./g, "\\.")}'`, "m"));
  t.regex(r.stdout, /^sdkVersion:'21'$/m);
  t.regex(r.stdout, /^targetSdkVersion:'28'$/m);
  const perms = [...r.stdout.matchAll(/^uses-permission: name='([^']+)'$/gm)].map((m) => m[1]).sort();
  t.deepEqual(perms, ["android.permission.FOREGROUND_SERVICE", "android.permission.INTERNET", "android.permission.RECEIVE_BOOT_COMPLETED"]);
  t.regex(r.stdout, new RegExp(`^launchable-activity: name='${PKG}\\.MainActivity'`, "m"));
  t.regex(r.stdout, /^application-label:'Miniprobe'$/m);
  t.regex(r.stdout, /^native-code: 'arm64-v8a' 'armeabi-v7a'$/m);
});

test("the manifest declares the service and the BOOT_COMPLETED receiver", (t) => {
  const r = run("aapt", ["dump", "xmltree", built.apk, "AndroidManifest.xml"]);
  t.is(r.code, 0, r.stderr);
  const text = r.stdout;
  const service = text.indexOf("E: service");
  const receiver = text.indexOf("E: receiver");
  t.true(service > 0 && receiver > 0, text);
  t.regex(text.slice(service, receiver), /android:name\(0x01010003\)="\.ProbeService"/);
  t.regex(text.slice(receiver), /android:name\(0x01010003\)="\.BootReceiver"/);
  t.regex(text.slice(receiver), /android:name\(0x01010003\)="android\.intent\.action\.BOOT_COMPLETED"/);
  t.regex(text, /android:extractNativeLibs\(0x010104ea\)=\(type 0x12\)0xffffffff/);
});

test("dexdump shows the wrapper's classes, their bases and entry points", (t) => {
  const dex = join(built.dir, "classes.dex");
  writeFileSync(dex, apkEntry(built.apk, "classes.dex"));
  const r = run("dexdump", ["-f", dex]);
  t.is(r.code, 0, r.stderr);
  const classes = new Map<string, string>();
  for (const m of r.stdout.matchAll(/Class descriptor {2}: 'L([^;]+);'\n {2}Access flags {6}: [^\n]*\n {2}Superclass {8}: 'L([^;]+);'/g)) {
    classes.set(m[1].replace(/\//g, "."), m[2].replace(/\//g, "."));
  }
  t.deepEqual(Object.fromEntries(classes), {
    [`${PKG}.BootReceiver`]: "android.content.BroadcastReceiver",
    [`${PKG}.MainActivity`]: "android.app.Activity",
    [`${PKG}.ProbeService`]: "android.app.Service",
    [`${PKG}.RootRunner`]: "java.lang.Thread",
    [`${PKG}.Supervisor`]: "java.lang.Object",
  });
  t.regex(r.stdout, /#0 {14}: 'Landroid\/view\/View\$OnClickListener;'/);
  for (const name of ["onReceive", "onStartCommand", "onDestroy", "onCreate", "onClick", "requestStop", "onExit", "suVerdict"]) {
    t.regex(r.stdout, new RegExp(`name {10}: '${name}'`), name);
  }
  t.regex(r.stdout, /DEX version '035'/); // readable by every ART/Dalvik since API 1
});

/** ELF facts: machine, 32/64-bit, and whether it needs a dynamic loader. */
function elf(b: Buffer) {
  if (b.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  const is64 = b[4] === 2;
  const phoff = is64 ? Number(b.readBigUInt64LE(32)) : b.readUInt32LE(28);
  const phentsize = b.readUInt16LE(is64 ? 54 : 42);
  const phnum = b.readUInt16LE(is64 ? 56 : 44);
  const types: number[] = [];
  for (let i = 0; i < phnum; i++) types.push(b.readUInt32LE(phoff + i * phentsize));
  return { is64, machine: b.readUInt16LE(18), interp: types.includes(3), dynamic: types.includes(2) };
}

test("the APK carries the bundle byte for byte and static interpreters for both ABIs", (t) => {
  // assets/js: the QuickJS bundle and every chunk it loads, byte for byte.
  const js = bundleFiles(QJS_VARIANT);
  t.true(js.length >= 4, js.join(","));
  for (const f of js) t.true(apkEntry(built.apk, "assets/js/" + basename(f)).equals(readFileSync(f)), f);
  t.true(apkEntry(built.apk, "assets/probe.sh").equals(readFileSync("android/assets/probe.sh")));
  const arm64 = elf(apkEntry(built.apk, "lib/arm64-v8a/libqjs.so"));
  t.deepEqual(arm64, { is64: true, machine: 183, interp: false, dynamic: false }); // EM_AARCH64
  const armv7 = elf(apkEntry(built.apk, "lib/armeabi-v7a/libqjs.so"));
  t.deepEqual(armv7, { is64: false, machine: 40, interp: false, dynamic: false }); // EM_ARM
});

const ABIS = [
  { abi: "arm64-v8a", qemu: "qemu-aarch64-static" },
  { abi: "armeabi-v7a", qemu: "qemu-arm-static" },
];

/** libqjs.so and assets/js taken out of the APK, as the root runner does on the phone. */
function fromApk(abi: string): { qjs: string; js: string } {
  const dir = join(built.dir, abi);
  mkdirSync(dir, { recursive: true });
  for (const f of bundleFiles(QJS_VARIANT)) extractEntry(built.apk, "assets/js/" + basename(f), dir, basename(f));
  return {
    qjs: extractEntry(built.apk, `lib/${abi}/libqjs.so`, dir, "qjs", true),
    js: join(dir, "miniprobe.js"),
  };
}

const cell = (env: { results: string[]; resultvalues: string[][] }, row: number, name: string) => {
  const i = env.results.indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${env.results.join(",")}`);
  return env.resultvalues[row][i];
};

for (const { abi, qemu } of ABIS) {
  test(`${abi}: qjs from the APK answers --capabilities with toybox's ping, and no OTT without curl`, (t) => {
    const { qjs, js } = fromApk(abi);
    const r = run("env", ["-i", `PATH=${sysbin}`, whichSync(qemu), qjs, "--std", js, "--capabilities"]);
    t.is(r.code, 0, r.stderr);
    const caps = JSON.parse(r.stdout);
    const labels: string[] = caps.contents.map((c: { label: string }) => c.label);
    for (const l of ["probe-info", "ping-average-ip4", "ping-detail-ip4", "ping-average-ip6", "ping-detail-ip6", "ping-average-name-ip4"]) {
      t.true(labels.includes(l), `${l} in ${labels.join(",")}`);
    }
    t.false(labels.includes("ott-download"), "OTT needs curl, which Android lacks");
    t.false(labels.includes("tracelb-ip4"), "tracelb needs scamper");

    const spec = JSON.stringify({ specification: "measure", version: 1, label: "probe-info", when: "now", parameters: {}, results: [] });
    const once = spawnSync("env", ["-i", `PATH=${sysbin}`, whichSync(qemu), qjs, "--std", js, "--once", "-"], { input: spec, encoding: "utf8", timeout: 60_000 });
    t.is(once.status, 0, once.stderr);
    const res = JSON.parse(once.stdout);
    t.is(cell(res, 0, "miniprobe.runtime"), "quickjs");
    t.is(cell(res, 0, "miniprobe.runtime.version").slice(0, 10), "2021-03-27");
    // toybox nc answers -h with an error that names no flavour: found, but "unknown"
    t.is(cell(res, 0, "miniprobe.tools"), "nc=unknown,ping=toybox,ping6=toybox");
  });

  test(`${abi}: qjs from the APK runs a ping specification --once with toybox's ping`, (t) => {
    const { qjs, js } = fromApk(abi);
    // toybox pings through ICMP datagram sockets, which need net.ipv4.ping_group_range
    // (Android opens it to all; here it is closed): set it in a network namespace of our own.
    const ns = `mpapk${process.pid}${abi.slice(0, 5).replace(/-/g, "")}`;
    const ip = (...a: string[]) => {
      const r = run("ip", a, 30_000);
      if (r.code !== 0) throw new Error(`ip ${a.join(" ")}: ${r.stderr}`);
    };
    ip("netns", "add", ns);
    t.teardown(() => run("ip", ["netns", "del", ns], 30_000));
    ip("-n", ns, "link", "set", "lo", "up");
    ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");

    const specFile = join(built.dir, `${abi}-ping.json`);
    writeFileSync(specFile, JSON.stringify({
      specification: "measure", version: 1, label: "ping-average-ip4", when: "now + 2s / 0.5s",
      parameters: { "destination.ip4": "127.0.0.1" }, results: [],
    }));
    const r = run("ip", ["netns", "exec", ns, "env", "-i", `PATH=${sysbin}`, whichSync(qemu), qjs, "--std", js, "--once", specFile], 90_000);
    t.is(r.code, 0, r.stderr + r.stdout);
    const res = JSON.parse(r.stdout);
    t.is(res.result, "measure");
    t.is(res.label, "ping-average-ip4");
    t.is(res.resultvalues.length, 1);
    t.is(cell(res, 0, "delay.twoway.icmp.count"), "4"); // 2 s every 0.5 s
    t.is(cell(res, 0, "packets.lost"), "0");
    const [min, mean, max] = ["min", "mean", "max"].map((k) => Number(cell(res, 0, `delay.twoway.icmp.us.${k}`)));
    t.true(min >= 0 && min <= mean && mean <= max && max < 1_000_000, `${min} ${mean} ${max}`);
    // toybox prints whole milliseconds: parsed as such, they are multiples of 1000 µs.
    t.is(min % 1000, 0);
    t.is(max % 1000, 0);
  });
}

test("arm64-v8a: qjs from the APK runs the agent (--config) against a local mosquitto until a result arrives", async (t) => {
  const { qjs, js } = fromApk("arm64-v8a");
  // Everything inside a namespace of our own: its loopback, a mosquitto of the test's, and
  // ICMP datagram sockets opened as Android opens them; TCP goes through toybox nc.
  const ns = `mpapkag${process.pid}`;
  const ip = (...a: string[]) => {
    const r = run("ip", a, 30_000);
    if (r.code !== 0) throw new Error(`ip ${a.join(" ")}: ${r.stderr}`);
  };
  ip("netns", "add", ns);
  t.teardown(() => run("ip", ["netns", "del", ns], 30_000));
  ip("-n", ns, "link", "set", "lo", "up");
  ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");
  const dir = join(built.dir, "agent");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "mosquitto.conf"), "listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n");
  const broker = spawn("ip", ["netns", "exec", ns, "mosquitto", "-c", join(dir, "mosquitto.conf")], { stdio: "ignore" });
  t.teardown(() => { broker.kill("SIGKILL"); });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ broker: "mqtt://127.0.0.1:1883", probeId: "phone", queueDir: join(dir, "queue"), statusIntervalS: 5 }));
  await new Promise((r) => setTimeout(r, 500));
  let log = "";
  const probe = spawn("ip", ["netns", "exec", ns, "env", "-i", `PATH=${sysbin}`, whichSync("qemu-aarch64-static"), qjs, "--std", js, "--config", join(dir, "config.json")], { stdio: ["ignore", "ignore", "pipe"] });
  probe.stderr!.on("data", (b: Buffer) => { if (log.length < 100000) log += b.toString(); });
  t.teardown(() => { probe.kill("SIGKILL"); });
  // Wait for the retained capabilities, then send a ping specification and wait for its result.
  const caps = run("ip", ["netns", "exec", ns, "mosquitto_sub", "-h", "127.0.0.1", "-t", "miniprobe/phone/capabilities", "-C", "1", "-W", "60"], 70_000);
  t.is(caps.code, 0, "no capabilities: " + log);
  t.true(caps.stdout.includes("ping-average-ip4"), caps.stdout.slice(0, 200));
  const sub = spawn("ip", ["netns", "exec", ns, "mosquitto_sub", "-h", "127.0.0.1", "-t", "miniprobe/phone/result", "-C", "1", "-W", "90", "-F", "%x"], { stdio: ["ignore", "pipe", "ignore"] });
  let hex = "";
  sub.stdout!.on("data", (b: Buffer) => (hex += b.toString()));
  const done = new Promise<number | null>((r) => sub.on("exit", (code) => r(code)));
  await new Promise((r) => setTimeout(r, 500));
  const spec = JSON.stringify({ specification: "measure", version: 1, label: "ping-average-ip4", when: "now + 2s / 0.5s", parameters: { "destination.ip4": "127.0.0.1" }, results: [] });
  const pub = run("ip", ["netns", "exec", ns, "mosquitto_pub", "-h", "127.0.0.1", "-t", "miniprobe/phone/spec", "-q", "1", "-m", spec], 30_000);
  t.is(pub.code, 0, pub.stderr);
  t.is(await done, 0, "no result: " + log);
  const bytes = Buffer.from(hex.trim(), "hex");
  t.true(bytes.includes(Buffer.from("phone")) && bytes.includes(Buffer.from("delay.twoway.icmp.us.mean")), hex.slice(0, 200));
});
