// Builds the APK for the Android tests with the same script as `npm run package:android`
// (tools/android/build-apk.sh), into a temp folder so dist/ is left alone, signed with
// the debug key whatever MINIPROBE_KEYSTORE says. Also unpacks entries from it.
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface BuiltApk {
  dir: string;
  apk: string;
  log: string;
  cleanup(): void;
}

export async function buildApk(): Promise<BuiltApk> {
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-apk-"));
  const apk = join(dir, "miniprobe.apk");
  const env: NodeJS.ProcessEnv = { ...process.env, APK_OUT: apk };
  for (const k of ["MINIPROBE_KEYSTORE", "MINIPROBE_KEYSTORE_PASS", "MINIPROBE_KEY_ALIAS", "MINIPROBE_KEY_PASS"]) delete env[k];
  try {
    // The interpreters are cached (tools/test.sh builds them before ava); the rest ~3 s.
    const r = await run("bash", ["tools/android/build-apk.sh"], { env, timeout: 15 * 60_000, maxBuffer: 1 << 24 });
    return { dir, apk, log: r.stderr, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The bytes of one entry of the APK (a zip), through unzip -p. */
export function apkEntry(apk: string, entry: string): Buffer {
  const r = spawnSync("unzip", ["-p", apk, entry], { maxBuffer: 1 << 26, timeout: 60_000 });
  if (r.status !== 0 || r.stdout.length === 0) throw new Error(`unzip -p ${apk} ${entry}: exit ${r.status} ${r.stderr}`);
  return r.stdout;
}

/** Writes an entry of the APK to dir/name (mode 0755 when executable) and returns the path. */
export function extractEntry(apk: string, entry: string, dir: string, name: string, executable = false): string {
  const path = join(dir, name);
  writeFileSync(path, apkEntry(apk, entry));
  if (executable) chmodSync(path, 0o755);
  return path;
}
