// `miniprobe` — the operator's command line, talking to the collector's HTTP API.
// Exit codes: 0 ok; 1 collector unreachable or failed; 2 the probe refused or failed the
// specification; 3 timed out waiting; 4 no such probe/specification; 64 bad usage.
import { Command, CommanderError, Option } from "commander";
import { addMosquittoProbe } from "../collector/mosquitto-files.ts";
import { Api, CliError, EXIT } from "./api.ts";
import { ago, table } from "./table.ts";

interface Out {
  write(s: string): void;
  err(s: string): void;
  tty: boolean;
}

const stdOut: Out = { write: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true };

function kv(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new CliError(`'${p}' is not key=value`, EXIT.USAGE);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "*";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
  return String(v);
}

function resultTable(rows: { probe: string; seq: number; label: string; time: number; values: Record<string, unknown> }[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const c of Object.keys(r.values)) if (!cols.includes(c)) cols.push(c);
  return table(["time", "probe", "seq", "label", ...cols], rows.map((r) => [new Date(r.time).toISOString(), r.probe, r.seq, r.label, ...cols.map((c) => cellText(r.values[c]))]));
}

export function program(out: Out = stdOut): Command {
  const p = new Command("miniprobe")
    .description("miniprobe: talk to the collector (probes, capabilities, run, results, interrupt, probe add)\nexit codes: 0 ok, 1 collector error, 2 refused by the probe, 3 timeout, 4 not found, 64 usage")
    .addOption(new Option("--url <url>", "collector URL").env("MINIPROBE_URL").default("http://127.0.0.1:8080"))
    .addOption(new Option("--token <token>", "API bearer token").env("MINIPROBE_API_TOKEN"))
    .option("--json", "machine-readable JSON output")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => out.err(s) });
  const api = () => new Api(p.opts().url as string, p.opts().token as string | undefined);
  const json = () => p.opts().json === true;
  const emit = (v: unknown) => out.write(JSON.stringify(v, null, 2) + "\n");

  p.command("probes").description("list probes with their state, last report and queue").action(async () => {
    const r = await api().get("/api/probes");
    if (json()) return emit(r.probes);
    out.write(table(["probe", "state", "last seen", "last measurement", "queue", "dropped", "rejected", "reports"],
      r.probes.map((x: any) => [x.id, x.state, ago(x.lastSeen), ago(x.lastMeasurement), x.queueDepth, x.dropped, x.rejected, x.reports])));
  });

  p.command("capabilities").argument("<probe>").description("what a probe can measure").action(async (probe: string) => {
    const r = await api().get("/api/probes/" + encodeURIComponent(probe));
    if (json()) return emit(r.capabilities);
    out.write(table(["label", "when", "parameters"], r.capabilities.map((c: any) => [c.label, c.when, Object.entries(c.parameters).map(([k, v]) => `${k}=${v}`).join(" ")])));
  });

  p.command("run")
    .argument("<probe>")
    .argument("<capability>", "capability label or schema")
    .argument("[params...]", "parameters as key=value")
    .option("--when <scope>", "mPlane temporal scope, e.g. \"now + 5m / 30s\" (default: one short run)")
    .option("--no-wait", "return once the specification is sent")
    .option("--timeout <s>", "seconds to wait for the first result", "120")
    .description("send a specification to a probe and wait for its result")
    .action(async (probe: string, capability: string, params: string[], o: { when?: string; wait: boolean; timeout: string }) => {
      const a = api();
      const spec = await a.post("/api/specifications", { probe, capability, parameters: kv(params), when: o.when });
      if (!o.wait) return json() ? emit(spec) : out.write(spec.token + "\n");
      const timeoutMs = Number(o.timeout) * 1000;
      if (!(timeoutMs > 0)) throw new CliError("--timeout must be a positive number of seconds", EXIT.USAGE);
      const end = Date.now() + timeoutMs;
      const spin = "|/-\\";
      let last = "";
      let s = spec;
      for (let i = 0; Date.now() < end; i++) {
        s = await a.get("/api/specifications/" + spec.token);
        const line = `${probe} ${s.label} ${s.token.slice(0, 8)}: ${s.state}${s.results ? ", " + s.results + " result(s)" : ""}`;
        if (out.tty) out.err(`\r${spin[i % 4]} ${line}   `);
        else if (line !== last) out.err(line + "\n");
        last = line;
        if (s.results > 0 || ["refused", "failed", "interrupted"].includes(s.state)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (out.tty) out.err("\n");
      if (s.state === "refused" || s.state === "failed") {
        if (json()) emit(s);
        throw new CliError(`${probe} ${s.state} the specification: ${s.message ?? "no reason given"}`, EXIT.REFUSED);
      }
      if (s.results === 0) throw new CliError(`no result within ${o.timeout}s (state ${s.state}; token ${s.token})`, EXIT.TIMEOUT);
      const rows = (await a.get("/api/results?order=asc&token=" + s.token)).results;
      if (json()) return emit({ specification: s, results: rows });
      out.write(resultTable(rows));
    });

  p.command("results")
    .argument("<probe>")
    .option("--label <label>", "only this capability label")
    .option("--schema <schema>", "only this capability schema")
    .option("--since <time>", "from this time (ISO 8601, ms, or a duration ago: 15m, 2h)")
    .option("--until <time>", "up to this time")
    .option("--limit <n>", "at most this many rows", "100")
    .option("--csv", "CSV")
    .option("--mplane", "mPlane JSON result messages")
    .description("stored results of a probe, newest first")
    .action(async (probe: string, o: { label?: string; schema?: string; since?: string; until?: string; limit: string; csv?: boolean; mplane?: boolean }) => {
      const q = new URLSearchParams({ probe, limit: o.limit });
      for (const k of ["label", "schema", "since", "until"] as const) if (o[k] !== undefined) q.set(k, o[k] as string);
      if (o.csv || o.mplane) {
        q.set("format", o.csv ? "csv" : "mplane");
        const r = await api().request("GET", "/api/results?" + q.toString());
        return out.write(r.text.endsWith("\n") ? r.text : r.text + "\n");
      }
      const r = await api().get("/api/results?" + q.toString());
      if (json()) return emit(r.results);
      if (r.results.length === 0) return out.err(`no results for ${probe}\n`);
      out.write(resultTable(r.results));
    });

  p.command("interrupt").argument("<token>").description("stop a running specification").action(async (token: string) => {
    const s = await api().post("/api/specifications/" + encodeURIComponent(token) + "/interrupt");
    if (json()) return emit(s);
    out.write(`${s.token} ${s.state}\n`);
  });

  const probeCmd = p.command("probe").description("manage probes (`miniprobe probe --help`); other arguments run the local probe");
  probeCmd
    .command("add")
    .argument("<id>", "probe id: letters, digits, . _ -")
    .option("--mosquitto-passwd <file>", "also add the probe to this mosquitto password file")
    .option("--mosquitto-acl <file>", "and its topics to this mosquitto ACL file")
    .option("--prefix <prefix>", "topic prefix for the ACL", "miniprobe")
    .description("create credentials for a probe and print its configuration (JSON for the agent's --config)")
    .action(async (id: string, o: { mosquittoPasswd?: string; mosquittoAcl?: string; prefix: string }) => {
      if ((o.mosquittoPasswd === undefined) !== (o.mosquittoAcl === undefined)) throw new CliError("--mosquitto-passwd and --mosquitto-acl go together", EXIT.USAGE);
      const cfg = await api().post("/api/probes", { id });
      if (o.mosquittoPasswd !== undefined && o.mosquittoAcl !== undefined) {
        addMosquittoProbe({ passwd: o.mosquittoPasswd, acl: o.mosquittoAcl }, cfg.prefix ?? o.prefix, id, cfg.password);
        out.err(`added ${id} to ${o.mosquittoPasswd} and ${o.mosquittoAcl}; reload mosquitto (SIGHUP) to apply\n`);
      }
      emit(cfg);
    });
  return p;
}

export async function main(argv: string[], out: Out = stdOut): Promise<number> {
  const p = program(out);
  try {
    await p.parseAsync(argv, { from: "user" });
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (e instanceof CliError) {
      out.err("miniprobe: " + e.message + "\n");
      return e.code;
    }
    out.err("miniprobe: " + (e as Error).message + "\n");
    return EXIT.ERROR;
  }
}
