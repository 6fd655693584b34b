// Tstat: the runtime.conf editor, log headers and rows, output directory names, Tstat's
// printed output, the restore file and the capabilities — pure functions, JSON in and out.
import { JSON_NULL, JsonObject, JsonValue } from "../../../core/util/json";
import { ProbeError } from "../../../core/util/errors";
import { Host } from "../../../core/host";
import { ConfEdit, confSection, confValue, setConf } from "../../../core/measurements/tstat/conf";
import { formatState, parseState, unionEdits } from "../../../core/measurements/tstat/control";
import { parseHeader } from "../../../core/measurements/tstat/header";
import { groupResults, logGroupOf } from "../../../core/measurements/tstat/groups";
import { parseLog } from "../../../core/measurements/tstat/parse-log";
import { outDirTime, outDirs } from "../../../core/measurements/tstat/outdir";
import { parseTstatOutput } from "../../../core/measurements/tstat/output";
import { tstatCapabilities } from "../../../core/measurements/tstat/capabilities";
import { captureArgv } from "../../../core/measurements/tstat/capture";
import { flowMatches } from "../../../core/measurements/tstat/correlate";
import { Cell } from "../../../core/measurements/types";
import { VectorFn } from "./types";

function strs(xs: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const x of xs) out.push(x);
  return out;
}

function edits(v: JsonValue): ConfEdit[] {
  const out: ConfEdit[] = [];
  if (!Array.isArray(v)) throw new ProbeError("EINPUT", "edits must be an array");
  for (const e of v) {
    const a = e as JsonValue[];
    out.push({ section: a[0] as string, key: a[1] as string, value: a[2] as string });
  }
  return out;
}

function variant(v: JsonValue): { [k: string]: string } {
  const o = v as JsonObject;
  const out: { [k: string]: string } = {};
  for (const k of Object.keys(o)) out[k] = o[k] as string;
  return out;
}

function cellsJson(rows: Cell[][]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const r of rows) {
    const row: JsonValue[] = [];
    for (const c of r) row.push(c);
    out.push(row);
  }
  return out;
}

