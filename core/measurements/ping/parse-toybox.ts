// toybox ping (Android's userland): "Ping h (a): 56(84) bytes.", "64 bytes from a:
// icmp_seq=1 ttl=64 time=0 ms" (whole milliseconds), "N packets transmitted, N received,
// N% packet loss", "round-trip min/avg/max = 0/0/0 ms", local failures as "ping: ...".
// toybox 0.8.9 with -q prints nothing at all: that input is an EEMPTY error.
import { parseClassicPing } from "./parse-classic";
import { PingRun } from "./types";

export function parseToyboxPing(text: string): PingRun {
  return parseClassicPing(text, "toybox");
}
