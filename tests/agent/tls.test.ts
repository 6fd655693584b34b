// Issue 10, TLS: mosquitto with an mqtts listener whose CA and server certificate the test
// makes with openssl (tools/testkit/mosquitto.ts). On every host that can do TLS (Node's
// tls, Lua with luasec, QuickJS through openssl s_client) the agent trusting that CA
// connects and gets a ping result through; one trusting another CA is refused: it never
// connects (no status, no CONNECT in the broker's log, on either listener: no plain-text
// fallback) and says why in its log.
import test from "ava";
import fs from "node:fs";
import path from "node:path";
import { startMosquitto } from "../../tools/testkit/mosquitto.ts";
import {
  Observer, Pool, freshToken, makeProbe, mosquittoPub, num, pingSpec, requiredRuntimes, runtimeMissing, sleep, tempDir,
} from "./agent-kit.ts";

// Per runtime two probes run at once (the trusting and the distrusting one): one runtime at a time.
const pool = new Pool(1);

const brokerP = startMosquitto({ tls: true, logTypes: ["error", "warning", "notice", "information"] });
test.after.always(async () => (await brokerP).stop());

for (const rt of requiredRuntimes()) {
  test(`${rt.name}: mqtts with the test's CA gets a result through; another CA is refused`, async (t) => {
    const missing = runtimeMissing(rt);
    if (missing) return t.fail(`${rt.name}: ${missing}`);
    t.timeout(180_000);
    const broker = await brokerP;
    const tlsFiles = broker.tls!;
    await pool.run(async () => {
      const tag = rt.name.replace(".", "");
      const prefix = "mp-tls";
      const obs = await Observer.connect(broker.port, prefix);
      t.teardown(() => obs.close());
      const dir = tempDir(`tls-${tag}`);
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      const mk = (name: string, ca: string) => {
        const sub = path.join(dir, name);
        fs.mkdirSync(sub);
        return makeProbe(rt, sub, {
          broker: `mqtts://127.0.0.1:${broker.tlsPort}`, probeId: `tls-${name}-${tag}`, prefix, queueDir: path.join(sub, "queue"),
          statusIntervalS: 5, logLevel: "info", tls: { ca },
        });
      };
      const good = mk("good", tlsFiles.caFile);
      const bad = mk("bad", tlsFiles.otherCaFile);
      t.teardown(() => good.stop("SIGKILL", 3000));
      t.teardown(() => bad.stop("SIGKILL", 3000));
      const goodId = `tls-good-${tag}`;
      const badId = `tls-bad-${tag}`;
      bad.start();
      good.start();
      try {
        const st = await obs.waitOnline(goodId, "status online over TLS");
        t.is(st.probe, goodId);
        const token = freshToken();
        await mosquittoPub(broker.port, `${prefix}/${goodId}/spec`, { message: pingSpec(token, "now + 0.4s / 0.2s") });
        const r = await obs.waitFor("a result over TLS", 30000, () => obs.resultsOf(goodId, token)[0]);
        t.is(r.seq, 1);
        t.is(r.probeId, goodId);
        t.is(num(r.rows[0]?.values[4]), 2, "two echo replies counted");
        t.true(obs.receiptsOf(goodId).some((m) => m.token === token && m.receipt === "measure"));

        // The distrusting probe has had as long as the other to connect: give it a few more seconds.
        await sleep(4000);
        t.true(bad.running(), "a refused broker is retried, not fatal");
        t.false(obs.status.has(badId), "the probe trusting another CA never published");
        const log = broker.log();
        t.false(log.includes(` as ${badId}`), "the broker never saw a CONNECT from it (TLS or plain)");
        t.true(log.includes(` as ${goodId}`), "the broker logged the trusting probe's CONNECT");
        t.regex(bad.log(), /certificate verify failed|SELF_SIGNED_CERT_IN_CHAIN|self-signed certificate|unable to get local issuer/i);
        const failures = (bad.log().match(/broker connection lost/g) ?? []).length;
        t.true(failures >= 1);
        t.log(`${rt.name}: TLS result seq ${r.seq} rtt mean ${num(r.rows[0]?.values[1])} µs; wrong CA refused ${failures} time(s): ${(bad.log().match(/broker connection lost: ([^\n]{0,100})/) ?? ["", "?"])[1]}`);
      } catch (e) {
        t.log(`good:\n${good.log().slice(-2000)}\nbad:\n${bad.log().slice(-2000)}`);
        throw e;
      }
    });
  });
}
