// What each log capability reads and which runtime.conf switches it turns on, from its
// variant ({group, level}) — data, never the label.
import { Variant } from "../types";
import { ConfEdit } from "./conf";
import { Col, HTTP, HTTP_KIND, TCP_CORE, TCP_E2E, TCP_IDS, TCP_LAYER7, TCP_OPTIONS, TCP_P2P, UDP, resultNames } from "./columns";

export interface LogGroup {
  /** The log file's name inside an output directory. */
  log: string;
  cols: Col[];
  /** HTTP rows carry their kind (request/response) as the first cell. */
  withKind: boolean;
  /** The field that dates a row, and its unit in ms (HTTP's time_abs is in seconds). */
  timeField: string;
  timeScale: number;
  /** runtime.conf switches this capability needs on. */
  edits: ConfEdit[];
}

export const TCP_LEVELS = ["core", "end_to_end", "tcp_options", "p2p_stats", "layer7"];

function on(section: string, key: string): ConfEdit {
  return { section: section, key: key, value: "1" };
}

function tcpGroup(level: string): LogGroup | undefined {
  const edits = [on("log", "log_tcp_complete")];
  let cols: Col[];
  if (level === "core") cols = TCP_IDS.concat(TCP_CORE);
  else if (level === "end_to_end") {
    cols = TCP_IDS.concat(TCP_E2E);
    edits.push(on("options", "tcplog_end_to_end"));
  } else if (level === "tcp_options") {
    cols = TCP_IDS.concat(TCP_OPTIONS);
    edits.push(on("options", "tcplog_options"));
  } else if (level === "p2p_stats") {
    cols = TCP_IDS.concat(TCP_P2P);
    edits.push(on("options", "tcplog_p2p"));
  } else if (level === "layer7") {
    cols = TCP_IDS.concat(TCP_LAYER7);
    edits.push(on("options", "tcplog_layer7"));
  } else return undefined;
  return { log: "log_tcp_complete", cols: cols, withKind: false, timeField: "first", timeScale: 1, edits: edits };
}

/** The log group of a variant, or undefined when the variant names none. */
export function logGroupOf(v: Variant): LogGroup | undefined {
  const g = v["group"];
  if (g === "log_tcp_complete") return tcpGroup(v["level"] !== undefined ? v["level"] : "core");
  if (g === "log_udp_complete") {
    return { log: g, cols: UDP, withKind: false, timeField: "c_first_abs", timeScale: 1, edits: [on("log", g)] };
  }
  if (g === "log_http_complete") {
    return { log: g, cols: HTTP, withKind: true, timeField: "time_abs", timeScale: 1000, edits: [on("log", g)] };
  }
  return undefined;
}

/** Result columns of a log group's capability. */
export function groupResults(g: LogGroup): string[] {
  const names = resultNames(g.cols);
  if (!g.withKind) return names;
  return [HTTP_KIND].concat(names);
}
