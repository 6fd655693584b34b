// Which Tstat field becomes which result column. mPlane's core registry names where they
// exist (source.ip4/ip6, destination.port, start, end, time, duration.us), the mPlane Tstat
// proxy's names for the TCP groups (packets.forward.*, source.MSS.bytes, ...), and
// miniprobe's own names (`tstat.<field>`) for the rest. Each capability reads one group.
import { Element, Prim } from "../../model/registry";

/**
 * How a field's text becomes a cell: addr (→ <name>.ip4 / <name>.ip6), nat, int (signed), real, bool
 * (0/1), str ("-" is no value), tms (epoch ms → time), ts (epoch s → time), ms2us / s2us
 * (a duration → whole microseconds).
 */
export type Conv = "addr" | "nat" | "int" | "real" | "bool" | "str" | "tms" | "ts" | "ms2us" | "s2us";

export interface Col {
  field: string;
  name: string;
  conv: Conv;
  desc?: string;
}

function c(field: string, name: string, conv: Conv, desc?: string): Col {
  const col: Col = { field: field, name: name, conv: conv };
  if (desc !== undefined) col.desc = desc;
  return col;
}

const FLOW_IDS: Col[] = [
  c("c_ip", "source", "addr"), c("c_port", "source.port", "nat"),
  c("s_ip", "destination", "addr"), c("s_port", "destination.port", "nat"),
];

/** The flow's identity and span, first in every log_tcp_complete capability. */
export const TCP_IDS: Col[] = FLOW_IDS.concat([
  c("first", "start", "tms"), c("last", "end", "tms"),
]);

/** The Core group (log level 0): counters per direction, times, classification. */
export const TCP_CORE: Col[] = [
  c("durat", "duration.us", "ms2us"),
  c("c_pkts_all", "packets.forward", "nat", "packets client → server"),
  c("c_rst_cnt", "packets.forward.rst", "nat", "client → server segments with RST"),
  c("c_ack_cnt", "packets.forward.ack", "nat", "client → server segments with ACK"),
  c("c_ack_cnt_p", "packets.forward.pure_ack", "nat", "client → server pure ACKs (no payload)"),
  c("c_bytes_uniq", "octets.forward.unique", "nat", "unique payload octets client → server"),
  c("c_pkts_data", "packets.forward.with_payload", "nat", "client → server segments with payload"),
  c("c_bytes_all", "octets.forward", "nat", "payload octets client → server, retransmissions included"),
  c("c_pkts_retx", "packets.forward.rxmit", "nat", "retransmitted segments client → server"),
  c("c_bytes_retx", "octets.forward.rxmit", "nat", "retransmitted octets client → server"),
  c("c_pkts_ooo", "packets.forward.outseq", "nat", "out-of-sequence segments client → server"),
  c("c_syn_cnt", "packets.forward.syn", "nat", "client SYN count"),
  c("c_fin_cnt", "packets.forward.fin", "nat", "client FIN count"),
  c("s_pkts_all", "packets.backward", "nat", "packets server → client"),
  c("s_rst_cnt", "packets.backward.rst", "nat"),
  c("s_ack_cnt", "packets.backward.ack", "nat"),
  c("s_ack_cnt_p", "packets.backward.pure_ack", "nat"),
  c("s_bytes_uniq", "octets.backward.unique", "nat", "unique payload octets server → client"),
  c("s_pkts_data", "packets.backward.with_payload", "nat"),
  c("s_bytes_all", "octets.backward", "nat", "payload octets server → client, retransmissions included"),
  c("s_pkts_retx", "packets.backward.rxmit", "nat"),
  c("s_bytes_retx", "octets.backward.rxmit", "nat"),
  c("s_pkts_ooo", "packets.backward.outseq", "nat"),
  c("s_syn_cnt", "packets.backward.syn", "nat"),
  c("s_fin_cnt", "packets.backward.fin", "nat"),
  c("c_first", "source.TTFP.ms", "real", "ms from flow start to the client's first payload"),
  c("s_first", "destination.TTFP.ms", "real", "ms from flow start to the server's first payload"),
  c("c_last", "source.TTLP.ms", "real", "ms from flow start to the client's last payload"),
  c("s_last", "destination.TTLP.ms", "real", "ms from flow start to the server's last payload"),
  c("c_first_ack", "source.TTFA.ms", "real", "ms from flow start to the client's first ACK"),
  c("s_first_ack", "destination.TTFA.ms", "real", "ms from flow start to the server's first ACK"),
  c("c_isint", "source.isinternal", "bool", "client inside the networks Tstat was given (-N)"),
  c("s_isint", "destination.isinternal", "bool", "server inside the networks Tstat was given (-N)"),
  c("c_iscrypto", "source.iscrypto", "bool", "client address anonymised by Tstat (absent in older Tstat)"),
  c("s_iscrypto", "destination.iscrypto", "bool"),
  c("con_t", "tstat.flow.class.conn", "nat", "Tstat connection type bitmask"),
  c("p2p_t", "tstat.flow.class.p2p", "nat", "Tstat P2P type"),
  c("http_t", "tstat.flow.class.http", "nat", "Tstat HTTP content class"),
];

