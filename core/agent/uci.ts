// OpenWrt's UCI configuration (/etc/config/miniprobe) read by the probe itself, so the
// mapping from router options to the agent's configuration lives in one place, pinned by
// vectors on every runtime, and the init script only names the file. The syntax is uci's
// own: `config <type> ['<name>']`, `option <key> '<value>'`, `list <key> '<value>'`, quotes
// single or double or none, `#` comments.
import { ProbeError } from "../util/errors";
import { JsonObject, JsonValue } from "../util/json";
import { fmtNum, parseNum } from "../util/num";
import { AgentConfig, readConfig } from "./config";

export interface UciSection {
  type: string;
  name: string;
  options: { [key: string]: string };
  lists: { [key: string]: string[] };
}

export const MAX_UCI_BYTES = 65536;

function unquote(word: string, line: number): string {
  const q = word.substring(0, 1);
  if (q === "'" || q === "\"") {
    if (word.length < 2 || word.substring(word.length - 1) !== q) throw new ProbeError("EUCI", "unterminated quote on line " + fmtNum(line));
    return word.substring(1, word.length - 1);
  }
  return word;
}

/** The words of a line: keyword, key, and the rest as one (possibly quoted) value. */
function splitLine(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && out.length < 2) {
    while (i < n && (text.substring(i, i + 1) === " " || text.substring(i, i + 1) === "\t")) i = i + 1;
    let j = i;
    while (j < n && text.substring(j, j + 1) !== " " && text.substring(j, j + 1) !== "\t") j = j + 1;
    if (j > i) out.push(text.substring(i, j));
    i = j;
  }
  const rest = text.substring(i).trim();
  if (rest.length > 0) out.push(rest);
  return out;
}

export function parseUci(text: string): UciSection[] {
  if (text.length > MAX_UCI_BYTES) throw new ProbeError("ETOOBIG", "UCI file larger than " + fmtNum(MAX_UCI_BYTES) + " bytes");
  const sections: UciSection[] = [];
  let cur: UciSection | undefined;
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw.length === 0 || raw.substring(0, 1) === "#") continue;
    const w = splitLine(raw);
    const kw = w[0];
    if (kw === "package") continue;
    if (kw === "config") {
      if (w.length < 2) throw new ProbeError("EUCI", "config without a type on line " + fmtNum(k + 1));
      cur = { type: unquote(w[1], k + 1), name: w.length > 2 ? unquote(w[2], k + 1) : "", options: {}, lists: {} };
      sections.push(cur);
    } else if (kw === "option" || kw === "list") {
      if (cur === undefined) throw new ProbeError("EUCI", kw + " before any config section on line " + fmtNum(k + 1));
      if (w.length < 3) throw new ProbeError("EUCI", kw + " without a value on line " + fmtNum(k + 1));
      const key = unquote(w[1], k + 1);
      const value = unquote(w[2], k + 1);
      if (kw === "option") cur.options[key] = value;
      else {
        const l = cur.lists[key];
        if (l === undefined) cur.lists[key] = [value];
        else l.push(value);
      }
    } else throw new ProbeError("EUCI", "unknown keyword '" + kw + "' on line " + fmtNum(k + 1));
  }
  return sections;
}

/** UCI option name → agent config key, and whether it is a number. */
const MAP: { [uci: string]: [string, boolean] } = {
  probe_id: ["probeId", false],
  username: ["username", false],
  password: ["password", false],
  prefix: ["prefix", false],
  queue_dir: ["queueDir", false],
  queue_store: ["queueStore", false],
  queue_max_bytes: ["queueMaxBytes", true],
  queue_max_count: ["queueMaxCount", true],
  concurrency: ["concurrency", true],
  registry_url: ["registryUrl", false],
  log_level: ["logLevel", false],
  status_interval: ["statusIntervalS", true],
  keepalive: ["keepaliveS", true],
};

/** Options of the `miniprobe` section that the init script reads itself. */
const INIT_ONLY = ["enabled", "runtime", "user"];

function num(v: string, key: string): number {
  const n = parseNum(v);
  if (n === undefined) throw new ProbeError("ECONFIG", "'" + v + "' is not a number", key);
  return n;
}

/**
 * The agent configuration from UCI: section `config miniprobe 'main'` for the agent,
 * `config tls` (ca, cert, key), `config tools` (name → path), `config tstat` / `config ott`
 * (measurement options). Unknown options are errors naming them, as in the JSON file.
 */
export function uciToConfigJson(sections: UciSection[]): JsonObject {
  const out: JsonObject = {};
  for (const s of sections) {
    if (s.type === "miniprobe") {
      const brokers: JsonValue[] = [];
      const l = s.lists["broker"];
      if (l !== undefined) for (const b of l) brokers.push(b);
      for (const key of Object.keys(s.options)) {
        const v = s.options[key];
        if (key === "broker") brokers.push(v);
        else if (INIT_ONLY.indexOf(key) >= 0) continue;
        else {
          const m = MAP[key];
          if (m === undefined) throw new ProbeError("ECONFIG", "unknown option", "miniprobe." + key);
          out[m[0]] = m[1] ? num(v, "miniprobe." + key) : v;
        }
      }
      for (const key of Object.keys(s.lists)) if (key !== "broker") throw new ProbeError("ECONFIG", "unknown list", "miniprobe." + key);
      if (brokers.length > 0) out["broker"] = brokers;
    } else if (s.type === "tls") {
      const t: JsonObject = {};
      for (const key of Object.keys(s.options)) t[key] = s.options[key];
      out["tls"] = t;
    } else if (s.type === "tools" || s.type === "tstat" || s.type === "ott") {
      const t: JsonObject = {};
      for (const key of Object.keys(s.options)) t[key] = s.options[key];
      out[s.type] = t;
    } else throw new ProbeError("ECONFIG", "unknown section type", s.type);
  }
  return out;
}

export function readUciConfig(text: string): AgentConfig {
  return readConfig(uciToConfigJson(parseUci(text)));
}
