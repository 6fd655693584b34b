// busybox traceroute / traceroute6: the same line grammar as Debian traceroute
// ("traceroute to h (a), 30 hops max, 46 byte packets", " 2  a  20.397 ms  b  20.474 ms").
import { parseClassicTrace } from "./parse-classic";
import { Trace } from "./types";

export function parseBusyboxTraceroute(text: string): Trace {
  return parseClassicTrace(text, "busybox");
}
