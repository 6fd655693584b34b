// A throwaway OpenWrt root: an .ipk installed the way opkg does it (data into the root,
// control files into /usr/lib/opkg/info/<pkg>.*, a .list of the files), and UCI edits the
// way a user makes them on the router (the shipped conffile, options set or uncommented).
// Shared by tests/openwrt and the OpenWrt bench.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { TarEntry, untar } from "./tar.ts";

export interface IpkParts {
  outer: TarEntry[];
  data: TarEntry[];
  control: TarEntry[];
}

export function unpackIpk(ipk: Buffer): IpkParts {
  const outer = untar(gunzipSync(ipk));
  const get = (n: string) => outer.find((e) => e.path === n)?.data ?? Buffer.alloc(0);
  return { outer, data: untar(gunzipSync(get("./data.tar.gz"))), control: untar(gunzipSync(get("./control.tar.gz"))) };
}

/** Installs like opkg: data into the root, control files into /usr/lib/opkg/info/<pkg>.*. */
export function install(root: string, ipk: Buffer, pkg: string): void {
  const { data, control } = unpackIpk(ipk);
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

function quote(v: string): string {
  if (v.includes("'")) throw new Error(`uci value with a quote: ${v}`);
  return `'${v}'`;
}

/**
 * Sets `option <key>` of the section `config miniprobe 'main'` in a UCI text: the first
 * line that sets it, commented out or not, becomes `option key 'value'`; without one, the
 * option is added right after the section line. Lists (`list broker`) are replaced whole.
 */
export function uciSetMain(text: string, key: string, value: string | string[]): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^config\s+miniprobe\s+'main'/.test(l));
  if (start < 0) throw new Error("no config miniprobe 'main' section");
  let end = lines.findIndex((l, i) => i > start && /^config\s/.test(l));
  if (end < 0) end = lines.length;
  const section = lines.slice(start + 1, end);
  if (Array.isArray(value)) {
    const isList = (l: string) => new RegExp(`^\\s*list\\s+${key}\\s`).test(l);
    const at = section.findIndex(isList);
    const kept = section.filter((l) => !isList(l));
    kept.splice(at < 0 ? 0 : at, 0, ...value.map((v) => `\tlist ${key} ${quote(v)}`));
    return [...lines.slice(0, start + 1), ...kept, ...lines.slice(end)].join("\n");
  }
  const at = section.findIndex((l) => new RegExp(`^\\s*#?\\s*option\\s+${key}\\s`).test(l));
  const line = `\toption ${key} ${quote(value)}`;
  if (at >= 0) section[at] = line;
  else section.unshift(line);
  return [...lines.slice(0, start + 1), ...section, ...lines.slice(end)].join("\n");
}

/** Edits root/etc/config/miniprobe in place (options of the main section). */
export function editUci(root: string, options: Record<string, string | string[]>): string {
  const file = path.join(root, "etc/config/miniprobe");
  let text = fs.readFileSync(file, "utf8");
  for (const [k, v] of Object.entries(options)) text = uciSetMain(text, k, v);
  fs.writeFileSync(file, text);
  return file;
}
