// Every recorded Tstat log read through the measurement's reader: row counts from the
// fixtures' README, every value of every row against a direct name lookup, selected values
// written out, headers the parser has never seen, and partly written last lines.
import test from "ava";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { GroupReader, READER_DEFAULTS } from "../../core/measurements/tstat/reader.ts";
import { logGroupOf, LogGroup } from "../../core/measurements/tstat/groups.ts";
import { LogTail, newStats } from "../../core/measurements/tstat/tail.ts";
import { parseHeader } from "../../core/measurements/tstat/header.ts";
import { rowCells } from "../../core/measurements/tstat/rows.ts";
import { groupResults } from "../../core/measurements/tstat/groups.ts";
import type { Host } from "../../core/host.ts";
import { FIX, tempDir, testHost } from "./support.ts";

const host = testHost();
const hostNoRange = testHost({ noReadRange: true });
const g = (group: string, level?: string) => logGroupOf(level ? { group, level } : { group }) as LogGroup;
const TCP_ALL = ["core", "end_to_end", "tcp_options", "p2p_stats", "layer7"].map((l) => g("log_tcp_complete", l));
const UDP = g("log_udp_complete");
const HTTP = g("log_http_complete");

async function readAll(h: Host, logDir: string, group: LogGroup, chunk = 4096) {
  const r = new GroupReader(h, logDir, group, { ...READER_DEFAULTS, chunkBytes: chunk, maxRows: 1000000 }, undefined);
  const snap = await r.snapshot();
  await r.scanPast(0, 8.64e15, snap, false);
  return r;
}

// scenario → per output directory: [tcp_complete, udp_complete, http_complete] rows
const COUNTS: Record<string, Record<string, [number, number, number | undefined]>> = {
  extnet_core: { "2026_11_22_23_01.out": [3, 1, 8] },
  extnet_e2e_opt_l7: { "2026_11_22_23_01.out": [3, 1, 8] },
  small_core: { "2026_11_22_23_00.out": [10, 3, 22] },
  small_e2e: { "2026_11_22_23_00.out": [10, 3, 22] },
  small_e2e_opt_l7: { "2026_11_22_23_00.out": [10, 3, 22] },
  small_all: { "2026_11_22_23_00.out": [10, 3, 22] },
  small_default_noT: { "2026_11_22_23_00.out": [10, 3, undefined] },
  mixed_core: { "2026_11_22_23_01.out": [27, 10, 60] },
  mixed_e2e: { "2026_11_22_23_01.out": [27, 10, 60] },
  mixed_e2e_opt_l7: { "2026_11_22_23_01.out": [27, 10, 60] },
  mixed_all: { "2026_11_22_23_01.out": [27, 10, 60] },
  live_lo_e2e_switch: { "2026_11_22_23_02.out": [133, 3, 266], "2026_11_22_23_04.out": [53, 28, 106] },
  live_lo_e2e_switch_debug: { "2026_11_22_23_05.out": [132, 0, 264], "2026_11_22_23_07.out": [28, 24, 56] },
};

