/// <reference path="./qjs.d.ts" />
// Where the QuickJS host's programs are (host.tools): found on PATH, never run here —
// core/tools asks each what it is (one classification for every host).
import * as os from "os";
import type { ToolInfo, ToolSet } from "../../core/host";
import { basename, which } from "./sys";


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
    // What each program is, and what it accepts, core/tools asks (one classification for
    // every host); the host only says where it is. curl's name is enough for the HTTP client.
    else if (name === "curl") info = { path, flavour: "curl" };
    else if (name === "ping" || name === "ping6" || name === "traceroute" || name === "traceroute6") info = { path, flavour: "unknown" };
    else info = { path, flavour: name };
    tools[name] = info;
  }
  return tools;
}
