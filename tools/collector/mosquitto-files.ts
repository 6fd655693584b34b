// mosquitto's password file and ACL for miniprobe: one account per probe that may write
// only its own status/capabilities/receipt/result topics and read only its own spec
// topic, and the collector's account that reads them all and writes every spec topic.
// Passwords are hashed by mosquitto_passwd itself (argv, no shell). mosquitto reads both
// files at start and on SIGHUP.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

function passwd(file: string, user: string, password: string): void {
  if (!existsSync(file)) writeFileSync(file, "", { mode: 0o600 });
  const r = spawnSync("mosquitto_passwd", ["-b", file, user, password], { encoding: "utf8", timeout: 30000 });
  if (r.error) throw new Error("mosquitto_passwd: " + r.error.message + " (is mosquitto installed?)");
  if (r.status !== 0) throw new Error("mosquitto_passwd failed: " + (r.stderr || r.stdout).trim());
}

function aclBlock(file: string, user: string, lines: string[]): void {
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (existing.split("\n").some((l) => l.trim() === "user " + user)) return; // already there
  appendFileSync(file, (existing === "" || existing.endsWith("\n") ? "" : "\n") + ["", "user " + user, ...lines, ""].join("\n"));
}

export function probeAclLines(prefix: string, id: string): string[] {
  return [
    `topic write ${prefix}/${id}/status`,
    `topic write ${prefix}/${id}/capabilities`,
    `topic write ${prefix}/${id}/receipt`,
    `topic write ${prefix}/${id}/result`,
    `topic read ${prefix}/${id}/spec`,
  ];
}

export function addMosquittoProbe(files: { passwd: string; acl: string }, prefix: string, id: string, password: string): void {
  passwd(files.passwd, id, password);
  aclBlock(files.acl, id, probeAclLines(prefix, id));
}

export function addMosquittoCollector(files: { passwd: string; acl: string }, prefix: string, user: string, password: string): void {
  passwd(files.passwd, user, password);
  aclBlock(files.acl, user, ["status", "capabilities", "receipt", "result"].map((k) => `topic read ${prefix}/+/${k}`).concat([`topic write ${prefix}/+/spec`]));
}
