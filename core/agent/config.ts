// The agent's configuration file (`--config FILE`, JSON; the OpenWrt init script maps UCI
// onto it). Read strictly: an unknown key or a value of the wrong type is an error naming
// the key, so a typo never silently falls back to a default on a router nobody watches.
import { ProbeError } from "../util/errors";
import { JsonObject, JsonValue, isJsonObject, parseJson } from "../util/json";
import { fmtNum } from "../util/num";

/** Largest configuration file read (it is a few hundred bytes in practice). */
export const MAX_CONFIG_BYTES = 65536;

export interface TlsFiles {
  /** PEM file of the CA(s) that signed the broker's certificate. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface AgentConfig {
  /** Broker URLs in failover order: mqtt://host:port or mqtts://host:port. */
  brokers: string[];
  username?: string;
  password?: string;
  tls: TlsFiles;
  probeId?: string;
  prefix: string;
  queueDir?: string;
  /** "file" (durable, in queueDir) or "memory" (RAM only: for a device with nowhere to write). */
  queueStore: string;
  queueMaxBytes: number;
  queueMaxCount: number;
  concurrency: number;
  /** Tool name → absolute path, overriding what PATH has (e.g. {"ping": "/opt/bin/ping"}). */
  tools: { [name: string]: string };
  registryUrl?: string;
  logLevel: string;
  /** Seconds between status republications (the watchdog's heartbeat). */
  statusIntervalS: number;
  keepaliveS: number;
  /** Device options handed to measurements as Device.options, e.g. "tstat.logDir". */
  options: { [key: string]: string };
}

/** Defaults sized for a router: a queue that fits in a few hundred KB of tmpfs or flash. */
export function defaultConfig(): AgentConfig {
  return {
    brokers: [],
    tls: {},
    prefix: "miniprobe",
    queueStore: "file",
    queueMaxBytes: 1048576,
    queueMaxCount: 10000,
    concurrency: 2,
    tools: {},
    logLevel: "info",
    statusIntervalS: 60,
    keepaliveS: 60,
    options: {},
  };
}

const LOG_LEVELS = ["debug", "info", "warn", "error"];
const QUEUE_STORES = ["file", "memory"];

function str(v: JsonValue, key: string): string {
  if (typeof v !== "string") throw new ProbeError("ECONFIG", "must be a string", key);
  return v;
}

function nonEmpty(v: JsonValue, key: string): string {
  const s = str(v, key);
  if (s.length === 0) throw new ProbeError("ECONFIG", "must not be empty", key);
  return s;
}

function natural(v: JsonValue, key: string, lo: number, hi: number): number {
  if (typeof v !== "number" || v !== Math.floor(v)) throw new ProbeError("ECONFIG", "must be a whole number", key);
  if (v < lo || v > hi) throw new ProbeError("ECONFIG", "must be within " + fmtNum(lo) + " ... " + fmtNum(hi), key);
  return v;
}

function obj(v: JsonValue, key: string): JsonObject {
  if (!isJsonObject(v)) throw new ProbeError("ECONFIG", "must be an object", key);
  return v;
}

/** mqtt://host:port or mqtts://host:port (port optional: 1883 / 8883). */
export function checkBrokerUrl(url: string, key: string): string {
  const lower = url.toLowerCase();
  let rest: string;
  if (lower.indexOf("mqtt://") === 0) rest = url.substring(7);
  else if (lower.indexOf("mqtts://") === 0) rest = url.substring(8);
  else throw new ProbeError("ECONFIG", "'" + url + "' is not an mqtt:// or mqtts:// URL", key);
  if (rest.length === 0 || rest.indexOf("/") >= 0 || rest.indexOf("@") >= 0 || rest.indexOf(" ") >= 0) {
    throw new ProbeError("ECONFIG", "'" + url + "' must be scheme://host[:port] (credentials go in username/password)", key);
  }
  return url;
}

function brokers(v: JsonValue, key: string): string[] {
  const out: string[] = [];
  if (typeof v === "string") out.push(checkBrokerUrl(v, key));
  else if (Array.isArray(v)) {
    if (v.length === 0 || v.length > 16) throw new ProbeError("ECONFIG", "must list 1 to 16 broker URLs", key);
    for (let i = 0; i < v.length; i++) out.push(checkBrokerUrl(str(v[i], key + "[" + fmtNum(i) + "]"), key + "[" + fmtNum(i) + "]"));
  } else throw new ProbeError("ECONFIG", "must be a URL or a list of URLs", key);
  return out;
}