export const fns: { [name: string]: VectorFn } = {
  /** in {text, edits: [[section, key, value]...]} -> the edited text. */
  "tstat.conf.set": (i) => {
    const o = i as JsonObject;
    return setConf(o["text"] as string, edits(o["edits"]));
  },
  /** in {text, section, key} -> value or null. */
  "tstat.conf.value": (i) => {
    const o = i as JsonObject;
    const v = confValue(o["text"] as string, o["section"] as string, o["key"] as string);
    return v === undefined ? JSON_NULL : v;
  },
  /** in {text, section} -> [[key, value]...]. */
  "tstat.conf.section": (i) => {
    const o = i as JsonObject;
    const out: JsonValue[] = [];
    for (const kv of confSection(o["text"] as string, o["section"] as string)) out.push([kv.key, kv.value]);
    return out;
  },
  /** in [[[section, key, value]...]...] -> their union. */
  "tstat.conf.union": (i) => {
    const lists: ConfEdit[][] = [];
    for (const l of i as JsonValue[]) lists.push(edits(l));
    const out: JsonValue[] = [];
    for (const e of unionEdits(lists)) out.push([e.section, e.key, e.value]);
    return out;
  },
  /** in {conf, original} -> {text, back} (the restore file and what it gives back). */
  "tstat.state": (i) => {
    const o = i as JsonObject;
    const text = formatState(o["conf"] as string, o["original"] as string);
    const back = parseState(text);
    return { text: text, back: back === undefined ? JSON_NULL : { conf: back.conf, original: back.original } };
  },
  /** in text -> {conf, original} or null. */
  "tstat.state.parse": (i) => {
    const st = parseState(i as string);
    return st === undefined ? JSON_NULL : { conf: st.conf, original: st.original };
  },
  /** in a header line -> {tag, width, sep, columns: [[name, index]...] in index order} or null. */
  "tstat.header": (i) => {
    const h = parseHeader(i as string);
    if (h === undefined) return JSON_NULL;
    const cols: [string, number][] = [];
    h.index.forEach((v, k) => cols.push([k, v]));
    cols.sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: JsonValue[] = [];
    for (const c of cols) out.push([c[0], c[1]]);
    return { tag: h.tag, width: h.width, sep: h.sep, columns: out };
  },
  /** in {text, variant, final} -> {columns, rows, stats, pending}. */
  "tstat.parse": (i) => {
    const o = i as JsonObject;
    const g = logGroupOf(variant(o["variant"]));
    if (g === undefined) throw new ProbeError("EINPUT", "no log group for this variant");
    const r = parseLog(o["text"] as string, g, o["final"] === true);
    return {
      columns: strs(groupResults(g)), rows: cellsJson(r.rows),
      stats: { rows: r.stats.rows, malformed: r.stats.malformed, truncated: r.stats.truncated }, pending: r.pending,
    };
  },
  /** in {header, rows, repeat, variant} -> stats of parsing header + rows×repeat (the bench builds big logs in-runtime). */
  "tstat.parseRepeat": (i) => {
    const o = i as JsonObject;
    const g = logGroupOf(variant(o["variant"]));
    if (g === undefined) throw new ProbeError("EINPUT", "no log group for this variant");
    const seed: string[] = [];
    for (const r of o["rows"] as JsonValue[]) seed.push(r as string);
    const block = seed.join("\n") + "\n";
    const parts: string[] = [(o["header"] as string) + "\n"];
    const n = o["repeat"] as number;
    for (let k = 0; k < n; k++) parts.push(block);
    const r = parseLog(parts.join(""), g, true);
    let cells = 0;
    for (const row of r.rows) cells = cells + row.length;
    return { rows: r.stats.rows, malformed: r.stats.malformed, truncated: r.stats.truncated, cells: cells };
  },
  /** in names -> {dirs: output directories oldest first, times: their minute as UTC ms}. */
  "tstat.outdirs": (i) => {
    const names: string[] = [];
    for (const n of i as JsonValue[]) names.push(n as string);
    const dirs = outDirs(names);
    const times: JsonValue[] = [];
    for (const d of dirs) times.push(outDirTime(d) as number);
    return { dirs: strs(dirs), times: times };
  },
  /** in lines Tstat printed -> what they say. */
  "tstat.output": (i) => {
    const lines: string[] = [];
    for (const l of i as JsonValue[]) lines.push(l as string);
    const r = parseTstatOutput(lines);
    const out: JsonObject = { outdirs: strs(r.outdirs) };
    if (r.packets !== undefined) out["packets"] = r.packets;
    if (r.flowsTcp !== undefined) out["flowsTcp"] = r.flowsTcp;
    if (r.flowsUdp !== undefined) out["flowsUdp"] = r.flowsUdp;
    if (r.level !== undefined) out["level"] = r.level;
    if (r.iface !== undefined) out["iface"] = r.iface;
    return out;
  },
  /** in {binary, iface, logDir, conf?, netConf?} -> argv. */
  "tstat.captureArgv": (i) => {
    const o = i as JsonObject;
    return strs(captureArgv(o["binary"] as string, o["iface"] as string, o["logDir"] as string,
      typeof o["conf"] === "string" ? (o["conf"] as string) : undefined, typeof o["netConf"] === "string" ? (o["netConf"] as string) : undefined));
  },
  /** in {header, row, ip, port, startMs, endMs} -> does the flow match? */
  "tstat.flowMatches": (i) => {
    const o = i as JsonObject;
    const h = parseHeader(o["header"] as string);
    if (h === undefined) throw new ProbeError("EINPUT", "not a header");
    return flowMatches((o["row"] as string).split(h.sep), h, o["ip"] as string, o["port"] as number, o["startMs"] as number, o["endMs"] as number);
  },
  /** in {options, spawn} -> the templates the device offers (label, variant, when, parameters, results). */
  "tstat.capabilities": (i) => {
    const o = i as JsonObject;
    const spawn = o["spawn"] === true ? (): void => undefined : undefined;
    const host = { tools: {}, spawn: spawn } as unknown as Host;
    const out: JsonValue[] = [];
    for (const t of tstatCapabilities({ host: host, tools: {}, options: variant(o["options"]), probeId: "p" })) {
      const p: JsonObject = {};
      for (const k of Object.keys(t.parameters)) p[k] = t.parameters[k];
      const v: JsonObject = {};
      if (t.variant !== undefined) for (const k of Object.keys(t.variant)) v[k] = t.variant[k];
      out.push({ label: t.label, variant: v, when: t.when, parameters: p, results: strs(t.results) });
    }
    return out;
  },
};
