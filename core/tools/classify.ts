// What a tool is, from what it says about itself: the one classification of the device's
// programs for every host. Pure functions from help/version texts to a ToolInfo, pinned by
// conformance vectors on every runtime (tests/vectors/tools.json, real texts from
// tests/fixtures/tools). Which texts to ask for is data too (probePlan), so discovery
// (discover.ts) only runs what this module asks and hands the outputs back.
import { ToolInfo } from "../host";
import { splitLines, startsWith, words } from "./text";

/** Every program name core looks for, in the order ToolSet lists them. */
export const TOOL_NAMES = [
  "busybox", "toybox", "ping", "ping6", "traceroute", "traceroute6", "scamper", "fping", "tracepath",
  "curl", "uclient-fetch", "nc", "socat", "openssl", "tstat",
];

/** Names a multi-call binary (busybox, toybox) may stand in for when PATH has no such program. */
export const APPLET_NAMES = ["ping", "ping6", "traceroute", "traceroute6", "nc"];

/** One invocation to run: its output is handed back under `key`. Nothing here sends a packet. */
export interface Probe {
  key: string;
  args: string[];
}

/** Last path component. */
export function baseName(path: string): string {
  const parts = path.split("/");
  return parts[parts.length - 1];
}

function isFlagChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function addFlag(out: string[], f: string): void {
  if (out.indexOf(f) < 0) out.push(f);
}

function sortStrings(xs: string[]): void {
  xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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
  sortStrings(out);
  return out;
}

function trimComma(v: string): string {
  let x = v;
  while (x.length > 0 && (x.substring(x.length - 1) === "," || x.substring(x.length - 1) === ")" || x.substring(x.length - 1) === ":")) {
    x = x.substring(0, x.length - 1);
  }
  return x;
}

/** The word after `key` on the first line containing `key`, or undefined. */
function wordAfter(text: string, key: string): string | undefined {
  for (const line of splitLines(text)) {
    const i = line.indexOf(key);
    if (i >= 0) {
      const w = words(line.substring(i + key.length));
      if (w.length > 0) return trimComma(w[0]);
    }
  }
  return undefined;
}

/** The first word of the first non-blank line, and the word after it. */
function firstWords(text: string): string[] {
  for (const line of splitLines(text)) {
    const w = words(line);
    if (w.length > 0) return w;
  }
  return [];
}

function noV(v: string): string {
  return startsWith(v, "v") ? v.substring(1) : v;
}

type Who = { flavour: string; version?: string };

function who(flavour: string, version?: string): Who {
  const w: Who = { flavour: flavour };
  if (version !== undefined && version.length > 0) w.version = version;
  return w;
}

/**
 * What a tool said about itself (-V/--version/--help/-v text): flavour and version, or
 * undefined when the text names nothing known. `name` is the name it was found under.
 */
export function identify(name: string, text: string): Who | undefined {
  const bb = wordAfter(text, "BusyBox ");
  if (bb !== undefined) return who("busybox", noV(bb));
  const fw = firstWords(text);
  if (text.indexOf("toybox") >= 0) {
    if (fw.length > 1 && fw[0] === "toybox") return who("toybox", noV(fw[1]));
    return who("toybox");
  }
  if (name === "curl" && fw.length > 1 && fw[0] === "curl") return who("curl", fw[1]);
  if (name === "openssl" && fw.length > 1 && (fw[0] === "OpenSSL" || fw[0] === "LibreSSL")) {
    return who(fw[0] === "OpenSSL" ? "openssl" : "libressl", fw[1]);
  }
  const iputils = wordAfter(text, "from iputils ");
  if (iputils !== undefined) return who("iputils", iputils);
  if (text.indexOf("iputils") >= 0 && (name === "ping" || name === "ping6" || name === "tracepath")) return who("iputils");
  const modern = wordAfter(text, "Modern traceroute for Linux, version ");
  if (modern !== undefined) return who("traceroute", modern);
  const sc = wordAfter(text, "scamper version ");
  if (sc !== undefined) return who("scamper", sc);
  const fp = wordAfter(text, "fping: Version ");
  if (fp !== undefined) return who("fping", fp);
  if (text.indexOf("inetutils") >= 0) return who("inetutils");
  const so = wordAfter(text, "socat version ");
  if (so !== undefined) return who("socat", so);
  if (text.indexOf("OpenBSD netcat") >= 0) return who("openbsd");
  const ncat = wordAfter(text, "Ncat ");
  if (ncat !== undefined) return who("ncat", ncat);
  const trad = wordAfter(text, "[v");
  if (name === "nc" && trad !== undefined) return who("traditional", trad.substring(0, trad.length - (trad.substring(trad.length - 1) === "]" ? 1 : 0)));
  if (text.indexOf("uclient-fetch") >= 0) return who("uclient-fetch");
  const ts = wordAfter(text, "tstat-");
  if (ts !== undefined || startsWith(text, "TNG tstat")) {
    const tv = wordAfter(text, "TNG ");
    return who("tstat", tv !== undefined && startsWith(tv, "tstat-") ? tv.substring(6) : undefined);
  }
  const tsv = wordAfter(text, "tstat Version ");
  if (tsv !== undefined) return who("tstat", tsv);
  return undefined;
}

