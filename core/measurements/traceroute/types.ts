// Records read from traceroute-like tool output. RTTs are integer microseconds read digit
// by digit from the printed decimals.

export type TraceTool = "busybox" | "traceroute" | "tracepath" | "scamper";

/** One probe's outcome at a hop. No addr and no rttUs: the probe timed out ("*"). */
export interface TraceProbe {
  /** Address that answered. traceroute prints it only when it changes; it is filled in for every probe. */
  addr?: string;
  /** Reverse name printed with the address (without -n); dropped when equal to the address. */
  name?: string;
  rttUs?: number;
  /** Annotation as printed, with its "!": "!H" "!N" "!P" "!X" "!S" "!F-1500" "!<num>"; scamper's ICMP codes map to the same letters. */
  flag?: string;
  /** scamper: TTL of the reply, ICMP type/code, attempt number (probe_id), tracelb flow id. */
  replyTtl?: number;
  icmpType?: number;
  icmpCode?: number;
  attempt?: number;
  flowId?: number;
  /** tracepath: "asymm N" (reply came back over N hops) and "pmtu N" printed on the line. */
  asymm?: number;
  pmtu?: number;
}

export interface Hop {
  ttl: number;
  probes: TraceProbe[];
}

/** Distinct responding addresses of a hop, first-seen order: ECMP branches show up here. */
export interface HopAddrs {
  ttl: number;
  addrs: string[];
}

export type HaltReason =
  | "completed" // destination answered
  | "unreachable" // an ICMP unreachable (see haltFlag) ended the trace
  | "max-hops" // the hop limit was reached first
  | "gap-limit" // too many silent hops in a row (scamper)
  | "loop" // scamper saw a loop
  | "error" // the tool reported an error
  | "unknown"; // output ended with none of the above (cut short, or silent to the end)

/** A link of scamper's tracelb graph: `via` lists the hops between the two nodes that
 * scamper could not resolve into nodes, each as the set of addresses seen ("*" = none). */
export interface LbLink {
  from: string;
  to: string;
  via: string[][];
}

export interface LbGraph {
  /** Node addresses as listed (scamper omits nodes without outgoing links, e.g. the destination). */
  nodes: string[];
  links: LbLink[];
  /** Header figures as printed: nodec, linkc, probec, confidence (%). */
  nodeCount?: number;
  linkCount?: number;
  probeCount?: number;
  confidence?: number;
}

export interface Trace {
  tool: TraceTool;
  /** Target as given (name or address). */
  dst: string;
  /** Address traced to, when printed. */
  dstAddr?: string;
  /** Source address (scamper). */
  src?: string;
  /** scamper method: udp-paris, icmp-echo-paris, udp-dport, ... */
  method?: string;
  maxHops?: number;
  packetBytes?: number;
  /** tracepath: path MTU of the "Resume" (or first) line, and "back N". */
  pmtu?: number;
  backHops?: number;
  /** Hops in TTL order; a TTL appears once (tracepath's repeated lines are merged). */
  hops: Hop[];
  hopAddrs: HopAddrs[];
  reached: boolean;
  haltReason: HaltReason;
  /** The flag that halted an "unreachable" trace ("!H", "!X", "!N", ...). */
  haltFlag?: string;
  /** scamper tracelb: the load-balancer graph. */
  lb?: LbGraph;
}
