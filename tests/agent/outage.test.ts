// Issue 10, "broker stopped for 60 s while a 1 s periodic ping runs": the broker is killed
// (SIGKILL — the port closes; SIGSTOP would only freeze it) and started again on the same
// port 60 s later. The probes' durable queues hold what they measured meanwhile; afterwards
// every report has arrived exactly once per sequence number, in order, with no gap from 1
// to the last (a duplicate is counted, and allowed only with the same sequence number).
// node, qjs and lua5.1 run side by side on the one broker to keep the wall time near 90 s.
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import {
  Observer, ProbeProcess, freshToken, interruptMsg, makeProbe, mosquittoPub, pingSpec, requiredRuntimes, restartableBroker,
  runtimeMissing, seqAudit, sleep, tempDir, seqPerRun,
} from "./agent-kit.ts";

const OUTAGE_S = Number(process.env.MINIPROBE_OUTAGE_S ?? 60);

/** Records on disk in a queue directory (acknowledged or not): proof the queue holds them. */
function recordsOnDisk(dir: string): number {
  let n = 0;
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (/^seg-\d+\.q$/.test(f)) n += fs.readFileSync(path.join(dir, f), "latin1").split("\n").filter((l) => l.startsWith("R ")).length;
  }
  return n;
}

test(`broker killed for ${OUTAGE_S} s: every report arrives once per seq, in order, none missing (node, qjs, lua5.1)`, async (t) => {
  const rts = requiredRuntimes();
  for (const rt of rts) {
    const missing = runtimeMissing(rt);
    if (missing) return t.fail(`${rt.name}: ${missing}`);
  }
  t.timeout((OUTAGE_S + 240) * 1000);
  const rb = await restartableBroker();
  t.teardown(() => rb.broker.stop());
  const port = rb.broker.port;
  const prefix = "mp-outage";
  const obs = await Observer.connect(port, prefix, { clientId: `outage-observer-${process.pid}`, clean: false });
  t.teardown(() => obs.close());
  const probes: { id: string; probe: ProbeProcess; qdir: string; token: string }[] = [];
  for (const rt of rts) {
    const dir = tempDir(`outage-${rt.name}`);
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const id = `outage-${rt.name.replace(".", "")}`;
    const qdir = path.join(dir, "queue");
    const probe = makeProbe(rt, dir, { broker: `mqtt://127.0.0.1:${port}`, probeId: id, prefix, queueDir: qdir, statusIntervalS: 5, logLevel: "info" });
    t.teardown(() => probe.stop("SIGKILL", 3000));
    probe.start();
    probes.push({ id, probe, qdir, token: freshToken() });
  }
  try {
    for (const p of probes) {
      await obs.waitFor(`${p.id} online`, 60000, () => {
        const s = obs.status.get(p.id);
        return typeof s === "object" && s.status === "online" ? true : undefined;
      });
      await mosquittoPub(port, `${prefix}/${p.id}/spec`, { message: pingSpec(p.token, "repeat now ... future / 1s { now + 0.5s / 0.25s }") });
    }
    for (const p of probes) await obs.waitFor(`${p.id}: 3 results`, 30000, () => (obs.resultsOf(p.id, p.token).length >= 3 ? true : undefined));
    // Let the broker save the observer's session before it dies.
    await sleep(1500);
    const before = new Map(probes.map((p) => [p.id, Math.max(...obs.resultsOf(p.id).map((r) => r.seq))]));
    const onDiskBefore = new Map(probes.map((p) => [p.id, recordsOnDisk(p.qdir)]));
    await rb.kill();
    const killedAt = Date.now();
    t.log(`broker killed; last seqs seen ${JSON.stringify(Object.fromEntries(before))}`);
    await sleep(OUTAGE_S * 1000);
    const held = new Map(probes.map((p) => [p.id, recordsOnDisk(p.qdir) - (onDiskBefore.get(p.id) ?? 0)]));
    for (const p of probes) {
      t.true(p.probe.running(), `${p.id} kept running through the outage`);
      // ~1 report a second, on disk (a busy machine may skip a trigger or two).
      t.true((held.get(p.id) ?? 0) >= OUTAGE_S * 0.7, `${p.id}: ${held.get(p.id)} new records on disk after ${OUTAGE_S} s`);
    }
    await rb.restart();
    const back = Date.now();
    t.log(`broker back after ${((back - killedAt) / 1000).toFixed(1)} s; records queued on disk: ${JSON.stringify(Object.fromEntries(held))}`);
    // Every probe reconnects (capped backoff: up to a minute) and drains its backlog.
    const reconnect = new Map<string, number>();
    for (const p of probes) {
      const want = (before.get(p.id) ?? 0) + Math.floor(OUTAGE_S * 0.7);
      await obs.waitFor(`${p.id}: seqs 1..${want} after the restart`, 150000, () => {
        const a = seqAudit(obs.resultsOf(p.id).map((r) => r.seq));
        if (!reconnect.has(p.id) && a.max > (before.get(p.id) ?? 0)) reconnect.set(p.id, Date.now() - back);
        return a.max >= want && a.gaps.length === 0 ? true : undefined;
      });
    }
    for (const p of probes) await mosquittoPub(port, `${prefix}/${p.id}/spec`, { message: interruptMsg(p.token) });
    await sleep(2500);
    await Promise.all(probes.map((p) => p.probe.stop("SIGTERM", 15000)));
    for (const p of probes) {
      const reports = obs.resultsOf(p.id);
      const a = seqAudit(reports.map((r) => r.seq));
      t.log(`${p.id}: ${reports.length} reports, seqs 1..${a.max} (${a.unique} unique), duplicates ${a.duplicates}, out of order ${a.outOfOrder}, ` +
        `gaps ${a.gaps.length}, held ${held.get(p.id)} during the outage, first new report seen ${reconnect.get(p.id)} ms after the broker came back`);
      t.deepEqual(a.gaps, [], `${p.id}: no sequence number missing`);
      t.is(a.outOfOrder, 0, `${p.id}: first arrivals in order`);
      t.is(a.unique, a.max, `${p.id}: seqs 1..${a.max}`);
      t.deepEqual(seqPerRun(reports), [], `${p.id}: a resent report keeps its seq`);
      t.true(reports.every((r) => r.token === p.token && r.exceptions.length === 0 && r.rows.length === 1), `${p.id}: every report a ping row`);
    }
    t.deepEqual(obs.undecodable, []);
    const obsBack = obs.connects.find((c) => c >= back);
    t.log(`the observer itself reconnected ${obsBack !== undefined ? obsBack - back : "?"} ms after the broker came back (its session kept what arrived before)`);
  } catch (e) {
    for (const p of probes) t.log(`${p.id} log tail:\n${p.probe.log().slice(-3000)}`);
    throw e;
  }
});