/** True when `tool.path` is a multi-call binary itself (busybox, toybox), not an applet link. */
export function isMultiCall(tool: ToolInfo): boolean {
  const b = baseName(tool.path);
  return (tool.flavour === "busybox" && startsWith(b, "busybox")) || (tool.flavour === "toybox" && b === "toybox");
}

/** argv prefix that runs `applet` of this tool: [path] or [busybox, applet]. */
export function toolArgv0(tool: ToolInfo, applet: string): string[] {
  if (isMultiCall(tool)) return [tool.path, applet];
  return [tool.path];
}

/** Applet names a multi-call binary lists (`busybox --list`, or toybox's word list). */
export function appletList(text: string): string[] {
  const out: string[] = [];
  for (const l of splitLines(text)) for (const w of words(l)) if (out.indexOf(w) < 0) out.push(w);
  return out;
}

/** The invocation that tells a tool's version (or, failing that, names it). */
function versionProbe(name: string): Probe | undefined {
  if (name === "busybox" || name === "uclient-fetch") return { key: "help", args: ["--help"] };
  if (name === "toybox" || name === "curl") return { key: "version", args: ["--version"] };
  if (name === "scamper" || name === "fping" || name === "tstat") return { key: "version", args: ["-v"] };
  if (name === "openssl") return { key: "version", args: ["version"] };
  if (name === "nc") return { key: "help", args: ["-h"] };
  return { key: "version", args: ["-V"] };
}

/** The invocation whose output lists the options (for tools whose options matter). */
function helpProbe(name: string): Probe | undefined {
  if (name === "ping" || name === "ping6" || name === "traceroute" || name === "traceroute6") return { key: "help", args: ["--help"] };
  if (name === "scamper") return { key: "help", args: ["-?"] };
  return undefined;
}

/**
 * The next invocations to run for `name`, given the texts already collected (key → output).
 * Empty when classification needs nothing more. Arguments go after the tool's argv prefix
 * (toolArgv0), so a busybox applet is asked as `busybox ping --help`.
 */
export function probePlan(name: string, texts: { [key: string]: string }): Probe[] {
  const out: Probe[] = [];
  const v = versionProbe(name);
  if (v !== undefined && texts[v.key] === undefined) out.push(v);
  const h = helpProbe(name);
  if (h !== undefined && texts[h.key] === undefined) out.push(h);
  if (out.length > 0) return out;
  if ((name === "busybox" || name === "toybox") && texts["list"] === undefined) {
    return [{ key: "list", args: name === "busybox" ? ["--list"] : [] }];
  }
  if ((name === "traceroute" || name === "traceroute6") && texts["icmp"] === undefined) {
    const t = classifyTool(name, "", texts);
    // busybox traceroute lists no -I in its usage even when built with it: ask getopt.
    // "-f 2 -m 1" stops it right after option parsing ("2 is not in 1..1"): an unknown option
    // is reported first, and no packet is ever sent.
    if (t !== undefined && t.flavour === "busybox" && (t.flags === undefined || t.flags.indexOf("-I") < 0)) {
      return [{ key: "icmp", args: ["-I", "-f", "2", "-m", "1", "127.0.0.1"] }];
    }
  }
  return out;
}

/** Everything collected, in a fixed key order (so the result never depends on run order). */
function allText(texts: { [key: string]: string }): string {
  const keys = Object.keys(texts);
  sortStrings(keys);
  const parts: string[] = [];
  for (const k of keys) if (k !== "list" && k !== "icmp") parts.push(texts[k]);
  return parts.join("\n");
}

/**
 * A tool found under `name` at `path`, from the texts probePlan asked for. Its flavour says
 * whose output the parsers should expect ("unknown" when nothing known answered); flags are
 * the options its help lists (plus -I when a busybox traceroute accepted it).
 */
export function classifyTool(name: string, path: string, texts: { [key: string]: string }): ToolInfo {
  const w = identify(name, allText(texts));
  const info: ToolInfo = { path: path, flavour: w !== undefined ? w.flavour : "unknown" };
  if (w !== undefined && w.version !== undefined) info.version = w.version;
  const help = texts["help"];
  if (helpProbe(name) !== undefined && help !== undefined) {
    const flags = helpFlags(help);
    const icmp = texts["icmp"];
    if (icmp !== undefined && flags.indexOf("-I") < 0 && icmp.length > 1 && icmp.indexOf("invalid option") < 0 && icmp.indexOf("unrecognized option") < 0) {
      flags.push("-I");
      sortStrings(flags);
    }
    info.flags = flags;
  }
  return info;
}