/** tcplog_end_to_end: RTT between the observer and each end, and TTLs. */
export const TCP_E2E: Col[] = [
  c("c_rtt_avg", "source.rtt.ms.mean", "real", "mean RTT of client → server segments (observer ↔ server), ms"),
  c("c_rtt_min", "source.rtt.ms.min", "real"),
  c("c_rtt_max", "source.rtt.ms.max", "real"),
  c("c_rtt_std", "source.rtt.ms.stddev", "real"),
  c("c_rtt_cnt", "source.rtt.count", "nat", "RTT samples of client → server segments"),
  c("c_ttl_min", "source.ttl.min", "nat", "smallest IP TTL of client packets"),
  c("c_ttl_max", "source.ttl.max", "nat"),
  c("s_rtt_avg", "destination.rtt.ms.mean", "real", "mean RTT of server → client segments (observer ↔ client), ms"),
  c("s_rtt_min", "destination.rtt.ms.min", "real"),
  c("s_rtt_max", "destination.rtt.ms.max", "real"),
  c("s_rtt_std", "destination.rtt.ms.stddev", "real"),
  c("s_rtt_cnt", "destination.rtt.count", "nat"),
  c("s_ttl_min", "destination.ttl.min", "nat"),
  c("s_ttl_max", "destination.ttl.max", "nat"),
];

const OPT_FIELDS: [string, string, string][] = [
  ["f1323_opt", "RFC1323.ws", "window scale option sent (0/1)"], ["tm_opt", "RFC1323.ts", "timestamp option sent (0/1)"],
  ["win_scl", "win_scale", "window scale factor"], ["sack_opt", "SACK_set", "SACK permitted (0/1)"],
  ["sack_cnt", "SACK", "SACK blocks seen"], ["mss", "MSS.bytes", "MSS declared"],
  ["mss_max", "segment.max.bytes", "largest segment"], ["mss_min", "segment.min.bytes", "smallest segment"],
  ["win_max", "window.max.bytes", "largest receive window"], ["win_min", "window.min.bytes", "smallest receive window"],
  ["win_0", "window.zero", "zero-window segments"], ["cwin_max", "cwin.max.bytes", "largest in-flight size"],
  ["cwin_min", "cwin.min.bytes", "smallest in-flight size"], ["cwin_ini", "cwin.first.bytes", "first in-flight size"],
  ["pkts_rto", "rxmit.RTO", "retransmissions after a timeout"], ["pkts_fs", "rxmit.FR", "fast retransmissions"],
  ["pkts_reor", "reordering", "reordered segments"], ["pkts_dup", "net_dup", "network duplicates"],
  ["pkts_unk", "unknown", "out-of-sequence segments of unknown cause"], ["pkts_fc", "flow_control", "flow-control probes"],
  ["pkts_unrto", "rxmit.RTO.unnecessary", "unneeded timeout retransmissions"],
  ["pkts_unfs", "rxmit.FR.unnecessary", "unneeded fast retransmissions"], ["syn_retx", "SYN.equal_seqno", "SYNs with the same sequence number"],
];

