/// <reference path="./qjs.d.ts" />
// Tool discovery of the QuickJS host (host.tools): which programs are on PATH and whose
// output they print. Kept here until tool discovery moves into core.
import * as os from "os";
import type { ToolInfo, ToolSet } from "../../core/host";
import { basename, runSync, which } from "./sys";

function lineWith(text: string, needle: string): string {
  for (const line of text.split("\n")) if (line.indexOf(needle) >= 0) return line.trim();
  return "";
}

const TOOL_NAMES = ["ping", "ping6", "traceroute", "traceroute6", "scamper", "tstat", "busybox", "curl", "uclient-fetch"];

/** Which tools the device has and whose output they print; see targets/node/tools.ts. */
export function discoverTools(pathEnv?: string): ToolSet {
  const tools: ToolSet = {};
  for (const name of TOOL_NAMES) {
    const path = which(name, pathEnv);
    if (path === undefined) continue;
    const [real, rerr] = os.realpath(path);
    const base = basename(rerr === 0 ? real : path);
    let info: ToolInfo;
    if (base === "busybox" || base.indexOf("busybox.") === 0) info = { path, flavour: "busybox" };
    else if (base === "toybox") info = { path, flavour: "toybox" };
    else if (name === "ping" || name === "ping6") {
      const line = lineWith(runSync([path, "-V"]), "iputils");
      const words = line.split(" ");
      info = line !== "" ? { path, flavour: "iputils", version: words[words.length - 1] } : { path, flavour: "unknown" };
    } else if (name === "traceroute" || name === "traceroute6") {
      const text = runSync([path, "-V"]);
      const modern = lineWith(text, "Modern traceroute");
      const i = modern.indexOf("version ");
      if (modern !== "") info = i >= 0 ? { path, flavour: "traceroute", version: modern.slice(i + 8) } : { path, flavour: "traceroute" };
      else if (lineWith(text, "inetutils") !== "") info = { path, flavour: "inetutils" };
      else info = { path, flavour: "unknown" };
    } else if (name === "curl") {
      const words = lineWith(runSync([path, "--version"]), "curl ").split(" ");
      info = words.length > 1 ? { path, flavour: "curl", version: words[1] } : { path, flavour: "curl" };
    } else info = { path, flavour: name };
    tools[name] = info;
  }
  return tools;
}
