// Test support: a Node host with the Host v2 calls this measurement uses (readRange, spawn)
// filled in where the Node host does not have them yet, and RunContexts built by hand.
import { spawn as spawnChild } from "node:child_process";
import { closeSync, openSync, readSync, fstatSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost } from "../../targets/node/host.ts";
import type { Host, Proc, SpawnOptions, Callback } from "../../core/host.ts";
import { Cancel } from "../../core/cancel.ts";
import type { Device, ResultTable, RunContext, Variant } from "../../core/measurements/types.ts";
import { tstat } from "../../core/measurements/tstat/index.ts";
import { allTemplates } from "../../core/measurements/tstat/capabilities.ts";

export const FIX = "tests/fixtures/tstat";

function readRangeSync(path: string, offset: number, maxBytes: number): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const n = Math.max(0, Math.min(maxBytes, size - offset));
    const buf = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const r = readSync(fd, buf, got, n - got, offset + got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

export interface TestHostOptions {
  /** Leave readRange out (the fallback path: whole-file reads). */
  noReadRange?: boolean;
}

export function testHost(o: TestHostOptions = {}): Host {
  const host = createHost({ logLevel: "error" });
  if (o.noReadRange) {
    delete (host.fs as { readRange?: unknown }).readRange;
  } else if (host.fs.readRange === undefined) {
    host.fs.readRange = (path: string, offset: number, maxBytes: number, cb: Callback<string>) => {
      try {
        cb(undefined, readRangeSync(path, offset, maxBytes));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        cb({ code: err.code ?? "EIO", message: err.message }, undefined);
      }
    };
  }
  if (host.spawn === undefined) {
    host.spawn = (argv: string[], so: SpawnOptions, cb: Callback<Proc>) => {
      const child = spawnChild(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], detached: true, env: so.env ? { ...process.env, ...so.env } : process.env });
      let started = false;
      let buf = "";
      child.on("error", (e: NodeJS.ErrnoException) => {
        if (!started) cb({ code: e.code === "ENOENT" ? "ENOENT" : e.code === "EACCES" ? "EACCES" : "EEXEC", message: e.message }, undefined);
      });
      child.stdout.on("data", (d: Buffer) => {
        so.onStdout?.(d.toString("latin1"));
        if (so.onLine) {
          buf += d.toString("latin1");
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            so.onLine(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
          }
        }
      });
      child.stderr.on("data", (d: Buffer) => so.onStderr?.(d.toString("latin1")));
      child.on("close", (code, signal) => so.onExit(code === null ? -1 : code, signal ?? undefined));
      child.on("spawn", () => {
        started = true;
        cb(undefined, {
          pid: child.pid as number,
          write: (data, wcb) => child.stdin.write(Buffer.from(data, "latin1"), () => wcb(undefined, true)),
          closeStdin: () => child.stdin.end(),
          kill: (sig?: string) => {
            try {
              process.kill(-(child.pid as number), ("SIG" + (sig ?? "TERM")) as NodeJS.Signals);
            } catch {
              /* gone */
            }
          },
        });
      });
    };
  }
  return host;
}

export function device(host: Host, options: Record<string, string>): Device {
  return { host, tools: host.tools, options, probeId: "test-probe" };
}

export function variantOf(label: string): Variant {
  const t = allTemplates().find((x) => x.label === label);
  if (!t || !t.variant) throw new Error(`no template ${label}`);
  return t.variant;
}

export interface RunArgs {
  label: string;
  startMs: number;
  endMs: number;
  params?: Record<string, string>;
  cancel?: Cancel;
  logs?: string[];
}

export function context(dev: Device, a: RunArgs): RunContext {
  const cancel = a.cancel ?? new Cancel();
  return {
    host: dev.host,
    device: dev,
    variant: variantOf(a.label),
    label: a.label,
    params: a.params ?? { "tstat.rows.max": "100000" },
    run: { startMs: a.startMs, endMs: a.endMs },
    deadlineMono: dev.host.mono() + (a.endMs - a.startMs) + 60000,
    stopped: () => cancel.cancelled,
    cancel,
    log: (_level, msg) => a.logs?.push(msg),
  };
}

export function runTstat(dev: Device, a: RunArgs): Promise<ResultTable> {
  return tstat.run(context(dev, a));
}

/** Rows as objects by column name. */
export function objects(t: ResultTable): Record<string, string | number | boolean>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Epoch ms of a "YYYY-MM-DD HH:MM:SS" UTC time. */
export function utc(s: string): number {
  return Date.parse(s.replace(" ", "T") + "Z");
}
