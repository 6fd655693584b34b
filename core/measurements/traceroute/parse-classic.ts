// Classic traceroute text, shared by busybox traceroute/traceroute6 and Debian traceroute.
import { ProbeError } from "../../util/errors";
import { finishClassic, newTrace, readClassicLines } from "./common";
import { Trace, TraceTool } from "./types";
import { isBlank, splitLines } from "../../tools/text";

export function parseClassicTrace(text: string, tool: TraceTool): Trace {
  if (isBlank(text)) throw new ProbeError("EEMPTY", tool + " printed nothing");
  const t = newTrace(tool);
  if (!readClassicLines(t, splitLines(text))) throw new ProbeError("EPARSE", "no " + tool + " output recognised");
  if (t.dst === "" && t.dstAddr !== undefined) t.dst = t.dstAddr;
  return finishClassic(t);
}
