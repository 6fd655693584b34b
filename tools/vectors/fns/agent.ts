import { JsonObject, JsonValue } from "../../../core/util/json";
import { AgentConfig, parseConfig } from "../../../core/agent/config";
import { readUciConfig } from "../../../core/agent/uci";
import { adler32, base64Decode, base64Encode } from "../../../core/util/base64";
import { decodeRecord, encodeRecord } from "../../../core/agent/queue";
import { JSON_NULL } from "../../../core/util/json";
import { VectorFn } from "./types";

function sorted(m: { [k: string]: string }): JsonObject {
  const keys = Object.keys(m);
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const o: JsonObject = {};
  for (const k of keys) o[k] = m[k];
  return o;
}

/** The parsed configuration as canonical JSON (sorted maps; absent fields left out). */
function configJson(c: AgentConfig): JsonObject {
  const o: JsonObject = {
    brokers: c.brokers, prefix: c.prefix, queueStore: c.queueStore, queueMaxBytes: c.queueMaxBytes, queueMaxCount: c.queueMaxCount,
    concurrency: c.concurrency, tools: sorted(c.tools), logLevel: c.logLevel, statusIntervalS: c.statusIntervalS,
    keepaliveS: c.keepaliveS, options: sorted(c.options),
  };
  const tls: JsonObject = {};
  if (c.tls.caFile !== undefined) tls["caFile"] = c.tls.caFile;
  if (c.tls.certFile !== undefined) tls["certFile"] = c.tls.certFile;
  if (c.tls.keyFile !== undefined) tls["keyFile"] = c.tls.keyFile;
  o["tls"] = tls;
  if (c.username !== undefined) o["username"] = c.username;
  if (c.password !== undefined) o["password"] = c.password;
  if (c.probeId !== undefined) o["probeId"] = c.probeId;
  if (c.queueDir !== undefined) o["queueDir"] = c.queueDir;
  if (c.registryUrl !== undefined) o["registryUrl"] = c.registryUrl;
  return o;
}

/** Bytes given as a list of numbers, so non-UTF-8 bytes travel in JSON vectors. */
function bytesOf(v: JsonValue): string {
  const parts: string[] = [];
  for (const b of v as number[]) parts.push(String.fromCharCode(b));
  return parts.join("");
}

function numbersOf(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

export const fns: { [name: string]: VectorFn } = {
  "agent.config": (i) => configJson(parseConfig(i as string)),
  "agent.uci": (i) => configJson(readUciConfig(i as string)),
  "base64.encode": (i) => base64Encode(bytesOf(i)),
  "base64.decode": (i) => numbersOf(base64Decode(i as string)),
  "adler32": (i) => adler32(bytesOf(i)),
  "queue.record": (i) => {
    const o = i as JsonObject;
    const line = encodeRecord(o["seq"] as number, bytesOf(o["bytes"]));
    const back = decodeRecord(line.substring(0, line.length - 1));
    return { line: line, back: back === undefined ? JSON_NULL : { seq: back.seq, bytes: numbersOf(back.data) } };
  },
  "queue.decode": (i) => {
    const r = decodeRecord(i as string);
    return r === undefined ? JSON_NULL : { seq: r.seq, bytes: numbersOf(r.data) };
  },
};
