// A throwaway PostgreSQL server: initdb in a temp dir owned by the `postgres` user (the
// server refuses to run as root), listening on a free loopback port, stopped and deleted
// by stop(). Used by the collector tests and the bench.
import { spawnSync } from "node:child_process";
import { appendFileSync, chownSync, mkdtempSync, rmSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PgServer {
  url: string;
  port: number;
  dir: string;
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function uidOf(user: string): { uid: number; gid: number } {
  const r = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`no '${user}' user: is Debian's postgresql installed?`);
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function asPostgres(argv: string[], timeoutMs: number): void {
  const isRoot = process.getuid?.() === 0;
  const cmd = isRoot ? "runuser" : argv[0];
  const args = isRoot ? ["-u", "postgres", "--", ...argv] : argv.slice(1);
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(0, 1500)}`);
}

export async function startPostgres(opts: { fsync?: boolean } = {}): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), "miniprobe-pg-"));
  const data = join(dir, "data");
  const { uid, gid } = uidOf("postgres");
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) chownSync(dir, uid, gid);
  const port = await freePort();
  try {
    asPostgres([join(BIN, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], 120000);
    const conf = [
      `port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`,
      "max_connections = 50", "shared_buffers = 64MB", `fsync = ${opts.fsync === false ? "off" : "on"}`, "logging_collector = off",
    ];
    appendFileSync(join(data, "postgresql.conf"), "\n# miniprobe test server\n" + conf.join("\n") + "\n");
    asPostgres([join(BIN, "pg_ctl"), "-D", data, "-l", join(dir, "log"), "-w", "-t", "60", "start"], 90000);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres([join(BIN, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], 60000);
      } catch {
        // already gone: nothing to stop
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
