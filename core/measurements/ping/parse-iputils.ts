// iputils ping (Debian's /bin/ping): "PING h (a) 56(84) bytes of data.", "64 bytes from a:
// icmp_seq=1 ttl=61 time=41.0 ms", "From r icmp_seq=1 Destination Host Unreachable",
// optional "-D" "[sec.usec]" prefixes, "N packets transmitted, N received, +N errors, ..."
// and "rtt min/avg/max/mdev = ...". RTTs of single replies are printed with fewer
// decimals above 10 ms (41.0); the summary line keeps three.
// Known quirk (iputils 20221126): with -4 and a host name the header and statistics lines
// print an empty name ("PING  (10.99.3.2)"); target then falls back to the address.
import { parseClassicPing } from "./parse-classic";
import { PingRun } from "./types";

export function parseIputilsPing(text: string): PingRun {
  return parseClassicPing(text, "iputils");
}