/** The expected cells of one raw row, looked up by header name independently of the reader. */
function oracle(headerLine: string, row: string, group: LogGroup): unknown[] {
  const sep = headerLine.includes("\t") ? "\t" : " ";
  const names = headerLine.replace(/^#([0-9A-Z]+#)?/, "").split(sep).map((t) => t.split(":")[0]);
  const f = row.split(sep);
  if (names.length !== f.length) throw new Error("width");
  const val = (n: string) => (names.indexOf(n) >= 0 ? f[names.indexOf(n)] : undefined);
  const out: unknown[] = [];
  if (group.withKind) out.push(headerLine.startsWith("#S#") ? "response" : "request");
  for (const c of group.cols) {
    const v = val(c.field);
    if (c.conv === "addr") {
      out.push(v !== undefined && !v.includes(":") ? v : "*");
      out.push(v !== undefined && v.includes(":") ? v : "*");
    } else if (v === undefined) out.push("*");
    else if (c.conv === "str") out.push(v === "-" ? "*" : v);
    else if (c.conv === "bool") out.push(v === "1" ? true : v === "0" ? false : "*");
    else if (c.conv === "ts") out.push(Number(v) * 1000);
    else if (c.conv === "ms2us") out.push(Math.floor(Number(v) * 1000 + 0.5));
    else if (c.conv === "s2us") out.push(Math.floor(Number(v) * 1e6 + 0.5));
    else out.push(v === "-" ? "*" : Number(v));
  }
  return out;
}

function rawRows(file: string): { header: (row: string) => string; rows: string[] } {
  const lines = readFileSync(file, "latin1").split("\n").filter((l) => l.length > 0);
  const headers = lines.filter((l) => l.startsWith("#"));
  const rows = lines.filter((l) => !l.startsWith("#"));
  const header = (row: string) => (headers.length > 1 && row.split("\t")[5] === "HTTP" ? headers.find((h) => h.startsWith("#S#"))! : headers[0]);
  return { header, rows };
}

for (const [scenario, dirs] of Object.entries(COUNTS)) {
  test(`${scenario}: row counts per log and every value of every row by header name`, async (t) => {
    const logDir = join(FIX, scenario, "out");
    t.deepEqual(readdirSync(logDir).sort(), Object.keys(dirs));
    for (const [group, k] of [[TCP_ALL[0], 0], [UDP, 1], [HTTP, 2]] as [LogGroup, number][]) {
      const want = Object.values(dirs).reduce((s, c) => s + (c[k] ?? 0), 0);
      const r = await readAll(host, logDir, group);
      t.is(r.rows.length, want, `${group.log} rows`);
      t.deepEqual(r.stats, { rows: want, malformed: 0, truncated: 0 }, `${group.log} stats`);
    }
    for (const group of [...TCP_ALL, UDP, HTTP]) {
      const r = await readAll(host, logDir, group, 1000);
      const expected: unknown[][] = [];
      for (const d of Object.keys(dirs)) {
        const file = join(logDir, d, group.log);
        let raw;
        try {
          raw = rawRows(file);
        } catch {
          continue;
        }
        for (const row of raw.rows) expected.push(oracle(raw.header(row), row, group));
      }
      t.deepEqual(r.rows, expected, `${scenario} ${group.log} ${JSON.stringify(group.edits.map((e) => e.key))}`);
      t.is(r.rows[0]?.length ?? groupResults(group).length, groupResults(group).length);
    }
  });
}

const pick = (cols: string[], row: unknown[], names: string[]) => Object.fromEntries(names.map((n) => [n, row[cols.indexOf(n)]]));

test("selected values: small_e2e tcp row 1, the IPv6 flow, an RST flow", async (t) => {
  const e2e = g("log_tcp_complete", "end_to_end");
  const core = g("log_tcp_complete", "core");
  const r = await readAll(host, join(FIX, "small_e2e/out"), e2e);
  const cols = groupResults(e2e);
  t.deepEqual(pick(cols, r.rows[0], ["source.ip4", "source.ip6", "source.port", "destination.ip4", "destination.port", "start", "end",
    "source.rtt.ms.mean", "source.rtt.ms.min", "source.rtt.count", "destination.rtt.count", "destination.rtt.ms.max", "source.ttl.min"]), {
    "source.ip4": "127.0.0.1", "source.ip6": "*", "source.port": 37890, "destination.ip4": "127.0.0.1", "destination.port": 8080,
    start: 1795388451624.647949, end: 1795388451626.624023, "source.rtt.ms.mean": 0.010666, "source.rtt.ms.min": 0.004,
    "source.rtt.count": 3, "destination.rtt.count": 4, "destination.rtt.ms.max": 0.066, "source.ttl.min": 64,
  });
  const c = await readAll(host, join(FIX, "small_core/out"), core);
  const ccols = groupResults(core);
  t.deepEqual(pick(ccols, c.rows[0], ["duration.us", "packets.forward", "packets.forward.pure_ack", "octets.forward", "octets.backward",
    "packets.backward.with_payload", "source.isinternal", "source.iscrypto", "tstat.flow.class.conn", "tstat.flow.class.http"]), {
    "duration.us": 1976, "packets.forward": 6, "packets.forward.pure_ack": 3, "octets.forward": 86, "octets.backward": 10443,
    "packets.backward.with_payload": 2, "source.isinternal": true, "source.iscrypto": false, "tstat.flow.class.conn": 1, "tstat.flow.class.http": 1,
  });
  const v6 = c.rows.filter((row) => row[ccols.indexOf("source.ip6")] === "::1");
  t.is(v6.length, 1);
  t.is(v6[0][ccols.indexOf("source.ip4")], "*");
  t.is(v6[0][ccols.indexOf("destination.ip6")], "::1");
  t.is(v6[0][ccols.indexOf("destination.port")], 8082);
  const rst = c.rows.filter((row) => row[ccols.indexOf("packets.forward.rst")] === 1);
  t.true(rst.length >= 1, "client aborts are complete flows with c_rst_cnt 1");
});

test("selected values: udp durations in seconds become µs, DN-Hunter names, http requests and responses", async (t) => {
  const u = await readAll(host, join(FIX, "small_core/out"), UDP);
  const ucols = groupResults(UDP);
  t.deepEqual(u.rows.map((row) => pick(ucols, row, ["source.port", "destination.port", "start", "duration.us", "octets.forward", "packets.backward", "tstat.fqdn", "source.ip6"])), [
    { "source.port": 40802, "destination.port": 53, start: 1795388456461.39209, "duration.us": 100786, "octets.forward": 102, "packets.backward": 3, "tstat.fqdn": "*", "source.ip6": "*" },
    { "source.port": 42609, "destination.port": 9999, start: 1795388456706.001953, "duration.us": 80706, "octets.forward": 1000, "packets.backward": 5, "tstat.fqdn": "www.example.test", "source.ip6": "*" },
    { "source.port": 44059, "destination.port": 9999, start: 1795388456899.905029, "duration.us": 40430, "octets.forward": 192, "packets.backward": 3, "tstat.fqdn": "*", "source.ip6": "::1" },
  ]);
  const h = await readAll(host, join(FIX, "small_all/out"), HTTP);
  const hcols = groupResults(HTTP);
  t.deepEqual(pick(hcols, h.rows[0], ["http.message", "time", "source.port", "request.method", "request.hostname", "request.path", "request.user_agent", "response.code"]), {
    "http.message": "request", time: 1795388451624.701, "source.port": 37890, "request.method": "GET", "request.hostname": "127.0.0.1:8080",
    "request.path": "/f10k.bin", "request.user_agent": "curl/7.88.1", "response.code": "*",
  });
  t.deepEqual(pick(hcols, h.rows[1], ["http.message", "response.code", "response.content_len", "response.server", "request.method"]), {
    "http.message": "response", "response.code": 200, "response.content_len": 10240, "response.server": "SimpleHTTP/0.6 Python/3.11.7", "request.method": "*",
  });
  const core = await readAll(host, join(FIX, "small_core/out"), HTTP);
  t.is(core.rows[0][hcols.indexOf("request.path")], "*", "path is '-' unless httplog_full_url");
});

test("rotation mid-run: the live scenario's two directories, #00# then #01#, read by name", async (t) => {
  const e2e = g("log_tcp_complete", "end_to_end");
  const r = await readAll(host, join(FIX, "live_lo_e2e_switch/out"), e2e);
  const cols = groupResults(e2e);
  t.is(r.rows.length, 133 + 53);
  t.deepEqual(r.seen, ["2026_11_22_23_02.out", "2026_11_22_23_04.out"]);
  const withRtt = r.rows.filter((row) => row[cols.indexOf("source.rtt.count")] !== "*");
  t.is(withRtt.length, 53, "only the rows written after Tstat re-read runtime.conf have RTT");
  t.true(r.rows.slice(0, 133).every((row) => row[cols.indexOf("source.rtt.ms.mean")] === "*"));
});

test("the reader without readRange (whole-file fallback) gives the same rows", async (t) => {
  for (const s of ["mixed_all", "live_lo_e2e_switch"]) {
    for (const group of [TCP_ALL[1], UDP, HTTP]) {
      const a = await readAll(host, join(FIX, s, "out"), group);
      const b = await readAll(hostNoRange, join(FIX, s, "out"), group);
      t.deepEqual(b.rows, a.rows);
    }
  }
});

// ------------------------------------------------------------------ headers never seen

function permuted(headerLine: string, rows: string[], order: number[], extra: string[]): { header: string; rows: string[] } {
  const m = /^#\d+#/.exec(headerLine);
  const prefix = m ? m[0] : "#";
  const toks = headerLine.slice(prefix.length).split(" ").map((x) => x.split(":")[0]);
  const names = order.map((i) => toks[i]).concat(extra);
  const header = prefix + names.map((n, i) => `${n}:${i + 1}`).join(" ");
  const out = rows.map((r) => {
    const f = r.split(" ");
    return order.map((i) => f[i]).concat(extra.map((_, j) => `x${j}`)).join(" ");
  });
  return { header, rows: out };
}

test("a header with reordered and unknown columns still maps every known column", async (t) => {
  const tmp = tempDir("tstat-hdr-");
  t.teardown(tmp.cleanup);
  for (const [scenario, group] of [["mixed_all", TCP_ALL[4]], ["mixed_all", TCP_ALL[2]], ["mixed_e2e", TCP_ALL[1]], ["small_core", UDP]] as [string, LogGroup][]) {
    const src = join(FIX, scenario, "out", readdirSync(join(FIX, scenario, "out"))[0], group.log);
    const lines = readFileSync(src, "latin1").split("\n").filter((l) => l.length > 0);
    const width = lines[1].split(" ").length;
    const order = Array.from({ length: width }, (_, i) => width - 1 - i);
    const p = permuted(lines[0], lines.slice(1), order, ["new_col_a", "c_future"]);
    t.not(p.header.split(" ")[0], lines[0].split(" ")[0], "the first column moved");
    const dir = join(tmp.dir, scenario + group.edits.length, "2026_11_22_23_09.out");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, group.log), [p.header, ...p.rows].join("\n") + "\n");
    const want = await readAll(host, join(FIX, scenario, "out"), group);
    const got = await readAll(host, join(tmp.dir, scenario + group.edits.length), group);
    t.deepEqual(got.rows, want.rows, `${scenario} ${group.log} reversed + 2 unknown columns`);
  }
  // the 2014 header of the mPlane Tstat proxy's documentation (no c_iscrypto/s_iscrypto)
  const old = "#01#c_ip:1 c_port:2 c_pkts_all:3 c_rst_cnt:4 c_ack_cnt:5 c_ack_cnt_p:6 c_bytes_uniq:7 c_pkts_data:8 c_bytes_all:9 c_pkts_retx:10 c_bytes_retx:11 c_pkts_ooo:12 c_syn_cnt:13 c_fin_cnt:14 s_ip:15 s_port:16 s_pkts_all:17 s_rst_cnt:18 s_ack_cnt:19 s_ack_cnt_p:20 s_bytes_uniq:21 s_pkts_data:22 s_bytes_all:23 s_pkts_retx:24 s_bytes_retx:25 s_pkts_ooo:26 s_syn_cnt:27 s_fin_cnt:28 first:29 last:30 durat:31 c_first:32 s_first:33 c_last:34 s_last:35 c_first_ack:36 s_first_ack:37 c_isint:38 s_isint:39 con_t:40 p2p_t:41 http_t:42 c_rtt_avg:43 c_rtt_min:44 c_rtt_max:45 c_rtt_std:46 c_rtt_cnt:47 c_ttl_min:48 c_ttl_max:49 s_rtt_avg:50 s_rtt_min:51 s_rtt_max:52 s_rtt_std:53 s_rtt_cnt:54 s_ttl_min:55 s_ttl_max:56";
  const row = "192.168.1.2 55513 21 0 20 9 7300 9 7300 1 1 0 1 2 74.125.232.142 443 19 0 19 8 5782 9 5782 0 0 0 1 1 1400103796934.199951 1400103878699.169922 81764.970000 109.372000 198.890000 81715.928000 48302.295000 108.198000 196.288000 1 1 8192 0 0 103.862373 47.609000 174.678000 43.637202 7 64 64 0.151598 0.064000 0.340000 0.088741 10 55 55";
  const h = parseHeader(old)!;
  t.is(h.tag, "01");
  const core = TCP_ALL[0];
  const e2e = TCP_ALL[1];
  const cc = rowCells(row.split(" "), h, core.cols, false);
  const ce = rowCells(row.split(" "), h, e2e.cols, false);
  t.deepEqual(pick(groupResults(core), cc, ["source.ip4", "destination.port", "duration.us", "destination.isinternal", "source.iscrypto", "tstat.flow.class.conn", "tstat.flow.class.http"]),
    { "source.ip4": "192.168.1.2", "destination.port": 443, "duration.us": 81764970, "destination.isinternal": true, "source.iscrypto": "*", "tstat.flow.class.conn": 8192, "tstat.flow.class.http": 0 });
  t.deepEqual(pick(groupResults(e2e), ce, ["source.rtt.ms.mean", "source.rtt.count", "destination.rtt.ms.min", "destination.ttl.max"]),
    { "source.rtt.ms.mean": 103.862373, "source.rtt.count": 7, "destination.rtt.ms.min": 0.064, "destination.ttl.max": 55 });
});

