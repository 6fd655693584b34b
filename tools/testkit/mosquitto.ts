// A real mosquitto for tests: its own config, password file, pid file and log in a temp
// dir, listening on free loopback ports; stopped (and the dir removed) by stop(), which
// also kills an instance a test restarted as a daemon (`mosquitto -c CONF -d`, found by
// the pid file). Options add a listener that needs a user name and password, and a TLS
// listener with a CA and certificates made here by openssl.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface MosquittoOptions {
  /** Adds a listener (authPort) that refuses anyone but this user. */
  auth?: { username: string; password: string };
  /** Adds a TLS listener (tlsPort) with a CA, server and client certificates made by openssl. */
  tls?: boolean;
  /** mosquitto's log: "all" includes every packet (with its DUP flag). Default "all". */
  logTypes?: string[];
  /** Global settings added as they are (e.g. queue and in-flight limits for a bench). */
  settings?: string[];
}

export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Client certificate and key signed by the same CA. */
  clientCertFile: string;
  clientKeyFile: string;
  /** A CA that signed nothing here: trusting it must fail. */
  otherCaFile: string;
}

export interface Mosquitto {
  port: number;
  authPort?: number;
  tlsPort?: number;
  tls?: TlsFiles;
  dir: string;
  conf: string;
  pidFile: string;
  logFile: string;
  /** argv that starts this same broker again as a daemon (after a test killed it). */
  daemonArgv: string[];
  /** Pid of the running instance (from the pid file), or undefined. */
  pid(): number | undefined;
  log(): string;
  /** Kills whatever instance runs (SIGCONT first, in case a test stopped it) and removes the dir. */
  stop(): Promise<void>;
}

export function mosquittoPath(): string | undefined {
  for (const d of ["/usr/sbin", "/usr/bin", "/usr/local/sbin", ...(process.env.PATH ?? "").split(":")]) {
    const p = path.join(d, "mosquitto");
    if (d !== "" && fs.existsSync(p)) return p;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port (bounded). */
export async function waitForPort(port: number, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let i = 0; i < 1000; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "pipe" });
}

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate, and an unrelated CA. */
export function makeTlsFiles(dir: string): TlsFiles {
  const ca = (name: string) => {
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.crt`], dir);
  };
  ca("ca");
  ca("otherca");
  const leaf = (name: string, cn: string, ext: string) => {
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${cn}`, "-keyout", `${name}.key`, "-out", `${name}.csr`], dir);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.crt`], dir);
  };
  leaf("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  leaf("client", "miniprobe-client", "extendedKeyUsage=clientAuth\n");
  const p = (f: string) => path.join(dir, f);
  return { caFile: p("ca.crt"), certFile: p("server.crt"), keyFile: p("server.key"), clientCertFile: p("client.crt"), clientKeyFile: p("client.key"), otherCaFile: p("otherca.crt") };
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const bin = mosquittoPath();
  if (bin === undefined) throw new Error("mosquitto is not installed");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-mosquitto-"));
  const port = await freePort();
  const conf = path.join(dir, "mosquitto.conf");
  const pidFile = path.join(dir, "mosquitto.pid");
  const logFile = path.join(dir, "mosquitto.log");
  const lines = [
    "per_listener_settings true",
    // As root, mosquitto drops to user "mosquitto", who cannot write into our 0700 temp dir.
    ...(process.getuid?.() === 0 ? ["user root"] : []),
    `pid_file ${pidFile}`,
    "persistence false",
    `log_dest file ${logFile}`,
    ...(opts.logTypes ?? ["all"]).map((t) => `log_type ${t}`),
    "connection_messages true",
    "log_timestamp true",
    ...(opts.settings ?? []),
    `listener ${port} 127.0.0.1`,
    "allow_anonymous true",
  ];
  const m: Mosquitto = {
    port, dir, conf, pidFile, logFile,
    daemonArgv: [bin, "-c", conf, "-d"],
    pid: () => {
      try {
        const n = Number(fs.readFileSync(pidFile, "utf8").trim());
        return Number.isInteger(n) && n > 0 ? n : undefined;
      } catch {
        return undefined;
      }
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
    stop: async () => {},
  };
  if (opts.auth) {
    m.authPort = await freePort();
    const pw = path.join(dir, "passwd");
    fs.writeFileSync(pw, "");
    execFileSync("mosquitto_passwd", ["-b", pw, opts.auth.username, opts.auth.password], { stdio: "pipe" });
    lines.push(`listener ${m.authPort} 127.0.0.1`, "allow_anonymous false", `password_file ${pw}`);
  }
  if (opts.tls) {
    m.tlsPort = await freePort();
    m.tls = makeTlsFiles(dir);
    lines.push(`listener ${m.tlsPort} 127.0.0.1`, "allow_anonymous true", `cafile ${m.tls.caFile}`, `certfile ${m.tls.certFile}`, `keyfile ${m.tls.keyFile}`, "tls_version tlsv1.2");
  }
  fs.writeFileSync(conf, lines.join("\n") + "\n");
  const child: ChildProcess = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"], detached: false });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  m.stop = async () => {
    const pids = new Set<number>();
    const p = m.pid();
    if (p !== undefined) pids.add(p);
    if (child.pid !== undefined && child.exitCode === null) pids.add(child.pid);
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGCONT");
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of [m.port, m.authPort, m.tlsPort]) if (port !== undefined) await waitForPort(port);
  } catch (e) {
    await m.stop();
    throw new Error(`mosquitto did not start: ${(e as Error).message}; stderr: ${stderr}`);
  }
  return m;
}
