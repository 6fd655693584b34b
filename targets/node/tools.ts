// Which measurement tools this machine has, and whose output they print (the `flavour`
// the core's parsers key on). Synchronous and quick: a PATH walk, a realpath per hit, and
// at most a `-V`/`--version` run (1 s cap) for binaries that are not busybox/toybox applets.
import { spawnSync } from "node:child_process";
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { basename, delimiter, join } from "node:path";
import type { ToolInfo, ToolSet } from "../../core/host";

export const TOOL_NAMES = ["ping", "ping6", "traceroute", "traceroute6", "scamper", "tstat", "busybox", "curl"];

/** Absolute path of an executable named `name` on `pathEnv`, or undefined. */
export function which(name: string, pathEnv: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function versionText(path: string, flag: string): string {
  const r = spawnSync(path, [flag], { encoding: "utf8", timeout: 1000, stdio: ["ignore", "pipe", "pipe"] });
  return `${r.stdout ?? ""}\n${r.stderr ?? ""}`;
}

/** First line of `text` containing `needle`, trimmed; "" when none. */
function lineWith(text: string, needle: string): string {
  for (const line of text.split("\n")) if (line.includes(needle)) return line.trim();
  return "";
}

/** Classifies one found binary. `real` is its resolved path (symlinks followed). */
export function identifyTool(name: string, path: string, real: string): ToolInfo {
  const base = basename(real);
  if (base === "busybox" || base.startsWith("busybox.")) return { path, flavour: "busybox" };
  if (base === "toybox") return { path, flavour: "toybox" };
  if (name === "ping" || name === "ping6") {
    const line = lineWith(versionText(path, "-V"), "iputils");
    if (line !== "") {
      const words = line.split(" ");
      return { path, flavour: "iputils", version: words[words.length - 1] };
    }
    return { path, flavour: "unknown" };
  }
  if (name === "traceroute" || name === "traceroute6") {
    const text = versionText(path, "-V");
    const modern = lineWith(text, "Modern traceroute");
    if (modern !== "") {
      const i = modern.indexOf("version ");
      return { path, flavour: "traceroute", version: i >= 0 ? modern.slice(i + 8) : undefined };
    }
    if (lineWith(text, "inetutils") !== "") return { path, flavour: "inetutils" };
    return { path, flavour: "unknown" };
  }
  if (name === "scamper") return { path, flavour: "scamper" };
  if (name === "tstat") return { path, flavour: "tstat" };
  if (name === "curl") {
    const line = lineWith(versionText(path, "--version"), "curl ");
    const words = line.split(" ");
    return { path, flavour: "curl", version: words.length > 1 ? words[1] : undefined };
  }
  return { path, flavour: name };
}

/** Looks up every tool in TOOL_NAMES on `pathEnv`; absent tools are left out. */
export function discoverTools(pathEnv: string = process.env.PATH ?? ""): ToolSet {
  const tools: ToolSet = {};
  for (const name of TOOL_NAMES) {
    const path = which(name, pathEnv);
    if (path === undefined) continue;
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // keep the PATH entry
    }
    const info = identifyTool(name, path, real);
    if (info.version === undefined) delete info.version;
    tools[name] = info;
  }
  return tools;
}
