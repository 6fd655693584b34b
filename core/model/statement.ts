// mPlane messages (protocol version 1) read from and written to JSON exactly as the
// reference implementation writes them: every value a string, times
// "YYYY-MM-DD HH:MM:SS.ffffff", tokens 32 hex digits. Readers also accept JSON numbers
// and booleans where strings are expected.
import { ProbeError } from "../util/errors";
import { digest128 } from "../util/hash";
import { JsonObject, JsonValue, isJsonObject, writeJson } from "../util/json";
import { fmtNum } from "../util/num";

export type StatementKind =
  | "capability"
  | "specification"
  | "result"
  | "receipt"
  | "redemption"
  | "interrupt"
  | "withdrawal"
  | "indirection";

const KINDS: StatementKind[] = [
  "capability", "specification", "result", "receipt", "redemption", "interrupt", "withdrawal", "indirection",
];

export interface Statement {
  kind: StatementKind;
  verb: string;
  version: number;
  registry: string;
  label?: string;
  token?: string;
  when?: string;
  parameters: { [name: string]: string };
  metadata: { [name: string]: string };
  results: string[];
  resultvalues?: string[][];
  link?: string;
  export?: string;
}

export interface MplaneException {
  kind: "exception";
  token: string;
  message: string;
}

export interface Envelope {
  kind: "envelope";
  /** "message" | "statement" | "notification" */
  envelope: string;
  contents: Message[];
  label?: string;
  token?: string;
}

export type Message = Statement | MplaneException | Envelope;

export const OBJECT_KEYS = ["parameters", "metadata"];

function bad(msg: string, field?: string): never {
  throw new ProbeError("EMESSAGE", msg, field);
}

/** A scalar as mPlane text: strings as they are, numbers canonical, booleans True/False. */
export function valueText(v: JsonValue, where: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return fmtNum(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  return bad("must be a string or number", where);
}

function textMap(v: JsonValue | undefined, where: string): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  if (v === undefined) return out;
  if (Array.isArray(v) && v.length === 0) return out; // an empty table reads as [] on Lua
  if (!isJsonObject(v)) bad("must be an object", where);
  for (const k of Object.keys(v)) out[k] = valueText(v[k], where + "." + k);
  return out;
}

function textList(v: JsonValue | undefined, where: string): string[] {
  const out: string[] = [];
  if (v === undefined) return out;
  // Lua cannot tell {} from [] once parsed: an empty object is an empty list on every runtime.
  if (isJsonObject(v) && Object.keys(v).length === 0) return out;
  if (!Array.isArray(v)) bad("must be a list", where);
  for (const x of v) out.push(valueText(x, where));
  return out;
}

function optText(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return v === undefined ? undefined : valueText(v, key);
}

export function readMessage(v: JsonValue): Message {
  if (!isJsonObject(v)) bad("an mPlane message must be a JSON object");
  if (v["envelope"] !== undefined) {
    const contents: Message[] = [];
    const raw = v["contents"];
    if (raw !== undefined && !Array.isArray(raw)) bad("must be a list", "contents");
    if (raw !== undefined) for (const c of raw as JsonValue[]) contents.push(readMessage(c));
    const env: Envelope = { kind: "envelope", envelope: valueText(v["envelope"], "envelope"), contents: contents };
    const label = optText(v, "label");
    if (label !== undefined) env.label = label;
    const token = optText(v, "token");
    if (token !== undefined) env.token = token;
    return env;
  }
  if (v["exception"] !== undefined) {
    const msg = v["message"];
    return { kind: "exception", token: valueText(v["exception"], "exception"), message: msg === undefined ? "" : valueText(msg, "message") };
  }
  let kind: StatementKind | undefined;
  for (const k of KINDS) if (v[k] !== undefined) kind = k;
  if (kind === undefined) bad("not an mPlane message: no capability/specification/result/receipt/... key");
  const version = v["version"];
  if (version !== undefined && version !== 1 && version !== "1") bad("unsupported protocol version", "version");
  const st: Statement = {
    kind: kind,
    verb: valueText(v[kind], kind),
    version: 1,
    registry: v["registry"] === undefined ? "http://ict-mplane.eu/registry/core" : valueText(v["registry"], "registry"),
    parameters: textMap(v["parameters"], "parameters"),
    metadata: textMap(v["metadata"], "metadata"),
    results: textList(v["results"], "results"),
  };
  const label = optText(v, "label");
  if (label !== undefined) st.label = label;
  const token = optText(v, "token");
  if (token !== undefined) st.token = token;
  const when = optText(v, "when");
  if (when !== undefined) st.when = when;
  const link = optText(v, "link");
  if (link !== undefined) st.link = link;
  const exp = optText(v, "export");
  if (exp !== undefined) st.export = exp;
  const rv = v["resultvalues"];
  if (rv !== undefined) {
    if (!Array.isArray(rv)) bad("must be a list of rows", "resultvalues");
    const rows: string[][] = [];
    for (const row of rv) rows.push(textList(row, "resultvalues"));
    st.resultvalues = rows;
  }
  return st;
}

export function messageToJson(m: Message): JsonObject {
  if (m.kind === "exception") return { exception: m.token, message: m.message };
  if (m.kind === "envelope") {
    const contents: JsonValue[] = [];
    for (const c of m.contents) contents.push(messageToJson(c));
    const o: JsonObject = { envelope: m.envelope, version: 1, contents: contents };
    if (m.label !== undefined) o["label"] = m.label;
    if (m.token !== undefined) o["token"] = m.token;
    return o;
  }
  const o: JsonObject = { version: 1, registry: m.registry, parameters: m.parameters, results: m.results };
  o[m.kind] = m.verb;
  if (m.label !== undefined) o["label"] = m.label;
  if (m.token !== undefined) o["token"] = m.token;
  if (m.when !== undefined) o["when"] = m.when;
  if (Object.keys(m.metadata).length > 0) o["metadata"] = m.metadata;
  if (m.link !== undefined) o["link"] = m.link;
  if (m.export !== undefined) o["export"] = m.export;
  if (m.resultvalues !== undefined) o["resultvalues"] = m.resultvalues;
  return o;
}

export function writeMessage(m: Message, indent?: number): string {
  return writeJson(messageToJson(m), { objectKeys: OBJECT_KEYS, indent: indent });
}

/** A token from the statement's content (as the RI does): same content, same token. */
export function contentToken(st: Statement): string {
  const copy: Statement = {
    kind: st.kind, verb: st.verb, version: 1, registry: st.registry, parameters: st.parameters,
    metadata: st.metadata, results: st.results,
  };
  if (st.label !== undefined) copy.label = st.label;
  if (st.when !== undefined) copy.when = st.when;
  return digest128(writeMessage(copy));
}

/** A copy of `st` as another kind of statement (specification → receipt, result ...). */
export function derive(st: Statement, kind: StatementKind): Statement {
  const params: { [name: string]: string } = {};
  for (const k of Object.keys(st.parameters)) params[k] = st.parameters[k];
  const meta: { [name: string]: string } = {};
  for (const k of Object.keys(st.metadata)) meta[k] = st.metadata[k];
  const out: Statement = {
    kind: kind, verb: st.verb, version: 1, registry: st.registry, parameters: params, metadata: meta,
    results: st.results.slice(),
  };
  if (st.label !== undefined) out.label = st.label;
  if (st.token !== undefined) out.token = st.token;
  if (st.when !== undefined) out.when = st.when;
  return out;
}