// ------------------------------------------------------------------ partly written lines

test("a truncated last line is skipped and counted; a line completed later is a row", async (t) => {
  const tmp = tempDir("tstat-trunc-");
  t.teardown(tmp.cleanup);
  const src = readFileSync(join(FIX, "small_e2e/out/2026_11_22_23_00.out/log_tcp_complete"), "latin1");
  const lines = src.split("\n").filter((l) => l.length > 0);
  const file = join(tmp.dir, "log_tcp_complete");
  const cut = lines[3].slice(0, 57);
  writeFileSync(file, [lines[0], lines[1], lines[2]].join("\n") + "\n" + cut);
  const group = TCP_ALL[1];
  for (const h of [host, hostNoRange]) {
    const rows: string[][] = [];
    const tail = new LogTail(h, file, 16, 1 << 20);
    const stats = newStats();
    await tail.pump((f) => rows.push(f), stats, true);
    t.deepEqual(stats, { rows: 2, malformed: 0, truncated: 1 });
    t.deepEqual(rows.map((f) => f[1]), ["37890", "37904"]);
  }
  // still being written: held back, then completed
  const tail = new LogTail(host, file, 7, 1 << 20);
  const stats = newStats();
  const rows: string[][] = [];
  await tail.pump((f) => rows.push(f), stats, false);
  t.is(tail.pending(), cut.length);
  appendFileSync(file, lines[3].slice(57) + "\n" + lines[4].slice(0, 10));
  await tail.pump((f) => rows.push(f), stats, false);
  t.deepEqual(stats, { rows: 3, malformed: 0, truncated: 0 });
  t.is(rows[2].join(" "), lines[3]);
  await tail.pump((f) => rows.push(f), stats, true);
  t.deepEqual(stats, { rows: 3, malformed: 0, truncated: 1 });
  // a line with a field missing in the middle of a file is malformed, not shifted
  writeFileSync(file, [lines[0], lines[1].split(" ").slice(1).join(" "), lines[2]].join("\n") + "\n");
  const t2 = new LogTail(host, file, 4096, 1 << 20);
  const s2 = newStats();
  const r2: string[][] = [];
  await t2.pump((f) => r2.push(f), s2, true);
  t.deepEqual(s2, { rows: 1, malformed: 1, truncated: 0 });
  void group;
});
