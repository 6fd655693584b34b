// probe-info: what the device is and how it is doing, read from the device itself
// (/proc on Linux). Exercises the whole path spec → run → result on every runtime.
import { ToolSet } from "../../host";
import { readFileMaybe } from "../../host-async";
import { parseNum } from "../../util/num";
import { VERSION } from "../../version";
import { Cell, Measurement, NONE, ResultTable, RunContext } from "../types";

const COLUMNS = [
  "time",
  "miniprobe.version",
  "miniprobe.runtime",
  "miniprobe.runtime.version",
  "system.arch",
  "system.uptime.s",
  "system.load.1m",
  "system.load.5m",
  "system.load.15m",
  "system.memory.total.kb",
  "system.memory.available.kb",
  "miniprobe.tools",
];

/** First whitespace-separated numbers of a /proc line. */
function numbers(text: string | undefined, count: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  const parts = text === undefined ? [] : text.split(" ");
  let k = 0;
  for (const p of parts) {
    if (k < count && p.length > 0) {
      out.push(parseNum(p.trim()));
      k = k + 1;
    }
  }
  while (out.length < count) out.push(undefined);
  return out;
}

/** A "Name:   123 kB" value of /proc/meminfo. */
export function meminfoKb(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split("\n")) {
    if (line.substring(0, key.length + 1) === key + ":") {
      const v = numbers(line.substring(key.length + 1).trim(), 1)[0];
      return v;
    }
  }
  return undefined;
}

function cell(v: number | undefined): Cell {
  return v === undefined ? NONE : v;
}

function toolList(tools: ToolSet): string {
  const names = Object.keys(tools).filter((k) => tools[k] !== undefined);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  for (const n of names) parts.push(n + "=" + (tools[n] as { flavour: string }).flavour);
  return parts.length > 0 ? parts.join(",") : NONE;
}

export const probeInfo: Measurement = {
  name: "probe-info",
  elements: () => [
    { name: "miniprobe.version", prim: "string", desc: "miniprobe release" },
    { name: "miniprobe.runtime", prim: "string", desc: "interpreter running the probe: node, quickjs, lua5.1, luajit" },
    { name: "miniprobe.runtime.version", prim: "string" },
    { name: "miniprobe.tools", prim: "string", desc: "measurement tools found on the device, name=flavour" },
    { name: "system.arch", prim: "string", desc: "CPU architecture (uname -m)" },
    { name: "system.uptime.s", prim: "real", desc: "seconds since the device booted" },
    { name: "system.load.1m", prim: "real", desc: "load average over 1 minute" },
    { name: "system.load.5m", prim: "real" },
    { name: "system.load.15m", prim: "real" },
    { name: "system.memory.total.kb", prim: "natural" },
    { name: "system.memory.available.kb", prim: "natural", desc: "MemAvailable (MemFree on old kernels)" },
  ],
  capabilities: () => [{ label: "probe-info", variant: {}, when: "now ... future", parameters: {}, results: COLUMNS }],
  run: async (ctx: RunContext): Promise<ResultTable> => {
    const host = ctx.host;
    const start = host.now();
    const uptime = await readFileMaybe(host, "/proc/uptime");
    const loadavg = await readFileMaybe(host, "/proc/loadavg");
    const meminfo = await readFileMaybe(host, "/proc/meminfo");
    const load = numbers(loadavg, 3);
    let avail = meminfoKb(meminfo, "MemAvailable");
    if (avail === undefined) avail = meminfoKb(meminfo, "MemFree");
    const row: Cell[] = [
      start,
      VERSION,
      host.info.runtime,
      host.info.runtimeVersion,
      host.info.arch,
      cell(numbers(uptime, 1)[0]),
      cell(load[0]),
      cell(load[1]),
      cell(load[2]),
      cell(meminfoKb(meminfo, "MemTotal")),
      cell(avail),
      toolList(ctx.device.tools),
    ];
    return { columns: COLUMNS, rows: [row], startMs: start, endMs: host.now() };
  },
};
