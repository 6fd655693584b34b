// A mosquitto of the test's own: its config in a temp dir, a free loopback port,
// optional password file and ACL, stopped (SIGTERM, then SIGKILL) by stop().
import { ChildProcess, spawn } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "../../../tools/testkit/postgres.ts";
import { tempDir, until } from "./util.ts";

export interface Mosquitto {
  url: string;
  port: number;
  dir: string;
  passwd: string;
  acl: string;
  proc: ChildProcess;
  log(): string;
  hup(): void;
  stop(): Promise<void>;
}

export async function startMosquitto(opts: { auth: boolean }): Promise<Mosquitto> {
  const d = tempDir("miniprobe-mosq-");
  const port = await freePort();
  const passwd = join(d.dir, "passwd");
  const acl = join(d.dir, "acl");
  // mosquitto started as root drops to the `mosquitto` user: it must read these files.
  chmodSync(d.dir, 0o755);
  writeFileSync(passwd, "", { mode: 0o644 });
  writeFileSync(acl, "# miniprobe test ACL\n", { mode: 0o644 });
  const conf = [
    "per_listener_settings false",
    `listener ${port} 127.0.0.1`,
    opts.auth ? "allow_anonymous false" : "allow_anonymous true",
    ...(opts.auth ? [`password_file ${passwd}`, `acl_file ${acl}`] : []),
    "persistence false",
    "max_queued_messages 100000",
    "max_inflight_messages 100",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
  ];
  writeFileSync(join(d.dir, "mosquitto.conf"), conf.join("\n") + "\n");
  const proc = spawn("mosquitto", ["-c", join(d.dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr?.on("data", (b: Buffer) => {
    if (log.length < 100000) log += b.toString();
  });
  const up = () => new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
  try {
    await until("mosquitto listening", async () => {
      if (proc.exitCode !== null) return "exited";
      return (await up()) ? "up" : undefined;
    }, 15000, 50);
    if (proc.exitCode !== null) throw new Error("mosquitto exited: " + log);
  } catch (e) {
    proc.kill("SIGKILL");
    d.remove();
    throw e;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`, port, dir: d.dir, passwd, acl, proc,
    log: () => log,
    hup: () => proc.kill("SIGHUP"),
    stop: async () => {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        const t = setTimeout(() => proc.kill("SIGKILL"), 3000);
        await gone;
        clearTimeout(t);
      }
      d.remove();
    },
  };
}
