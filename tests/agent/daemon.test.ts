// Issue 10, "Done when": the agent (`--config cfg.json`, no --once) connects to a local
// mosquitto, publishes retained status and capabilities, answers a ping specification sent
// with mosquitto_pub with a receipt, and publishes a protobuf result that protobufjs decodes
// to the expected values. Then hostile input on the spec topic — malformed JSON, 10 MB of
// garbage, an unknown schema, an interrupt for an unknown token — gets exceptions or a
// logged refusal while the agent keeps working (a later spec still runs) and its peak RSS
// stays bounded; an interrupt stops a running repeated specification.
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import { startMosquitto } from "../../tools/testkit/mosquitto.ts";
import {
  Observer, Pool, freshToken, interruptMsg, makeProbe, mosquittoPub, num, pingSpec, procKb, requiredRuntimes, resetPeak,
  runtimeMissing, sleep, tempDir, type DecodedReport,
} from "./agent-kit.ts";

const AVERAGE = [
  "delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.50pct", "delay.twoway.icmp.us.max",
  "delay.twoway.icmp.count", "packets.lost", "delay.twoway.icmp.us.stddev",
];

// Two probes (each with its broker) at a time: the machine has 2 cores shared with others.
const pool = new Pool(2);

/**
 * Peak RSS growth while the hostile messages were handled may not come near their size. Node
 * reads 10 MB as 160 socket chunks its young generation collects lazily (about 10 MB of
 * peak growth measured); holding the message would cost it twice that (buffer + string).
 */
const PEAK_GROWTH_KB: Record<string, number> = { node: 16384, qjs: 4096, "lua5.1": 6144, luajit: 6144 };

function checkPingReport(t: import("ava").ExecutionContext, r: DecodedReport, probe: string, seq: number, token: string, count: number): void {
  t.is(r.probeId, probe);
  t.is(r.seq, seq);
  t.is(r.token, token);
  t.is(r.label, "ping-average-ip4");
  t.is(r.schema?.verb, "measure");
  t.deepEqual(r.columns, AVERAGE);
  t.deepEqual(r.exceptions, []);
  t.true(r.parameters.some((p) => p.name === "destination.ip4" && p.value === "127.0.0.1"), JSON.stringify(r.parameters));
  t.is(r.rows.length, 1);
  const row = r.rows[0].values;
  t.is(row.length, AVERAGE.length);
  const [min, mean, median, max, cnt, lost] = row.map(num);
  t.is(cnt, count, "every echo request to 127.0.0.1 is answered");
  t.is(lost, 0);
  // Loopback RTT: above 0 and far below a second, even on a loaded machine.
  for (const v of [min, mean, median, max]) t.true(v !== undefined && v > 0 && v < 500000, `rtt ${v} µs`);
  t.true((min as number) <= (mean as number) && (mean as number) <= (max as number));
  const scope = r.scope;
  t.truthy(scope);
  if (scope) {
    t.true(scope.endMs >= scope.startMs);
    t.true(Math.abs(scope.startMs - Date.now()) < 120000, `scope start ${scope.startMs} near now`);
  }
}