function tls(v: JsonValue): TlsFiles {
  const o = obj(v, "tls");
  const t: TlsFiles = {};
  for (const k of Object.keys(o)) {
    const key = "tls." + k;
    if (k === "ca" || k === "caFile") t.caFile = nonEmpty(o[k], key);
    else if (k === "cert" || k === "certFile") t.certFile = nonEmpty(o[k], key);
    else if (k === "key" || k === "keyFile") t.keyFile = nonEmpty(o[k], key);
    else throw new ProbeError("ECONFIG", "unknown key", key);
  }
  if ((t.certFile === undefined) !== (t.keyFile === undefined)) throw new ProbeError("ECONFIG", "a client certificate needs both cert and key", "tls");
  return t;
}

function stringMap(v: JsonValue, key: string): { [name: string]: string } {
  const o = obj(v, key);
  const out: { [name: string]: string } = {};
  for (const k of Object.keys(o)) out[k] = nonEmpty(o[k], key + "." + k);
  return out;
}

/** Device options: nested objects flatten to dotted keys ({"tstat": {"logDir": x}} → "tstat.logDir"). */
function options(into: { [key: string]: string }, v: JsonValue, key: string, depth: number): void {
  if (depth > 4) throw new ProbeError("ECONFIG", "nested too deeply", key);
  const o = obj(v, key);
  for (const k of Object.keys(o)) {
    const val = o[k];
    const name = key + "." + k;
    if (isJsonObject(val)) options(into, val, name, depth + 1);
    else if (typeof val === "string") into[name] = val;
    else if (typeof val === "number") into[name] = fmtNum(val);
    else if (typeof val === "boolean") into[name] = val ? "true" : "false";
    else throw new ProbeError("ECONFIG", "must be a string, number, boolean or object", name);
  }
}

/** Measurement option groups a config may carry (their keys are the measurement's business). */
const OPTION_GROUPS = ["tstat", "ott", "ping", "traceroute"];

export function readConfig(v: JsonValue): AgentConfig {
  const o = obj(v, "config");
  const c = defaultConfig();
  for (const k of Object.keys(o)) {
    const val = o[k];
    if (k === "broker" || k === "brokers") c.brokers = brokers(val, k);
    else if (k === "username") c.username = str(val, k);
    else if (k === "password") c.password = str(val, k);
    else if (k === "tls") c.tls = tls(val);
    else if (k === "probeId") {
      const id = nonEmpty(val, k);
      if (id.length > 64 || id.indexOf("/") >= 0 || id.indexOf("+") >= 0 || id.indexOf("#") >= 0) {
        throw new ProbeError("ECONFIG", "must be 1 to 64 characters without '/', '+' or '#' (it is an MQTT topic level)", k);
      }
      c.probeId = id;
    } else if (k === "prefix") {
      const p = nonEmpty(val, k);
      if (p.indexOf("+") >= 0 || p.indexOf("#") >= 0) throw new ProbeError("ECONFIG", "must not contain MQTT wildcards", k);
      c.prefix = p;
    } else if (k === "queueDir") c.queueDir = nonEmpty(val, k);
    else if (k === "queueStore") {
      const q = str(val, k);
      if (QUEUE_STORES.indexOf(q) < 0) throw new ProbeError("ECONFIG", "must be one of " + QUEUE_STORES.join(", "), k);
      c.queueStore = q;
    } else if (k === "queueMaxBytes") c.queueMaxBytes = natural(val, k, 4096, 1073741824);
    else if (k === "queueMaxCount") c.queueMaxCount = natural(val, k, 1, 10000000);
    else if (k === "concurrency") c.concurrency = natural(val, k, 1, 64);
    else if (k === "tools") c.tools = stringMap(val, k);
    else if (k === "registryUrl") c.registryUrl = nonEmpty(val, k);
    else if (k === "logLevel") {
      const l = str(val, k);
      if (LOG_LEVELS.indexOf(l) < 0) throw new ProbeError("ECONFIG", "must be one of " + LOG_LEVELS.join(", "), k);
      c.logLevel = l;
    } else if (k === "statusIntervalS") c.statusIntervalS = natural(val, k, 5, 86400);
    else if (k === "keepaliveS") c.keepaliveS = natural(val, k, 5, 3600);
    else if (OPTION_GROUPS.indexOf(k) >= 0) options(c.options, val, k, 1);
    else throw new ProbeError("ECONFIG", "unknown key", k);
  }
  for (const t of Object.keys(c.tools)) {
    if (c.tools[t].substring(0, 1) !== "/") throw new ProbeError("ECONFIG", "must be an absolute path", "tools." + t);
  }
  return c;
}

export function parseConfig(text: string): AgentConfig {
  return readConfig(parseJson(text, { maxBytes: MAX_CONFIG_BYTES, maxDepth: 8 }));
}
