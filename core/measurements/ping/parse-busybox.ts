// busybox ping: "PING h (a): 56 data bytes", "64 bytes from a: seq=0 ttl=61 time=40.981 ms",
// "N packets transmitted, N packets received, N% packet loss" (loss rounded down to an
// integer), "round-trip min/avg/max = a/b/c ms". busybox prints nothing for ICMP errors.
import { parseClassicPing } from "./parse-classic";
import { PingRun } from "./types";

export function parseBusyboxPing(text: string): PingRun {
  return parseClassicPing(text, "busybox");
}