for (const rt of requiredRuntimes()) {
  test(`${rt.name}: daemon answers specs over mosquitto, survives hostile input, obeys interrupts`, async (t) => {
    const missing = runtimeMissing(rt);
    if (missing) return t.fail(`${rt.name}: ${missing}`);
    t.timeout(240_000);
    await pool.run(async () => {
      const broker = await startMosquitto({ logTypes: ["error", "warning", "notice", "information"] });
      t.teardown(() => broker.stop());
      const dir = tempDir(`daemon-${rt.name}`);
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      const prefix = `mp-test-${rt.name.replace(".", "")}`;
      const probeId = `daemon-${rt.name.replace(".", "")}`;
      const obs = await Observer.connect(broker.port, prefix);
      t.teardown(() => obs.close());
      const probe = makeProbe(rt, dir, {
        broker: `mqtt://127.0.0.1:${broker.port}`, probeId, prefix, queueDir: path.join(dir, "queue"), statusIntervalS: 5, logLevel: "info",
      });
      t.teardown(() => probe.stop("SIGKILL", 3000));
      probe.start();
      const specTopic = `${prefix}/${probeId}/spec`;
      try {
        // Retained status and capabilities.
        const status = await obs.waitOnline(probeId);
        t.is(status.probe, probeId);
        t.is(status.queueDepth, 0);
        t.is(status.dropped, 0);
        t.is(typeof status.version, "string");
        t.regex(String(status.runtime), rt.name === "node" ? /node/ : rt.name === "qjs" ? /quickjs|qjs/i : /lua/i);
        const caps = await obs.waitFor("capabilities", 20000, () => obs.capabilities.get(probeId));
        const labels = ((caps.contents ?? []) as Record<string, unknown>[]).map((c) => c.label);
        t.true(labels.includes("ping-average-ip4"), `capabilities: ${labels.join(", ")}`);
        // A late subscriber sees both retained.
        const late = await Observer.connect(broker.port, prefix);
        t.teardown(() => late.close());
        await late.waitFor("retained status and capabilities", 10000, () =>
          late.status.has(probeId) && late.capabilities.has(probeId) ? true : undefined);
        await late.close();

        // A one-shot ping: receipt, then result seq 1.
        const t1 = freshToken();
        const sentAt = Date.now();
        await mosquittoPub(broker.port, specTopic, { message: pingSpec(t1, "now + 1s / 0.5s") });
        const receipt = await obs.waitFor("receipt 1", 30000, () => obs.receiptsOf(probeId).find((m) => m.token === t1));
        t.is(receipt.receipt, "measure");
        t.is(receipt.label, "ping-average-ip4");
        const r1 = await obs.waitFor("result 1", 30000, () => obs.resultsOf(probeId, t1)[0]);
        checkPingReport(t, r1, probeId, 1, t1, 2);
        t.log(`${rt.name}: receipt in ${obs.receipts.find((x) => x.msg.token === t1)!.at - sentAt} ms, result seq ${r1.seq}, rtt mean ${num(r1.rows[0].values[1])} µs`);

        // Hostile input, with the peak RSS measured across it.
        const rssBefore = procKb(probe.pid, "VmRSS") as number;
        const peakReset = resetPeak(probe.pid);
        const hwmBefore = procKb(probe.pid, "VmHWM") as number;
        const garbage = path.join(dir, "garbage.bin");
        const buf = Buffer.alloc(10 * 1024 * 1024);
        for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE(((Math.imul(i, 2654435761) ^ 0x5bd1e995) >>> 0), i);
        fs.writeFileSync(garbage, buf);
        const refusedBefore = Number((obs.status.get(probeId) as Record<string, unknown>).specsRefused ?? 0);
        const receiptsBefore = obs.receiptsOf(probeId).length;
        await mosquittoPub(broker.port, specTopic, { message: "{\"specification\": \"measure\", \"when\": " });
        await mosquittoPub(broker.port, specTopic, { file: garbage });
        const unknownTok = freshToken();
        await mosquittoPub(broker.port, specTopic, {
          message: JSON.stringify({ specification: "measure", version: 1, label: "no-such-measurement", token: unknownTok, when: "now + 1s", parameters: { "frobnication.level": "11" }, results: ["frobnication.result"] }),
        });
        const strayTok = freshToken();
        await mosquittoPub(broker.port, specTopic, { message: interruptMsg(strayTok) });
        const exceptions = await obs.waitFor("three exceptions", 30000, () => {
          const ex = obs.receiptsOf(probeId).slice(receiptsBefore).filter((m) => typeof m.exception === "string");
          return ex.length >= 3 ? ex : undefined;
        });
        const malformed = exceptions.find((m) => m.exception === "00000000000000000000000000000000");
        t.truthy(malformed, JSON.stringify(exceptions));
        const unknown = exceptions.find((m) => m.exception === unknownTok);
        t.truthy(unknown, "an unknown schema gets an exception with its token");
        const stray = exceptions.find((m) => m.exception === strayTok);
        t.truthy(stray, "an interrupt for an unknown token gets an exception with that token");
        t.regex(String(stray?.message), /token/);
        await obs.waitFor("the oversize refusal logged", 30000, () => (/refused a 1048\d{4}-byte message/.test(probe.log()) ? true : undefined));

        // Still working: a later spec is answered with seq 2.
        const t2 = freshToken();
        await mosquittoPub(broker.port, specTopic, { message: pingSpec(t2, "now + 0.4s / 0.2s") });
        const r2 = await obs.waitFor("result 2", 30000, () => obs.resultsOf(probeId, t2)[0]);
        checkPingReport(t, r2, probeId, 2, t2, 2);
        const rssAfter = procKb(probe.pid, "VmRSS") as number;
        const hwmAfter = procKb(probe.pid, "VmHWM") as number;
        t.true(probe.running(), "the agent kept running");
        t.log(`${rt.name}: RSS ${rssBefore} → ${rssAfter} kB, peak ${hwmBefore} → ${hwmAfter} kB (peak reset: ${peakReset}); exceptions ${exceptions.length}`);
        // The 10 MB message was never held: the peak grew by much less than its size.
        t.true(hwmAfter - (peakReset ? hwmBefore : rssBefore) < PEAK_GROWTH_KB[rt.name], `peak grew ${hwmAfter - hwmBefore} kB`);
        t.true(rssAfter - rssBefore < PEAK_GROWTH_KB[rt.name], `RSS grew ${rssAfter - rssBefore} kB`);

        // A repeated spec, then its interrupt: no more results after it.
        const t3 = freshToken();
        await mosquittoPub(broker.port, specTopic, { message: pingSpec(t3, "repeat now ... future / 1s { now + 0.4s / 0.2s }") });
        await obs.waitFor("two repeated results", 30000, () => (obs.resultsOf(probeId, t3).length >= 2 ? true : undefined));
        await mosquittoPub(broker.port, specTopic, { message: interruptMsg(t3) });
        await obs.waitFor("the interrupt logged", 10000, () => (probe.log().includes(`interrupted ${t3}`) ? true : undefined));
        // A result already queued when the interrupt came may still arrive: settle, then count.
        await sleep(1500);
        const atInterrupt = obs.resultsOf(probeId, t3).length;
        await sleep(3500);
        const afterWait = obs.resultsOf(probeId, t3).length;
        t.is(afterWait, atInterrupt, "no results after the interrupt");
        const seqs = obs.resultsOf(probeId).map((r) => r.seq);
        t.deepEqual(seqs, seqs.map((_s, i) => i + 1), "seqs 1..n in order, none lost or repeated");

        // Status republished by the watchdog timer: counts of what happened.
        const st = await obs.waitFor("a status after the interrupt", 15000, () => {
          const s = obs.status.get(probeId);
          return typeof s === "object" && s.specifications === 0 && Number(s.specsRefused) > refusedBefore ? s : undefined;
        });
        t.is(typeof st.queueDepth, "number");
        t.is(typeof st.dropped, "number");
        t.is(st.dropped, 0);
        t.true(Number(st.specsRefused) >= refusedBefore + 3, `specsRefused ${st.specsRefused}`);
        t.true(Number(st.nextSeq) === seqs.length + 1, `nextSeq ${st.nextSeq} after ${seqs.length} reports`);
        t.deepEqual(obs.undecodable, []);
        t.log(`${rt.name}: results ${seqs.length} (repeated ${atInterrupt}), receipts ${obs.receiptsOf(probeId).length}, refused ${st.specsRefused}, queueDepth ${st.queueDepth}, heapKb ${st.heapKb ?? "-"}, rssKb ${st.rssKb ?? "-"}`);

        // SIGTERM: leaves cleanly and says offline.
        const end = await probe.stop("SIGTERM", 15000);
        t.is(end?.code, 0, `exit ${JSON.stringify(end)}`);
        const off = await obs.waitFor("status offline", 10000, () => {
          const s = obs.status.get(probeId);
          return typeof s === "object" && s.status === "offline" ? s : s === "offline" ? s : undefined;
        });
        t.truthy(off);
      } catch (e) {
        t.log(probe.log().slice(-4000));
        t.log(`receipts: ${JSON.stringify(obs.receiptsOf(probeId)).slice(0, 3000)}`);
        t.log(`results: ${obs.resultsOf(probeId).map((r) => `${r.seq}:${r.token.slice(0, 8)}`).join(" ")}`);
        throw e;
      }
    });
  });
}
