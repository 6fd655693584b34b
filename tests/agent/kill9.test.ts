// Issue 10, "the probe killed with SIGKILL mid-drain, then restarted": the probe starts with
// a backlog of reports in its queue directory (written beforehand by core's own Queue, as an
// outage would have left them), takes a periodic ping specification, and is killed -9 while
// the backlog drains. Restarted with the same config it loses nothing (every seq from 1 to
// the last arrives), repeats a report only with its own seq, and the periodic specification
// resumes by itself (new results for its token, with no second receipt: nobody resent it).
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import {
  Observer, Pool, freshToken, interruptMsg, makeProbe, mosquittoPub, pingSpec, prefillQueue, requiredRuntimes, restartableBroker, runtimeMissing,
  seqAudit, sleep, tempDir, seqPerRun,
} from "./agent-kit.ts";

/** Reports waiting when the probe starts: node drains ~10,000/s, lua and qjs ~1,000/s here. */
const BACKLOG = 6000;
const LIMITS = { maxBytes: 16 * 1024 * 1024, maxCount: 20000 };

const pool = new Pool(2);

for (const rt of requiredRuntimes()) {
  test(`${rt.name}: kill -9 mid-drain loses nothing; the periodic spec resumes by itself`, async (t) => {
    const missing = runtimeMissing(rt);
    if (missing) return t.fail(`${rt.name}: ${missing}`);
    t.timeout(240_000);
    await pool.run(async () => {
      // Unbounded subscriber queues: node drains faster than the observer may read.
      const broker = (await restartableBroker({ logTypes: ["error", "warning", "notice"] })).broker;
      t.teardown(() => broker.stop());
      const dir = tempDir(`kill9-${rt.name}`);
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      const prefix = "mp-kill9";
      const probeId = `kill9-${rt.name.replace(".", "")}`;
      const qdir = path.join(dir, "queue");
      const backlog = await prefillQueue(qdir, probeId, BACKLOG, LIMITS);
      const obs = await Observer.connect(broker.port, prefix);
      t.teardown(() => obs.close());
      const probe = makeProbe(rt, dir, {
        broker: `mqtt://127.0.0.1:${broker.port}`, probeId, prefix, queueDir: qdir, statusIntervalS: 5, logLevel: "info",
        queueMaxBytes: LIMITS.maxBytes, queueMaxCount: LIMITS.maxCount,
      });
      t.teardown(() => probe.stop("SIGKILL", 3000));
      const token = freshToken();
      try {
        probe.start();
        // The status goes out just before the drain starts: the spec lands while it runs.
        await obs.waitOnline(probeId);
        await mosquittoPub(broker.port, `${prefix}/${probeId}/spec`, { message: pingSpec(token, "repeat now ... future / 1s { now + 0.4s / 0.2s }") });
        await obs.waitFor("receipt and 300 drained reports", 30000, () =>
          obs.receiptsOf(probeId).some((m) => m.token === token) && obs.resultsOf(probeId).length >= 300 ? true : undefined);
        await obs.waitFor("the spec saved", 5000, () => (fs.existsSync(path.join(qdir, "specs.json")) && fs.readFileSync(path.join(qdir, "specs.json"), "utf8").includes(token) ? true : undefined));
        const end = await probe.stop("SIGKILL", 5000);
        t.is(end?.signal, "SIGKILL");
        await sleep(300);
        const atKill = obs.resultsOf(probeId).length;
        const maxAtKill = seqAudit(obs.resultsOf(probeId).map((r) => r.seq)).max;
        t.true(maxAtKill < BACKLOG, `killed mid-drain: ${atKill} of ${BACKLOG} delivered`);

        probe.start();
        await obs.waitFor(`all ${BACKLOG} backlog seqs and 3 new periodic results`, 150000, () => {
          const a = seqAudit(obs.resultsOf(probeId).map((r) => r.seq));
          const fresh = obs.resultsOf(probeId, token).filter((r) => r.seq > BACKLOG);
          return a.max >= BACKLOG + 3 && a.gaps.length === 0 && fresh.length >= 3 ? true : undefined;
        });
        t.regex(probe.log(), /resumed 1 saved specification/);
        await mosquittoPub(broker.port, `${prefix}/${probeId}/spec`, { message: interruptMsg(token) });
        await sleep(2000);
        const stopped = await probe.stop("SIGTERM", 15000);
        t.is(stopped?.code, 0);

        const reports = obs.resultsOf(probeId);
        const a = seqAudit(reports.map((r) => r.seq));
        const periodic = reports.filter((r) => r.token === token);
        const afterRestart = obs.results.slice(atKill).filter((r) => r.probe === probeId && r.report.token === token).length;
        t.log(`${rt.name}: backlog ${BACKLOG} (${backlog.bytes} bytes), ${atKill} delivered before kill -9; after restart ${reports.length - atKill} more; ` +
          `seqs 1..${a.max} (${a.unique} unique), duplicates ${a.duplicates}, out of order ${a.outOfOrder}, periodic results ${periodic.length} (${afterRestart} after the restart)`);
        t.deepEqual(a.gaps, [], "no sequence number missing");
        t.is(a.unique, a.max);
        t.is(a.outOfOrder, 0);
        t.deepEqual(seqPerRun(reports), [], "a resent report keeps its seq");
        t.true(reports.filter((r) => r.token === backlog.token).length >= BACKLOG);
        t.true(afterRestart >= 3, "the periodic spec resumed without being resent");
        t.is(obs.receiptsOf(probeId).filter((m) => m.token === token).length, 1, "one receipt: the spec was not sent again");
        t.true(periodic.every((r) => r.exceptions.length === 0 && r.rows.length === 1));
        t.deepEqual(obs.undecodable, []);
      } catch (e) {
        t.log(probe.log().slice(-4000));
        throw e;
      }
    });
  });
}
