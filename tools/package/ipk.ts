// npm run package: dist/miniprobe-lua_<v>_all.ipk and dist/miniprobe-qjs_<v>_all.ipk, built
// the way OpenWrt's ipkg-build lays them out (an outer gzip'd tar of ./debian-binary,
// ./data.tar.gz and ./control.tar.gz), without an OpenWrt SDK. Reproducible: fixed owner,
// fixed mtime (SOURCE_DATE_EPOCH or the last commit's time), fixed entry order, gzip without
// a name or time, so the same inputs give the same bytes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { TarEntry, tar } from "./tar.ts";

export interface Variant {
  /** Package name suffix and bundle (the file the interpreter runs). */
  name: "lua" | "qjs";
  bundle: string;
  /** Files beside the bundle that it loads when needed (QuickJS's chunks, rollup.config.ts). */
  chunks?: RegExp;
  depends: string[];
  /** The wrapper /usr/bin/miniprobe runs this. */
  interpreter: string[];
}

export const VARIANTS: Variant[] = [
  { name: "lua", bundle: "dist/miniprobe.lua", depends: ["libc", "lua", "luasocket", "luaposix"], interpreter: ["/usr/bin/lua", "/usr/share/miniprobe/miniprobe.lua"] },
  { name: "qjs", bundle: "dist/miniprobe.js", chunks: /^miniprobe-[\w-]+\.js$/, depends: ["libc", "quickjs", "curl"], interpreter: ["/usr/bin/qjs", "--std", "/usr/share/miniprobe/miniprobe.js"] },
];

/** The QuickJS variant: its bundle is several files (bundleFiles). */
export const QJS_VARIANT = VARIANTS[1];

const REPO = resolve(import.meta.dirname, "../..");

function sourceDateEpoch(): number {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: REPO, encoding: "utf8" }).trim());
  } catch {
    return 0;
  }
}

function gz(b: Buffer): Buffer {
  // Node writes mtime 0 and no file name; OS byte 3 (Unix) on every platform we build on.
  return gzipSync(b, { level: 9 });
}

function file(path: string, mode: number, text: string | Buffer): TarEntry {
  return { path, mode, data: typeof text === "string" ? Buffer.from(text, "utf8") : text };
}

function dirs(paths: string[]): TarEntry[] {
  const set = new Set<string>(["./"]);
  for (const p of paths) {
    const parts = p.split("/").slice(1, -1);
    for (let i = 1; i <= parts.length; i++) set.add("./" + parts.slice(0, i).join("/") + "/");
  }
  return [...set].sort().map((d) => ({ path: d, mode: 0o755 }));
}

export function version(): string {
  return (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
}

/** The bundle and its chunks, as paths under the repository, bundle first. */
export function bundleFiles(v: Variant): string[] {
  const re = v.chunks;
  if (re === undefined) return [v.bundle];
  const dir = dirname(v.bundle);
  return [v.bundle, ...readdirSync(join(REPO, dir)).filter((f) => re.test(f)).sort().map((f) => dir + "/" + f)];
}

/** The package's files, by install path. */
export function payload(v: Variant): TarEntry[] {
  const wrapper = `#!/bin/sh\n# miniprobe (${v.name}): the probe's command line; procd runs it as the agent.\nexec ${v.interpreter.join(" ")} "$@"\n`;
  const files: TarEntry[] = [
    file("./etc/config/miniprobe", 0o600, readFileSync(join(REPO, "openwrt/files/miniprobe.config"))),
    file("./etc/init.d/miniprobe", 0o755, readFileSync(join(REPO, "openwrt/files/miniprobe.init"))),
    file("./usr/bin/miniprobe", 0o755, wrapper),
    ...bundleFiles(v).map((f) => file(`./usr/share/miniprobe/${basename(f)}`, 0o644, readFileSync(join(REPO, f)))),
  ];
  return [...dirs(files.map((f) => f.path)), ...files];
}

export function control(v: Variant, installedSize: number): string {
  return [
    `Package: miniprobe-${v.name}`,
    `Version: ${version()}-1`,
    `Depends: ${v.depends.join(", ")}`,
    "Source: feeds/packages/net/miniprobe",
    "SourceName: miniprobe",
    "Section: net",
    "Architecture: all",
    `Installed-Size: ${installedSize}`,
    "Maintainer: miniprobe developers",
    `Description: network measurement probe (${v.name === "lua" ? "Lua 5.1" : "QuickJS"} bundle): ping, traceroute,`,
    " OTT video and Tstat measurements, mPlane model, reporting over MQTT to a collector.",
    "",
  ].join("\n");
}

const POSTINST = `#!/bin/sh
[ "\${IPKG_NO_SCRIPT}" = "1" ] && exit 0
[ -s \${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. \${IPKG_INSTROOT}/lib/functions.sh
default_postinst $0 $@
`;
const PRERM = `#!/bin/sh
[ -s \${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. \${IPKG_INSTROOT}/lib/functions.sh
default_prerm $0 $@
`;

export function buildIpk(v: Variant, mtime = sourceDateEpoch()): Buffer {
  const data = payload(v);
  const size = data.reduce((a, e) => a + (e.data?.length ?? 0), 0);
  const dataTgz = gz(tar(data, mtime));
  const controlTgz = gz(tar([
    { path: "./", mode: 0o755 },
    file("./conffiles", 0o644, "/etc/config/miniprobe\n"),
    file("./control", 0o644, control(v, size)),
    file("./postinst", 0o755, POSTINST),
    file("./prerm", 0o755, PRERM),
  ], mtime));
  return gz(tar([
    file("./debian-binary", 0o644, "2.0\n"),
    file("./data.tar.gz", 0o644, dataTgz),
    file("./control.tar.gz", 0o644, controlTgz),
  ], mtime));
}

export function ipkName(v: Variant): string {
  return `miniprobe-${v.name}_${version()}_all.ipk`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const out = process.argv[2] ?? join(REPO, "dist");
  mkdirSync(out, { recursive: true });
  for (const v of VARIANTS) {
    if (!existsSync(join(REPO, v.bundle))) {
      console.error(`package: ${v.bundle} missing: run npm run build first`);
      process.exit(1);
    }
    const ipk = buildIpk(v);
    writeFileSync(join(out, ipkName(v)), ipk);
    console.log(`${join(out, ipkName(v)).padEnd(40)} ${String(ipk.length).padStart(8)} bytes`);
  }
}
