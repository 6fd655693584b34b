// Records read from ping-like tool output. Times are integer microseconds, read from the
// printed decimals digit by digit (never float-multiplied), so every runtime agrees.
// Numbers the tool printed are kept as printed (seq numbering, loss %), so a record can be
// checked against the text; derived figures come from stats.ts with explicit rounding.

export type PingTool = "busybox" | "iputils" | "toybox" | "scamper" | "fping";

/** One echo reply (or, for scamper UDP/TCP ping, the response that plays that part). */
export interface PingReply {
  /** Sequence number as the tool printed it: busybox/fping/scamper count from 0, iputils/toybox from 1. */
  seq: number;
  /** Responding address. */
  from: string;
  /** Reverse name the tool printed before the address ("server.lab.test (10.99.3.2)"). */
  fromName?: string;
  /** Round-trip time in integer microseconds, at the precision printed (iputils prints 41.0 -> 41000). */
  rttUs: number;
  /** IP TTL / hop limit of the reply. */
  ttl?: number;
  /** Reply size in bytes as printed ("64 bytes from"). */
  bytes?: number;
  /** Receive time, integer microseconds since the Unix epoch (iputils -D "[sec.usec]", scamper rx). */
  timestampUs?: number;
  /** The tool marked it a duplicate "(DUP!)"; duplicates are left out of stats. */
  dup?: boolean;
}

export type PingErrorKind =
  | "net-unreachable"
  | "host-unreachable"
  | "no-route"
  | "prohibited"
  | "port-unreachable"
  | "protocol-unreachable"
  | "frag-needed"
  | "ttl-exceeded"
  | "send-failed"
  | "resolve-failed"
  | "other";

/** An ICMP error answering a probe, or a local failure the tool reported. */
export interface PingError {
  seq?: number;
  /** Address that sent the ICMP error (absent for local failures). */
  from?: string;
  kind: PingErrorKind;
  /** The tool's own words ("Destination Host Unreachable", "sendto: Invalid argument"). */
  text: string;
}

/** The tool's own summary line, converted to integer microseconds. */
export interface PingSummary {
  minUs: number;
  avgUs: number;
  maxUs: number;
  /** iputils "mdev" or scamper "stddev": both are the population standard deviation. */
  mdevUs?: number;
}

/** One ping run towards one target. */
export interface PingRun {
  tool: PingTool;
  /** The target as the tool named it (host name or address literal). */
  target: string;
  /** Resolved address the probes went to, when printed. */
  address?: string;
  /** Source address (scamper). */
  source?: string;
  /** Probe method (scamper: icmp-echo, udp, tcp-...). */
  method?: string;
  /** ICMP payload size from the header line ("56 data bytes"). */
  payloadBytes?: number;
  /** Probes sent, from the summary ("5 packets transmitted") or the tool's count. */
  sent?: number;
  /** Replies received: the summary's figure when printed, else the non-duplicate replies seen. */
  received: number;
  /** iputils "+N errors". */
  errorCount?: number;
  /** "+N duplicates". */
  duplicates?: number;
  /** Packet loss in percent as the tool printed it (busybox rounds down to an integer). */
  lossPct?: number;
  /** iputils "time 802ms": wall time of the run in milliseconds. */
  elapsedMs?: number;
  replies: PingReply[];
  errors: PingError[];
  summary?: PingSummary;
  /** The closing statistics were present (false: output was cut short or the tool printed none). */
  complete: boolean;
}

/** fping can ping many targets at once and can list alive/unreachable targets only. */
export interface FpingResult {
  /** One run per target that has per-probe output or a summary, in order of first appearance. */
  runs: PingRun[];
  /** Targets reported alive ("x is alive", or bare lines under -a). */
  alive: string[];
  /** Targets reported unreachable ("x is unreachable", or bare lines under -u). */
  unreachable: string[];
}
