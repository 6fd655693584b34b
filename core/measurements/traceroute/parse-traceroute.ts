// Debian's traceroute 2.1 ("traceroute to h (a), 30 hops max, 60 byte packets"): one line
// per TTL, several addresses per line under ECMP (an address is printed when it differs
// from the previous answered probe of the line), "*" for a timeout, flags after an RTT:
// !H !N !P !X !S !F-<mtu> !V !C !<num>; names as "name (addr)" unless -n.
import { parseClassicTrace } from "./parse-classic";
import { Trace } from "./types";

export function parseTraceroute(text: string): Trace {
  return parseClassicTrace(text, "traceroute");
}
