// The agent on the musl-built runtimes (tools/musl-runtimes.sh: qjs and lua5.1 with
// luasocket + luaposix, dynamically linked against musl like OpenWrt's): against a real
// mosquitto it comes online, answers a ping specification with a receipt and a result
// protobufjs decodes, and the process really runs on musl. tools/test.sh builds both (about
// 30 s once, cached), so a runtime that is missing fails here. The static qjs is a bench
// option (`tools/musl-runtimes.sh qjs-static`), not tested here.
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import { startMosquitto } from "../../tools/testkit/mosquitto.ts";
import { Observer, Pool, agentRuntimes, freshToken, makeProbe, mosquittoPub, num, pingSpec, runtimeMissing, tempDir } from "./agent-kit.ts";

const pool = new Pool(2);

for (const rt of agentRuntimes.filter((r) => r.name === "qjs-musl" || r.name === "lua5.1-musl")) {
  test(`${rt.name}: agent comes online, answers a ping spec, runs on musl`, async (t) => {
    const missing = runtimeMissing(rt);
    if (missing !== undefined) return t.fail(`${missing}: tools/musl-runtimes.sh builds it (tools/test.sh runs it)`);
    t.timeout(120_000);
    await pool.run(async () => {
      const broker = await startMosquitto({ logTypes: ["error", "warning"] });
      t.teardown(() => broker.stop());
      const dir = tempDir(`musl-${rt.name}`);
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      const prefix = "mp-musl";
      const probeId = `musl-${rt.name.replace(".", "")}`;
      const obs = await Observer.connect(broker.port, prefix);
      t.teardown(() => obs.close());
      const probe = makeProbe(rt, dir, { broker: `mqtt://127.0.0.1:${broker.port}`, probeId, prefix, queueDir: path.join(dir, "queue"), statusIntervalS: 5 });
      t.teardown(() => probe.stop("SIGKILL", 3000));
      probe.start();
      try {
        const status = await obs.waitOnline(probeId);
        t.is(status.probe, probeId);
        t.regex(String(status.runtime), rt.name.startsWith("qjs") ? /quickjs|qjs/i : /lua/i);
        // What the process mapped: musl's libc.so, which is also its loader
        // (/lib/ld-musl-x86_64.so.1 links to it).
        const maps = fs.readFileSync(`/proc/${probe.pid}/maps`, "utf8");
        t.true(/linux-musl\/libc\.so|ld-musl-x86_64/.test(maps), "musl's libc.so mapped");
        t.false(/libc\.so\.6|ld-linux/.test(maps), "no glibc mapped");

        const token = freshToken();
        await mosquittoPub(broker.port, `${prefix}/${probeId}/spec`, { message: pingSpec(token, "now + 1s / 0.5s") });
        const receipt = await obs.waitFor("receipt", 30000, () => obs.receiptsOf(probeId).find((m) => m.token === token));
        t.is(receipt.receipt, "measure");
        const r = await obs.waitFor("result", 30000, () => obs.resultsOf(probeId, token)[0]);
        t.is(r.probeId, probeId);
        t.is(r.label, "ping-average-ip4");
        t.deepEqual(r.exceptions, []);
        t.is(r.rows.length, 1);
        const values = r.rows[0].values.map(num);
        t.is(values[4], 2, "both echo requests to 127.0.0.1 answered");
        t.true(values[1] !== undefined && values[1] > 0 && values[1] < 500000, `mean rtt ${values[1]} µs`);
      } catch (e) {
        t.log(probe.log().slice(-3000));
        throw e;
      }
    });
  });
}
