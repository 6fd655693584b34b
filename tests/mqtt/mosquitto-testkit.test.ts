// tools/testkit/mosquitto.ts itself: the TLS listener it configures (CA and certificates
// made by openssl) accepts a client that trusts the CA and refuses one trusting another
// CA; the password listener refuses anonymous clients. Checked with mosquitto_pub.
import test from "ava";
import { execFile } from "node:child_process";
import { startMosquitto, mosquittoPath } from "../../tools/testkit/mosquitto";

function pub(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile("mosquitto_pub", ["-h", "127.0.0.1", "-t", "t", "-m", "x", "-q", "1", ...args], { timeout: 20000 }, (err) => resolve(err ? (typeof err.code === "number" ? err.code : -1) : 0));
  });
}

const t0 = mosquittoPath() !== undefined ? test : test.skip;
t0("testkit mosquitto: TLS listener with generated CA, password listener", async (t) => {
  const m = await startMosquitto({ tls: true, auth: { username: "u", password: "pw" } });
  t.teardown(() => m.stop());
  const tls = m.tls!;
  t.is(await pub(["-p", String(m.port)]), 0, "plain listener");
  t.is(await pub(["-p", String(m.tlsPort), "--cafile", tls.caFile]), 0, "TLS with the right CA");
  t.not(await pub(["-p", String(m.tlsPort), "--cafile", tls.otherCaFile]), 0, "TLS with another CA must fail");
  t.is(await pub(["-p", String(m.tlsPort), "--cafile", tls.caFile, "--cert", tls.clientCertFile, "--key", tls.clientKeyFile]), 0, "client certificate");
  t.not(await pub(["-p", String(m.authPort)]), 0, "anonymous on the password listener");
  t.is(await pub(["-p", String(m.authPort), "-u", "u", "-P", "pw"]), 0, "user and password");
});
