// The agent with "queueStore": "memory" on each runtime's real bundle: it says at start and
// in status that its store is not durable, still delivers a result through mosquitto (its
// sequence numbers start at the wall clock, not at 1), and writes no queue segment (only
// specs.json, into the state directory it makes itself).
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import { startMosquitto } from "../../tools/testkit/mosquitto.ts";
import { Observer, Pool, freshToken, makeProbe, mosquittoPub, pingSpec, requiredRuntimes, runtimeMissing, tempDir } from "./agent-kit.ts";

// Two probes (each with its broker) at a time: the machine has 2 cores shared with others.
const pool = new Pool(2);

for (const rt of requiredRuntimes()) {
  test(`${rt.name}: the agent runs on the memory store and says it is not durable`, async (t) => {
    const missing = runtimeMissing(rt);
    if (missing) return t.fail(`${rt.name}: ${missing}`);
    t.timeout(120_000);
    await pool.run(async () => {
      const broker = await startMosquitto();
      t.teardown(() => broker.stop());
      const dir = tempDir(`memstore-${rt.name}`);
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      const prefix = `mp-mem-${rt.name.replace(".", "")}`;
      const probeId = `mem-${rt.name.replace(".", "")}`;
      const stateDir = path.join(dir, "state");
      const obs = await Observer.connect(broker.port, prefix);
      t.teardown(() => obs.close());
      const probe = makeProbe(rt, dir, {
        broker: `mqtt://127.0.0.1:${broker.port}`, probeId, prefix, queueStore: "memory", queueDir: stateDir, statusIntervalS: 5,
      });
      t.teardown(() => probe.stop("SIGKILL", 3000));
      const startedMs = Date.now();
      probe.start();
      try {
        const status = await obs.waitOnline(probeId);
        t.is(status.queueDurable, false);
        t.true(probe.log().includes("queue in memory (NOT durable"), probe.log());
        const token = freshToken();
        await mosquittoPub(broker.port, `${prefix}/${probeId}/spec`, { message: pingSpec(token, "now + 1s / 0.5s") });
        const r = await obs.waitFor("result", 30000, () => obs.resultsOf(probeId, token)[0]);
        // Numbered from the wall clock (ms): a restart does not reuse the last run's numbers.
        t.true(r.seq >= startedMs && r.seq <= Date.now(), `seq ${r.seq}, started at ${startedMs}`);
        t.is(r.token, token);
        const files = fs.readdirSync(stateDir);
        t.deepEqual(files.filter((f) => f.startsWith("seg-") || f === "head.json"), [], `state directory: ${files.join(", ")}`);
        t.true(files.includes("specs.json"), `state directory: ${files.join(", ")}`);
        const exit = await probe.stop("SIGTERM", 10000);
        t.is(exit?.code, 0, probe.log());
      } catch (e) {
        t.log(probe.log());
        throw e;
      }
    });
  });
}
