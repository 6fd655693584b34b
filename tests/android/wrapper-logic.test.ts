// The wrapper's root-runner logic on the JVM (Java 17): what happens when the probe
// dies, when su is refused or absent, after a reboot, on stop. There is no Java source
// of that logic: the classes.dex inside the built APK is turned into JVM bytecode by
// enjarify and android/test/SupervisorCheck.java runs against it, so these checks and
// the phone execute the same instructions (the smali in android/smali is the one source).
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apkEntry, buildApk, type BuiltApk } from "./apk-build.ts";

let built: BuiltApk;
test.before(async () => {
  built = await buildApk();
});
test.after.always(() => built?.cleanup());

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 180_000, maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout + r.stderr };
}

// Every check SupervisorCheck.java makes; a check that silently stops running fails here.
const CHECKS = [
  "constants the smali code uses as literals",
  "a fresh supervisor is stopped",
  "probe dies: restart after a delay that doubles up to 5 minutes",
  "probe dies after a healthy run: the delay starts again at 2 s",
  "backoff table",
  "probe refuses its configuration: no restart loop",
  "su refused: supervision ends with a status that says so",
  "su refused on a restart: the dead probe is not relaunched",
  "su absent: the phone is not rooted",
  "su verdicts: only uid 0 is root",
  "after a reboot: start only if the user left it enabled",
  "a second Start does not launch a second probe",
  "stop: kill only a running probe; late events are ignored",
  "su command line: only safe words reach the shell",
  "the root runner's bytecode passes the JVM verifier",
];

test("Supervisor from the APK's classes.dex passes the JVM checks", (t) => {
  const dex = join(built.dir, "classes.dex");
  writeFileSync(dex, apkEntry(built.apk, "classes.dex"));
  const jar = join(built.dir, "wrapper.jar");
  // Debian's /usr/bin/enjarify wrapper picks the first python3 on PATH, which may not
  // see Debian's dist-packages: run the module with Debian's own interpreter.
  const enj = run("/usr/bin/python3", ["-O", "-m", "enjarify.main", dex, "-o", jar, "-f"]);
  t.is(enj.code, 0, enj.out);
  t.regex(enj.out, /5 classes translated successfully, 0 classes had errors/);

  const classes = join(built.dir, "check-classes");
  mkdirSync(classes);
  const javac = run("javac", ["-d", classes, "-cp", jar, "android/test/SupervisorCheck.java"]);
  t.is(javac.code, 0, javac.out);

  const java = run("java", ["-Xverify:all", "-cp", `${jar}:${classes}`, "SupervisorCheck"]);
  t.log(java.out.trim());
  t.is(java.code, 0, java.out);
  const ok = java.out.split("\n").filter((l) => l.startsWith("ok ")).map((l) => l.slice(3));
  t.deepEqual(ok, CHECKS);
  t.notRegex(java.out, /^FAIL /m);
});
