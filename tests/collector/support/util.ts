// Small helpers for the collector tests: bounded waiting and JSON over HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Polls `probe` every `everyMs` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; Date.now() < end && i < timeoutMs / everyMs + 10; i++) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

export async function getJson<T = any>(base: string, path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await fetch(base + path, init);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV and other text stays text
  }
  return { status: r.status, body: body as T, headers: r.headers };
}

export function postJson<T = any>(base: string, path: string, body: unknown) {
  return getJson<T>(base, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
