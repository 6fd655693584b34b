// The probe's command line, the same on every runtime:
//   --capabilities        this device's capabilities as one mPlane envelope
//   --registry            miniprobe's element registry (mPlane registry format)
//   --once FILE|-         run one specification; print the result (exit 0) or exception (exit 2)
//   --probe-id ID, --version, --help
import { Callback, Host, HostError } from "./host";
import { Cancel } from "./cancel";
import { fmtNum } from "./util/num";
import { Agent, NO_TOKEN } from "./agent/agent";
import { measurements } from "./measurements/index";
import { discoverTools } from "./tools/discover";
import { Envelope, Message, Statement, readMessage, writeMessage } from "./model/statement";
import { ProbeError, asProbeError } from "./util/errors";
import { JsonObject, parseJson, writeJson } from "./util/json";
import { VERSION } from "./version";
import { AgentConfig, defaultConfig, parseConfig } from "./agent/config";
import { readUciConfig } from "./agent/uci";
import { probeIdOf, runDaemon } from "./agent/run-daemon";
import { recover } from "./measurements/tstat/index";

export const EXIT_OK = 0;
export const EXIT_EXCEPTION = 2;
export const EXIT_USAGE = 64;
export const EXIT_INT = 130;
export const EXIT_TERM = 143;

const USAGE = [
  "usage: miniprobe [--probe-id ID] [--tool NAME=PATH]... [--only-tools] [--registry-url URL] --capabilities | --registry | --once FILE|- | --version",
  "  --capabilities   print this device's capabilities (one mPlane envelope)",
  "  --registry       print miniprobe's element registry (mPlane registry format)",
  "  --once FILE|-    run one mPlane specification (file, or - for stdin); print the result",
  "                   (exit 0) or an mPlane exception naming the offending field (exit 2)",
  "  --probe-id ID    the probe's identity in every result's metadata (default: host name)",
  "  --tool NAME=PATH use this program for NAME (ping, traceroute, scamper, curl ...)",
  "  --only-tools     use only the --tool programs, nothing found on PATH",
  "  --registry-url URL  the registry URI capabilities name (serve --registry there)",
  "  --config FILE    the agent's configuration (JSON); alone, runs the agent (MQTT daemon)",
  "  --uci FILE       the same from an OpenWrt UCI file (/etc/config/miniprobe)",
  "  --check-config   print the configuration --config/--uci give, and exit",
  "",
].join("\n");

/** Largest specification the command line reads (file or stdin): enforced while reading. */
export const MAX_SPEC_BYTES = 1048576;

function tooBig(): ProbeError {
  return new ProbeError("ETOOBIG", "the specification is larger than " + fmtNum(MAX_SPEC_BYTES) + " bytes (the limit)");
}

function readInput(host: Host, path: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const done: Callback<string> = (err: HostError | undefined, v: string | undefined): void => {
      if (err !== undefined) reject(err.code === "ETOOBIG" ? tooBig() : new ProbeError(err.code, err.message));
      else if ((v as string).length > MAX_SPEC_BYTES) reject(tooBig());
      else resolve(v as string);
    };
    if (path !== "-") {
      host.fs.read(path, done, MAX_SPEC_BYTES);
      return;
    }
    const rd = host.readStdin;
    if (rd === undefined) {
      reject(new ProbeError("EUNSUPPORTED", "this host cannot read standard input"));
      return;
    }
    rd(done, MAX_SPEC_BYTES);
  });
}