function optionCols(): Col[] {
  const out: Col[] = [];
  for (const side of ["c", "s"]) {
    for (const f of OPT_FIELDS) {
      const who = side === "c" ? "source." : "destination.";
      // Tstat writes a negative MSS when the option was absent
      const conv: Conv = f[0] === "mss" ? "int" : "nat";
      out.push(c(side + "_" + f[0], who + f[1], conv, side === "c" ? "client: " + f[2] : undefined));
    }
  }
  return out;
}

/** tcplog_options: TCP options, windows, retransmission causes per direction. */
export const TCP_OPTIONS: Col[] = optionCols();

/** tcplog_p2p: P2P subtype and eDonkey counters. */
export const TCP_P2P: Col[] = [
  c("p2p_st", "p2p.subtype", "nat", "P2P subtype"),
  c("ed2k_data", "ed2k.data", "nat", "eDonkey data messages"),
  c("ed2k_sig", "ed2k.signaling", "nat", "eDonkey signalling messages"),
  c("ed2k_c2s", "ed2k.c2s", "nat", "eDonkey client → server messages"),
  c("ed2k_c2c", "ed2k.c2c", "nat", "eDonkey client ↔ client messages"),
  c("ed2k_chat", "ed2k.chat", "nat", "eDonkey chat messages"),
];

/** tcplog_layer7: HTTP/TLS/DNS facts about the flow's application layer. */
export const TCP_LAYER7: Col[] = [
  c("http_req_cnt", "tstat.http_req_cnt", "nat", "HTTP requests in the flow"),
  c("http_res_cnt", "tstat.http_res_cnt", "nat", "HTTP responses in the flow"),
  c("http_res", "tstat.http_res", "str", "first HTTP response code"),
  c("c_pkts_push", "source.psh_separated", "nat", "client segments with PSH"),
  c("s_pkts_push", "destination.psh_separated", "nat", "server segments with PSH"),
  c("c_tls_SNI", "ssl.hello.client", "str", "TLS SNI sent by the client"),
  c("s_tls_SCN", "ssl.hello.server", "str", "TLS certificate common name of the server"),
  c("c_npnalpn", "tstat.c_npnalpn", "nat", "NPN/ALPN offered by the client"),
  c("s_npnalpn", "tstat.s_npnalpn", "nat", "NPN/ALPN chosen by the server"),
  c("tls_session_stat", "tstat.tls_session_stat", "nat", "TLS session reuse"),
  c("c_last_handshakeT", "tstat.c_last_handshakeT", "real", "ms to the client's last TLS handshake message"),
  c("s_last_handshakeT", "tstat.s_last_handshakeT", "real"),
  c("c_appdataT", "tstat.c_appdataT", "real", "ms to the client's first TLS application data"),
  c("s_appdataT", "tstat.s_appdataT", "real"),
  c("c_appdataB", "tstat.c_appdataB", "nat", "client octets before its first TLS application data"),
  c("s_appdataB", "tstat.s_appdataB", "nat"),
  c("fqdn", "tstat.fqdn", "str", "name the client resolved for the server (DN-Hunter)"),
  c("dns_rslv", "tstat.dns_rslv", "str", "DNS resolver that answered"),
  c("req_tm", "tstat.req_tm", "tms", "time of the first HTTP request"),
  c("res_tm", "tstat.res_tm", "tms", "time of the first HTTP response"),
  c("http_hostname", "tstat.http_hostname", "str", "HTTP Host header"),
  c("c_TLSvers", "tstat.c_TLSvers", "str", "TLS version offered"),
  c("s_TLSvers", "tstat.s_TLSvers", "str", "TLS version chosen"),
  c("dns_enc", "tstat.dns_enc", "str", "DNS encryption seen"),
];

