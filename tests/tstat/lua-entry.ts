// A small Lua entry for the tstat end-to-end test (until the CLI passes device options):
// `lua5.1 tstat-e2e.lua OPTIONS_JSON LABEL START_MS END_MS` runs one tstat specification on
// the Lua host and prints {"columns":[...],"rows":[[...]...]} or {"error":"..."}.
import { args, createHost, runLoop } from "../../targets/lua/host";
import { Cancel } from "../../core/cancel";
import { tstat } from "../../core/measurements/tstat/index";
import { allTemplates } from "../../core/measurements/tstat/capabilities";
import { JsonObject, JsonValue, parseJson, writeJson } from "../../core/util/json";
import { asProbeError } from "../../core/util/errors";
import { Variant } from "../../core/measurements/types";

const host = createHost();
const a = args();
const opts = parseJson(a[0]) as JsonObject;
const options: { [k: string]: string } = {};
for (const k of Object.keys(opts)) options[k] = opts[k] as string;
const label = a[1];
let variant: Variant = {};
for (const t of allTemplates()) if (t.label === label && t.variant !== undefined) variant = t.variant;
const cancel = new Cancel();
const startMs = Number(a[2]);
const endMs = Number(a[3]);
const params: { [k: string]: string } = {};
params["tstat.rows.max"] = "100000";
tstat.run({
  host: host,
  device: { host: host, tools: host.tools, options: options, probeId: "lua" },
  variant: variant,
  label: label,
  params: params,
  run: { startMs: startMs, endMs: endMs },
  deadlineMono: host.mono() + endMs - startMs + 60000,
  stopped: () => cancel.cancelled,
  cancel: cancel,
  log: () => undefined,
}).then(
  (t) => {
    const rows: JsonValue[] = [];
    for (const r of t.rows) {
      const row: JsonValue[] = [];
      for (const c of r) row.push(c);
      rows.push(row);
    }
    const cols: JsonValue[] = [];
    for (const c of t.columns) cols.push(c);
    host.write(writeJson({ columns: cols, rows: rows }) + "\n");
  },
  (e) => host.write(writeJson({ error: asProbeError(e).message }) + "\n"),
);
runLoop();
