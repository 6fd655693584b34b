// Finding the device's programs, once, for every host: where each is (a configured path,
// else host.which, else — while a host has no which — the path the host listed in
// host.tools), then what it is (classify.ts asks for help/version texts; this module runs
// exactly those, with a short timeout and a small output cap, all tools at once).
// The result is a fresh ToolSet value the agent holds; nothing on the Host is changed.
import { ExecResult, Host, ToolInfo, ToolSet } from "../host";
import { exec } from "../host-async";
import { fmtNum } from "../util/num";
import { APPLET_NAMES, Probe, TOOL_NAMES, appletList, classifyTool, probePlan } from "./classify";

const PROBE_TIMEOUT_MS = 1000;
const PROBE_MAX_BYTES = 65536;
/** Rounds of probePlan per tool (version+help, then at most one follow-up). */
const MAX_ROUNDS = 3;

export interface DiscoverOptions {
  /** name → path: use this program for `name` (e.g. {"ping": "/opt/bin/ping"}), found or not. */
  paths?: { [name: string]: string };
  /** Look only at the configured paths (tests, and devices whose PATH should not count). */
  onlyConfigured?: boolean;
}

/** Where `name` is: configured, else on PATH (host.which), else what an older host listed. */
function locate(host: Host, name: string, opts: DiscoverOptions): string | undefined {
  if (opts.paths !== undefined && opts.paths[name] !== undefined) return opts.paths[name];
  if (opts.onlyConfigured === true) return undefined;
  const which = host.which;
  if (which !== undefined) return which(name);
  const listed = host.tools !== undefined ? host.tools[name] : undefined;
  return listed !== undefined ? listed.path : undefined;
}

async function output(host: Host, argv: string[]): Promise<string> {
  try {
    const r: ExecResult = await exec(host, argv, { timeoutMs: PROBE_TIMEOUT_MS, maxBytes: PROBE_MAX_BYTES });
    return r.stdout + "\n" + r.stderr;
  } catch (e) {
    return "";
  }
}

/** Runs what classify asks for `name` at `path` (as an applet when `applet`), and classifies it. */
async function probe(host: Host, name: string, path: string, applet: boolean): Promise<Probed> {
  const texts: { [key: string]: string } = {};
  const base = applet ? [path, name] : [path];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const plan: Probe[] = probePlan(name, texts);
    if (plan.length === 0) break;
    const outs = await Promise.all(plan.map((p) => output(host, base.concat(p.args))));
    for (let i = 0; i < plan.length; i++) texts[plan[i].key] = outs[i];
  }
  return { info: classifyTool(name, path, texts), texts: texts };
}

interface Probed {
  info: ToolInfo;
  texts: { [key: string]: string };
}

/**
 * The device's tools: every name in TOOL_NAMES that is configured or found, classified.
 * A multi-call binary (busybox, toybox) stands in for ping/traceroute/nc when PATH has
 * no such program and the binary lists the applet. Without host.exec, paths are listed
 * with flavour "unknown" (nothing can be asked).
 */
export async function discoverTools(host: Host, opts: DiscoverOptions = {}): Promise<ToolSet> {
  const t0 = host.mono();
  const found: { [name: string]: string } = {};
  const names: string[] = [];
  for (const n of TOOL_NAMES) names.push(n);
  if (opts.paths !== undefined) for (const n of Object.keys(opts.paths)) if (names.indexOf(n) < 0) names.push(n);
  for (const n of names) {
    const p = locate(host, n, opts);
    if (p !== undefined && p.length > 0) found[n] = p;
  }
  const tools: ToolSet = {};
  if (host.exec === undefined) {
    for (const n of names) if (found[n] !== undefined) tools[n] = { path: found[n], flavour: "unknown" };
    return tools;
  }
  // Multi-call binaries first: their applet lists decide which names they fill in.
  const applets: { [name: string]: string } = {};
  for (const mc of ["busybox", "toybox"]) {
    const p = found[mc];
    if (p === undefined) continue;
    const pr = await probe(host, mc, p, false);
    if (pr.info.flavour !== mc) continue;
    tools[mc] = pr.info;
    const list = appletList(pr.texts["list"] !== undefined ? pr.texts["list"] : "");
    for (const a of APPLET_NAMES) if (found[a] === undefined && applets[a] === undefined && list.indexOf(a) >= 0) applets[a] = p;
  }
  const todo: string[] = [];
  for (const n of names) if (tools[n] === undefined && (found[n] !== undefined || applets[n] !== undefined)) todo.push(n);
  const infos = await Promise.all(todo.map((n) => (found[n] !== undefined ? probe(host, n, found[n], false) : probe(host, n, applets[n], true))));
  for (let i = 0; i < todo.length; i++) tools[todo[i]] = infos[i].info;
  host.log("debug", "tool discovery took " + fmtNum(Math.floor(host.mono() - t0)) + " ms");
  return tools;
}