/** log_udp_complete. */
export const UDP: Col[] = FLOW_IDS.concat([
  c("c_first_abs", "start", "tms"),
  c("c_durat", "duration.us", "s2us"),
  c("c_bytes_all", "octets.forward", "nat"),
  c("c_pkts_all", "packets.forward", "nat"),
  c("c_isint", "source.isinternal", "bool"),
  c("c_iscrypto", "source.iscrypto", "bool"),
  c("c_type", "tstat.udp.type.forward", "nat", "Tstat UDP protocol class of client packets"),
  c("s_first_abs", "tstat.udp.start.backward", "tms", "time of the server's first packet"),
  c("s_durat", "tstat.udp.duration.backward.us", "s2us", "µs between the server's first and last packet"),
  c("s_bytes_all", "octets.backward", "nat"),
  c("s_pkts_all", "packets.backward", "nat"),
  c("s_isint", "destination.isinternal", "bool"),
  c("s_iscrypto", "destination.iscrypto", "bool"),
  c("s_type", "tstat.udp.type.backward", "nat", "Tstat UDP protocol class of server packets"),
  c("fqdn", "tstat.fqdn", "str"),
  c("quic_SNI", "tstat.quic_SNI", "str", "QUIC SNI"),
  c("quic_UA", "tstat.quic_UA", "str", "QUIC user agent"),
  c("quic_c_vers", "tstat.quic_c_vers", "str"),
  c("quic_s_vers", "tstat.quic_s_vers", "str"),
  c("quic_zero_rtt", "tstat.quic_zero_rtt", "bool", "QUIC 0-RTT used"),
  c("quic_ech", "tstat.quic_ech", "bool", "QUIC encrypted client hello"),
]);

/** log_http_complete: one row per request (#C#) or response (#S#). */
export const HTTP: Col[] = [
  c("time_abs", "time", "ts"),
].concat(FLOW_IDS).concat([
  c("method", "request.method", "str", "HTTP request method"),
  c("hostname", "request.hostname", "str", "Host header"),
  c("fqdn", "request.fqdn", "str", "name the client resolved for the server"),
  c("path", "request.path", "str", "request path (httplog_full_url)"),
  c("referer", "request.referer", "str"),
  c("user_agent", "request.user_agent", "str"),
  c("cookie", "request.cookie", "str"),
  c("dnt", "request.dnt", "str"),
  c("response", "response.code", "nat", "HTTP status code"),
  c("content_len", "response.content_len", "nat"),
  c("content_type", "response.content_type", "str"),
  c("server", "response.server", "str"),
  c("range", "response.content_range", "str"),
  c("location", "response.location", "str"),
  c("set_cookie", "response.set_cookie", "str"),
]);

/** The message kind column of the HTTP capability: "request" or "response". */
export const HTTP_KIND = "http.message";

/** A capability's result column names for a list of cols (addresses as .ip4 and .ip6). */
export function resultNames(cols: Col[]): string[] {
  const out: string[] = [];
  for (const col of cols) {
    if (col.conv === "addr") {
      out.push(col.name + ".ip4");
      out.push(col.name + ".ip6");
    } else out.push(col.name);
  }
  return out;
}

const CORE_NAMES = ["start", "end", "time", "duration.us", "source.port", "destination.port"];

function primOf(conv: Conv): Prim {
  if (conv === "nat" || conv === "ms2us" || conv === "s2us") return "natural";
  if (conv === "real" || conv === "int") return "real";
  if (conv === "bool") return "boolean";
  if (conv === "tms" || conv === "ts") return "time";
  if (conv === "addr") return "address";
  return "string";
}

/** miniprobe's own registry elements these columns use (core names left out). */
export function elementsOf(cols: Col[], into: Element[]): Element[] {
  for (const col of cols) {
    if (col.conv === "addr" || CORE_NAMES.indexOf(col.name) >= 0) continue;
    let have = false;
    for (const e of into) if (e.name === col.name) have = true;
    if (have) continue;
    const e: Element = { name: col.name, prim: primOf(col.conv) };
    if (col.desc !== undefined) e.desc = col.desc;
    else e.desc = "Tstat " + col.field;
    into.push(e);
  }
  return into;
}
