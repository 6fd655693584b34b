// Tool discovery, second step: the host found binaries on PATH (host.tools: path + a first
// guess at the flavour); here each is asked, through host.exec, what it is and which options
// it accepts (`--help`, `-V`, `-v`). Capabilities then follow from host.tools alone.
// Every run has a short timeout and a small output cap; the whole probe stays well under 1 s
// (each tool answers its help in a few milliseconds). Nothing here sends a packet.
import { ExecResult, Host, ToolInfo } from "../host";
import { exec } from "../host-async";
import { fmtNum } from "../util/num";
import { splitLines, startsWith, words } from "./text";

const PROBE_TIMEOUT_MS = 1000;
const PROBE_MAX_BYTES = 65536;

/** Last path component. */
export function baseName(path: string): string {
  const parts = path.split("/");
  return parts[parts.length - 1];
}

/** True when `tool.path` is the busybox multi-call binary itself (not an applet link). */
export function isBusyboxBinary(tool: ToolInfo): boolean {
  return tool.flavour === "busybox" && startsWith(baseName(tool.path), "busybox");
}

/** argv prefix that runs `applet` of this tool: [path] or [busybox, applet]. */
export function toolArgv0(tool: ToolInfo, applet: string): string[] {
  if (isBusyboxBinary(tool) || (tool.flavour === "toybox" && baseName(tool.path) === "toybox")) return [tool.path, applet];
  return [tool.path];
}

function isFlagChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function addFlag(out: string[], f: string): void {
  if (out.indexOf(f) < 0) out.push(f);
}

/**
 * Options named in a help text: "-c", "-4" from "-4,-6", "--sport" from "--sport=num", and
 * each letter of a usage cluster "[-46Flnrv]". Sorted, without duplicates.
 */
