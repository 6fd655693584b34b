// The OpenWrt package: each .ipk's size (goal <= 60 KB), and the installed Lua agent's memory
// on mipsel Lua under qemu-user (goal: heap <= 1 MB idle). The agent runs as in
// tests/openwrt/mipsel.test.ts: installed into a tmpfs root, UCI pointed at an embedded-broker
// collector, busybox ping on PATH. Heap is the agent's own status heapKb
// (collectgarbage("count"): live data plus garbage not yet collected, 32-bit pointers);
// "loaded" is the live heap after a full collection with only the bundle loaded (--version),
// the floor the code itself costs. RSS is the qemu process's, against bare mipsel lua5.1
// measured in the same run (qemu's own translation buffers are in both).
//   node --import tsx tools/bench/openwrt.ts   (or npm run bench openwrt)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Collector } from "../collector/collector.ts";
import { VARIANTS, buildIpk, ipkName, payload } from "../package/ipk.ts";
import { editUci, install } from "../package/opkg-root.ts";
import { TMPFS, appletDir, mipselMissing, rssKbOf, rssSampler, startInstalled } from "../package/mipsel-probe.ts";
import { BenchRow, printRows, row } from "./report.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const GOAL_IPK = 60 * 1024;
const GOAL_HEAP_KB = 1024;

async function json(url: string, init?: RequestInit): Promise<any> {
  const r = await fetch(url, init);
  return r.json();
}

/** Polls `f` every 200 ms until it gives a value, at most `ms`. */
async function poll<T>(what: string, f: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end && i < ms / 200 + 5; i++) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** RSS of bare mipsel lua5.1 (luasocket loaded, sleeping), sampled after 1.5 s. */
async function bareLuaRssKb(): Promise<number | undefined> {
  const p = spawn(path.join(REPO, "tools/mipsel-lua"), ["-e", "require('socket').sleep(3)"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 1500));
  const v = rssKbOf(p.pid!);
  p.kill("SIGKILL");
  return v;
}

/** Live heap after a full collection with the bundle loaded and nothing run (--version). */
function loadedHeapKb(bundle: string): number | undefined {
  const hook = 'local x=os.exit; os.exit=function(c) collectgarbage("collect"); collectgarbage("collect"); io.stderr:write("heapKb=", math.floor(collectgarbage("count")), "\\n"); x(c) end';
  const r = spawnSync(path.join(REPO, "tools/mipsel-lua"), ["-e", hook, bundle, "--version"], { encoding: "utf8", timeout: 60000 });
  const m = /heapKb=(\d+)/.exec(r.stderr ?? "");
  return m ? Number(m[1]) : undefined;
}

function sizes(): BenchRow[] {
  const rows: BenchRow[] = [];
  const S = "openwrt: package size (goal <= 60 KB each)";
  for (const v of VARIANTS) {
    if (!fs.existsSync(path.join(REPO, v.bundle))) {
      rows.push(row(S, ipkName(v), 0, "bytes", undefined, `FAILED: ${v.bundle} missing (npm run build)`));
      continue;
    }
    const ipk = buildIpk(v);
    const installed = payload(v).reduce((a, e) => a + (e.data?.length ?? 0), 0);
    const over = ipk.length - GOAL_IPK;
    rows.push(row(S, ipkName(v), ipk.length, "bytes", { name: "goal", value: GOAL_IPK }, over > 0 ? `over the goal by ${Math.ceil(over / 1024)} KB` : "within the goal"));
    rows.push(row(S, `${ipkName(v)} installed`, installed, "bytes", undefined, "on the router's flash (overlay compresses it again)"));
  }
  return rows;
}

async function memory(): Promise<BenchRow[]> {
  const S = "openwrt: mipsel Lua agent memory under qemu-user (goal: heap <= 1 MB idle)";
  const why = mipselMissing();
  if (why) return [row(S, "mipsel agent", 0, "KB", undefined, `skipped: ${why}`)];
  const lua = VARIANTS.find((v) => v.name === "lua")!;
  const tmp = fs.mkdtempSync(path.join(TMPFS!, "mp-bench-owrt-"));
  const root = path.join(tmp, "root");
  let collector: Collector | undefined;
  let probe: ReturnType<typeof startInstalled> | undefined;
  try {
    install(root, buildIpk(lua), "miniprobe-lua");
    const bin = appletDir(path.join(tmp, "bin"));
    collector = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: path.join(tmp, "data"), quiet: true, anonymous: true });
    const base = collector.httpUrl;
    editUci(root, { broker: [collector.broker.url], probe_id: "bench", queue_dir: path.join(root, "tmp/miniprobe"), status_interval: "5" });
    const bare = await bareLuaRssKb();
    const loaded = loadedHeapKb(path.join(root, "usr/share/miniprobe/miniprobe.lua"));
    probe = startInstalled(root, bin);
    const pid = probe.pid;
    const status = async () => (await json(base + "/api/probes/bench")).status as { uptimeS: number; running: number; heapKb: number } | null;
    const idle = await poll("an idle status after 5 s", async () => {
      const s = await status();
      return s && s.uptimeS >= 5 && s.running === 0 ? s : undefined;
    }, 90000);
    const idleRss = rssKbOf(pid);
    const sampler = rssSampler(pid);
    const spec = await json(base + "/api/specifications", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ probe: "bench", capability: "ping-average-ip4", when: "now + 12s / 0.2s", parameters: { "destination.ip4": "127.0.0.1" } }),
    });
    let during: { heapKb: number; uptimeS: number } | undefined;
    await poll("the ping result", async () => {
      const s = await status();
      if (s && s.running > 0 && (!during || s.heapKb > during.heapKb)) during = s;
      const r = await json(base + "/api/results?token=" + spec.token);
      return r.results.length > 0 ? true : undefined;
    }, 90000);
    const rss = sampler.stop();
    const rows: BenchRow[] = [];
    const heapNote = (kb: number) => (kb <= GOAL_HEAP_KB ? "within the goal" : `over the goal by ${kb - GOAL_HEAP_KB} KB`);
    if (loaded !== undefined) rows.push(row(S, "heap, bundle loaded, after full GC", loaded, "KB", undefined, "what the code costs before anything runs"));
    rows.push(row(S, "heap idle (status heapKb)", idle.heapKb, "KB", { name: "goal", value: GOAL_HEAP_KB }, heapNote(idle.heapKb)));
    if (during) rows.push(row(S, "heap during a 60-echo ping run", during.heapKb, "KB", { name: "idle", value: idle.heapKb }));
    else rows.push(row(S, "heap during a 60-echo ping run", 0, "KB", undefined, "no status arrived during the run"));
    if (idleRss !== undefined) rows.push(row(S, "RSS of qemu + agent, idle", idleRss, "KB", bare !== undefined ? { name: "bare mipsel lua5.1", value: bare } : undefined));
    if (rss.length > 0) rows.push(row(S, "RSS of qemu + agent, ping run (max)", Math.max(...rss), "KB", idleRss !== undefined ? { name: "idle", value: idleRss } : undefined));
    return rows;
  } finally {
    await probe?.stop(5000);
    await collector?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function bench(): Promise<BenchRow[]> {
  return [...sizes(), ...(await memory())];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  printRows(await bench());
}
