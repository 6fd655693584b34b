// Which of the device's tools pings a family.
import { ToolSet } from "../../host";
import { ToolRef } from "../target";

const PING_FLAVOURS = ["iputils", "busybox", "toybox"];

/** The tool named `name` when it is a ping this module can parse. */
export function usable(tools: ToolSet, name: string): ToolRef | undefined {
  const t = tools[name];
  if (t === undefined || PING_FLAVOURS.indexOf(t.flavour) < 0) return undefined;
  const ref: ToolRef = { name: name, path: t.path, flavour: t.flavour };
  if (t.version !== undefined) ref.version = t.version;
  if (t.flags !== undefined) ref.flags = t.flags;
  return ref;
}

/** The tool that pings `family` on this device: ping (with -6 when it has it), else ping6. */
export function pingTool(tools: ToolSet, family: number): ToolRef | undefined {
  const p = usable(tools, "ping");
  if (family === 4) return p;
  if (p !== undefined && (p.flags === undefined || p.flags.indexOf("-6") >= 0)) return p;
  const p6 = usable(tools, "ping6");
  if (p6 !== undefined) return p6;
  return undefined;
}