export function helpFlags(text: string): string[] {
  const out: string[] = [];
  for (const line of splitLines(text)) {
    for (const w0 of words(line)) {
      for (const piece of w0.split(",")) {
        let w = piece;
        const bracket = startsWith(w, "[-");
        if (bracket) w = w.substring(1);
        while (w.length > 0 && (w.substring(w.length - 1) === "]" || w.substring(w.length - 1) === ":")) w = w.substring(0, w.length - 1);
        if (startsWith(w, "--") && w.length > 2) {
          let end = 2;
          while (end < w.length && (isFlagChar(w.charCodeAt(end)) || w.charCodeAt(end) === 45)) end = end + 1;
          if (end > 2) addFlag(out, w.substring(0, end));
        } else if (startsWith(w, "-") && w.length >= 2 && isFlagChar(w.charCodeAt(1))) {
          let all = true;
          for (let i = 1; i < w.length; i++) if (!isFlagChar(w.charCodeAt(i))) all = false;
          if (bracket && all && w.length > 2) {
            for (let i = 1; i < w.length; i++) addFlag(out, "-" + w.substring(i, i + 1));
          } else if (w.length === 2 || !all || bracket) {
            addFlag(out, w.substring(0, 2));
          } else {
            // "-dccp"-like words in prose, or a cluster outside brackets ("-46dFITnreAUDV")
            if (w.length <= 16) for (let i = 1; i < w.length; i++) addFlag(out, "-" + w.substring(i, i + 1));
          }
        }
      }
    }
  }
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** The word after `key` on the first line containing `key`, or undefined. */
function wordAfter(text: string, key: string): string | undefined {
  for (const line of splitLines(text)) {
    const i = line.indexOf(key);
    if (i >= 0) {
      const w = words(line.substring(i + key.length));
      if (w.length > 0) {
        let v = w[0];
        if (v.substring(v.length - 1) === ",") v = v.substring(0, v.length - 1);
        return v;
      }
    }
  }
  return undefined;
}

/** What a tool said about itself: flavour and version from -V/--help/-v text. */
export function identify(name: string, text: string): { flavour: string; version?: string } | undefined {
  const bb = wordAfter(text, "BusyBox ");
  if (bb !== undefined) return { flavour: "busybox", version: startsWith(bb, "v") ? bb.substring(1) : bb };
  if (text.indexOf("toybox") >= 0) return { flavour: "toybox" };
  const iputils = wordAfter(text, "from iputils ");
  if (iputils !== undefined) return { flavour: "iputils", version: iputils };
  if (text.indexOf("iputils") >= 0 && (name === "ping" || name === "ping6")) return { flavour: "iputils" };
  const modern = wordAfter(text, "Modern traceroute for Linux, version ");
  if (modern !== undefined) return { flavour: "traceroute", version: modern };
  const sc = wordAfter(text, "scamper version ");
  if (sc !== undefined) return { flavour: "scamper", version: sc };
  if (text.indexOf("inetutils") >= 0) return { flavour: "inetutils" };
  return undefined;
}

async function run(host: Host, argv: string[]): Promise<string> {
  try {
    const r: ExecResult = await exec(host, argv, { timeoutMs: PROBE_TIMEOUT_MS, maxBytes: PROBE_MAX_BYTES });
    return r.stdout + "\n" + r.stderr;
  } catch (e) {
    return "";
  }
}

/** busybox traceroute lists no -I in its usage even when built with it: ask getopt. */
async function busyboxAccepts(host: Host, base: string[], flag: string): Promise<boolean> {
  // "-f 2 -m 1" makes it stop right after option parsing ("number 2 is not in 1..1 range"):
  // an unknown option is reported first, and no packet is ever sent.
  const argv = base.slice();
  argv.push(flag);
  argv.push("-f");
  argv.push("2");
  argv.push("-m");
  argv.push("1");
  argv.push("127.0.0.1");
  const text = await run(host, argv);
  return text.length > 1 && text.indexOf("invalid option") < 0 && text.indexOf("unrecognized option") < 0;
}

async function probeOne(host: Host, name: string, tool: ToolInfo): Promise<void> {
  const applet = name === "busybox" ? "" : name;
  let who: { flavour: string; version?: string } | undefined;
  if (tool.flavour !== "busybox" && tool.flavour !== "toybox") {
    const v = await run(host, [tool.path, name === "scamper" ? "-v" : "-V"]);
    who = identify(name, v);
  }
  const base = applet !== "" ? toolArgv0(tool, applet) : [tool.path];
  const help = await run(host, name === "scamper" ? [tool.path, "-?"] : base.concat(["--help"]));
  if (who === undefined) who = identify(name, help);
  if (who === undefined && (name === "ping" || name === "ping6")) who = identify(name, await run(host, [tool.path, "-h"]));
  if (who !== undefined) {
    tool.flavour = who.flavour;
    if (who.version !== undefined) tool.version = who.version;
  }
  let flags = helpFlags(help);
  if (tool.flavour === "iputils" && flags.length === 0) flags = helpFlags(await run(host, [tool.path, "-h"]));
  if (tool.flavour === "busybox" && (name === "traceroute" || name === "traceroute6") && flags.indexOf("-I") < 0) {
    if (await busyboxAccepts(host, base, "-I")) {
      flags.push("-I");
      flags.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
  }
  tool.flags = flags;
}

/** Adds ping/traceroute entries for busybox applets when PATH has no binary of that name. */
async function busyboxApplets(host: Host): Promise<void> {
  const bb = host.tools["busybox"];
  if (bb === undefined) return;
  const list = await run(host, [bb.path, "--list"]);
  const have: string[] = [];
  for (const l of splitLines(list)) if (l.length > 0) have.push(l.trim());
  for (const name of ["ping", "ping6", "traceroute", "traceroute6"]) {
    if (host.tools[name] === undefined && have.indexOf(name) >= 0) host.tools[name] = { path: bb.path, flavour: "busybox" };
  }
}

/**
 * Fills host.tools[name].flags / .version and corrects .flavour for the measurement tools
 * the host found. Tools that cannot be run keep what the host said.
 */
export async function probeTools(host: Host): Promise<void> {
  if (host.exec === undefined) return;
  const t0 = host.mono();
  await busyboxApplets(host);
  for (const name of ["ping", "ping6", "traceroute", "traceroute6", "scamper"]) {
    const tool = host.tools[name];
    if (tool !== undefined) await probeOne(host, name, tool);
  }
  host.log("debug", "tool probe took " + fmtNum(Math.floor(host.mono() - t0)) + " ms");
}
