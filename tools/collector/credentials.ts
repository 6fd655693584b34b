// Per-probe credentials for the embedded broker: scrypt hashes in the collector's
// database (never the password itself), checked in aedes' authenticate hook.
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { Db } from "./store/db.ts";

const KEYLEN = 32;

export function newPassword(): string {
  return randomBytes(18).toString("base64url");
}

export function hashPassword(password: string, salt = randomBytes(16)): string {
  return "scrypt$" + salt.toString("base64") + "$" + scryptSync(password, salt, KEYLEN).toString("base64");
}

export function checkPassword(password: string, stored: string): boolean {
  const [alg, salt, hash] = stored.split("$");
  if (alg !== "scrypt" || salt === undefined || hash === undefined) return false;
  const want = Buffer.from(hash, "base64");
  const got = scryptSync(password, Buffer.from(salt, "base64"), KEYLEN);
  return want.length === got.length && timingSafeEqual(want, got);
}

export class Credentials {
  /** Verified passwords, so a reconnect storm does not cost one scrypt each. */
  private readonly ok = new Map<string, string>();
  constructor(private readonly db: Db) {}

  async add(probeId: string, password: string): Promise<void> {
    await this.db.run(
      `INSERT INTO probe_credentials (probe_id, hash, created_ms) VALUES (?, ?, ?)
       ON CONFLICT (probe_id) DO UPDATE SET hash = excluded.hash, created_ms = excluded.created_ms`,
      [probeId, hashPassword(password), Date.now()],
    );
    this.ok.delete(probeId);
  }

  async verify(probeId: string, password: string): Promise<boolean> {
    if (this.ok.get(probeId) === password) return true;
    const rows = await this.db.query<{ hash: string }>("SELECT hash FROM probe_credentials WHERE probe_id = ?", [probeId]);
    if (rows.length === 0 || !checkPassword(password, rows[0].hash)) return false;
    this.ok.set(probeId, password);
    return true;
  }

  async known(probeId: string): Promise<boolean> {
    return (await this.db.query("SELECT probe_id FROM probe_credentials WHERE probe_id = ?", [probeId])).length > 0;
  }
}