/** The effective configuration, as --check-config prints it (the password masked). */
function configJson(c: AgentConfig, probeId: string): JsonObject {
  const o: JsonObject = {
    broker: c.brokers, probeId: probeId, prefix: c.prefix, queueStore: c.queueStore, queueMaxBytes: c.queueMaxBytes, queueMaxCount: c.queueMaxCount,
    concurrency: c.concurrency, logLevel: c.logLevel, statusIntervalS: c.statusIntervalS, keepaliveS: c.keepaliveS,
  };
  if (c.username !== undefined) o["username"] = c.username;
  if (c.password !== undefined) o["password"] = "********";
  if (c.queueDir !== undefined) o["queueDir"] = c.queueDir;
  if (c.registryUrl !== undefined) o["registryUrl"] = c.registryUrl;
  const tls: JsonObject = {};
  if (c.tls.caFile !== undefined) tls["caFile"] = c.tls.caFile;
  if (c.tls.certFile !== undefined) tls["certFile"] = c.tls.certFile;
  if (c.tls.keyFile !== undefined) tls["keyFile"] = c.tls.keyFile;
  if (c.tls.caFile !== undefined || c.tls.certFile !== undefined) o["tls"] = tls;
  const tools: JsonObject = {};
  for (const k of Object.keys(c.tools)) tools[k] = c.tools[k];
  if (Object.keys(c.tools).length > 0) o["tools"] = tools;
  const opts: JsonObject = {};
  for (const k of Object.keys(c.options)) opts[k] = c.options[k];
  if (Object.keys(c.options).length > 0) o["options"] = opts;
  return o;
}

/** The one specification in a message (or in an envelope of one). */
function specOf(m: Message): Statement {
  if (m.kind === "envelope") {
    for (const c of m.contents) if (c.kind === "specification") return c;
    throw new ProbeError("ESPEC", "the envelope holds no specification");
  }
  if (m.kind !== "specification") throw new ProbeError("ESPEC", "expected a specification, got a " + m.kind);
  return m;
}

export async function runCli(host: Host, argv: string[]): Promise<number> {
  let mode = "";
  let input = "";
  let probeId: string | undefined;
  const toolPaths: { [name: string]: string } = {};
  let registryUrl: string | undefined;
  let onlyConfigured = false;
  let configPath = "";
  let configKind = "";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--capabilities" || a === "--registry" || a === "--version" || a === "--help" || a === "-h" || a === "--check-config") mode = a;
    else if (a === "--config" || a === "--uci") {
      configKind = a;
      configPath = i + 1 < argv.length ? argv[i + 1] : "";
      if (configPath.length === 0) {
        host.log("error", a + " takes a file");
        host.write(USAGE);
        return EXIT_USAGE;
      }
      i = i + 1;
    }
    else if (a === "--once") {
      mode = a;
      input = i + 1 < argv.length ? argv[i + 1] : "";
      i = i + 1;
    } else if (a === "--tool") {
      // --tool NAME=PATH: use this program for NAME (repeatable)
      const v = i + 1 < argv.length ? argv[i + 1] : "";
      const eq = v.indexOf("=");
      if (eq <= 0 || eq === v.length - 1) {
        host.log("error", "--tool takes NAME=PATH, e.g. --tool ping=/opt/bin/ping");
        host.write(USAGE);
        return EXIT_USAGE;
      }
      toolPaths[v.substring(0, eq)] = v.substring(eq + 1);
      i = i + 1;
    } else if (a === "--only-tools") {
      onlyConfigured = true;
    } else if (a === "--registry-url") {
      registryUrl = i + 1 < argv.length ? argv[i + 1] : "";
      if (registryUrl.length === 0) {
        host.log("error", "--registry-url takes the URL where clients fetch this probe's registry");
        host.write(USAGE);
        return EXIT_USAGE;
      }
      i = i + 1;
    } else if (a === "--probe-id") {
      probeId = i + 1 < argv.length ? argv[i + 1] : "";
      i = i + 1;
    } else {
      host.log("error", "unknown argument '" + a + "'");
      host.write(USAGE);
      return EXIT_USAGE;
    }
  }
  if (mode === "--version") {
    host.write("miniprobe " + VERSION + " (" + host.info.runtime + " " + host.info.runtimeVersion + ")\n");
    return EXIT_OK;
  }
  if (mode === "" && configPath !== "") mode = "--daemon";
  if (mode === "" || mode === "--help" || mode === "-h" || (mode === "--once" && input === "")) {
    host.write(USAGE);
    return mode === "--help" || mode === "-h" ? EXIT_OK : EXIT_USAGE;
  }
  let cfg: AgentConfig = defaultConfig();
  if (configPath !== "") {
    try {
      const text = await readInput(host, configPath);
      cfg = configKind === "--uci" ? readUciConfig(text) : parseConfig(text);
    } catch (e) {
      host.log("error", configPath + ": " + asProbeError(e).message);
      return EXIT_USAGE;
    }
  }
  if (host.setLogLevel !== undefined) host.setLogLevel(cfg.logLevel as "debug" | "info" | "warn" | "error");
  // Command-line options win over the file.
  for (const k of Object.keys(cfg.tools)) if (toolPaths[k] === undefined) toolPaths[k] = cfg.tools[k];
  if (probeId === undefined && configPath !== "") probeId = probeIdOf(cfg, host);
  if (registryUrl === undefined) registryUrl = cfg.registryUrl;
  if (mode === "--check-config") {
    host.write(writeJson(configJson(cfg, probeId !== undefined ? probeId : probeIdOf(cfg, host)), { indent: 2 }) + "\n");
    return EXIT_OK;
  }
  // A signal before the measurement's own handler is in place (during tool discovery, say):
  // stop at once; host.exit kills whatever the probe started.
  if (host.onSignal !== undefined) {
    host.onSignal((sig: string) => {
      host.log("error", "stopped by SIG" + sig + " while starting");
      host.exit(sig === "INT" ? EXIT_INT : EXIT_TERM);
    });
  }
  // A Tstat runtime.conf a killed probe left edited is restored before anything else runs.
  if (mode === "--once" || mode === "--daemon") await recover(host, cfg.options, (msg) => host.log("warn", msg));
  const needTools = mode === "--capabilities" || mode === "--once" || mode === "--daemon";
  const tools = needTools ? await discoverTools(host, { paths: toolPaths, onlyConfigured: onlyConfigured }) : {};
  const agent = new Agent(host, measurements, { probeId: probeId, tools: tools, registryUrl: registryUrl, options: cfg.options, fullRegistry: mode === "--registry" });
  if (mode === "--daemon") {
    try {
      return await runDaemon(host, cfg, agent, VERSION);
    } catch (e) {
      host.log("error", asProbeError(e).message);
      return EXIT_USAGE;
    }
  }
  if (mode === "--capabilities") {
    const env: Envelope = { kind: "envelope", envelope: "message", contents: agent.capabilities() };
    host.write(writeMessage(env, 2) + "\n");
    return EXIT_OK;
  }
  if (mode === "--registry") {
    host.write(writeJson(agent.registry.document(agent.registryUrl), { indent: 2 }) + "\n");
    return EXIT_OK;
  }
  let spec: Statement;
  try {
    spec = specOf(readMessage(parseJson(await readInput(host, input))));
  } catch (e) {
    const pe = asProbeError(e);
    host.write(writeMessage({ kind: "exception", token: NO_TOKEN, message: pe.message }, 2) + "\n");
    return EXIT_EXCEPTION;
  }
  // SIGTERM/SIGINT (when the host delivers them) stop the running measurement — its
  // processes are killed through the Cancel — and end the command with 143/130.
  const cancel = new Cancel();
  let signalled = "";
  const interrupted = new Promise<number>((resolve) => {
    const on = host.onSignal;
    if (on === undefined) return;
    on((sig: string) => {
      if (signalled !== "") return;
      signalled = sig;
      cancel.cancel(sig);
      host.log("error", "stopped by SIG" + sig + ": the running measurement was cancelled");
      resolve(sig === "INT" ? EXIT_INT : EXIT_TERM);
    });
  });
  const out = await Promise.race([agent.handle(spec, cancel), interrupted]);
  if (typeof out === "number") return out;
  if (signalled !== "") return signalled === "INT" ? EXIT_INT : EXIT_TERM;
  host.write(writeMessage(out, 2) + "\n");
  return out.kind === "exception" ? EXIT_EXCEPTION : EXIT_OK;
}
