// The dashboard in real headless Chromium: a ping specification sent from the page's form
// reaches a simulated probe over MQTT, its result comes back, and the point shows on the
// RTT plot; an OTT and a traceroute result fill their panels. Screenshot kept in
// test-artifacts/.
import test from "ava";
import { mkdirSync } from "node:fs";
import { Collector } from "../../tools/collector/collector.ts";
import { ReportCodec } from "../../tools/collector/report-codec.ts";
import { chromiumMissing, openBrowser } from "../../tools/testkit/chromium.ts";
import { ProbeSim, SIM_CAPABILITIES, madeUpResult } from "../../tools/testkit/probe-sim.ts";
import { tempDir, until } from "./support/util.ts";

const codec = ReportCodec.loadSync();

test("a ping specification sent from the dashboard form ends as a point on the RTT plot", async (t) => {
  const missing = chromiumMissing();
  if (missing) return t.fail(missing);
  const d = tempDir("miniprobe-dash-");
  t.teardown(d.remove);
  const c = await Collector.start({ broker: "embedded", mqttPort: 0, httpPort: 0, dataDir: d.dir, quiet: true });
  t.teardown(() => c.close());
  const sim = await ProbeSim.start({ url: c.broker.url, probeId: "dash1", codec, resultDelayMs: 300 });
  t.teardown(() => sim.stop(false));
  await until("capabilities", async () => (await c.store.probe("dash1"))?.capabilities_json || undefined);
  // Something in the other panels too: an OTT session and a traceroute.
  const spec = (label: string, p: Record<string, string>) => ({ kind: "specification" as const, verb: "measure", version: 1, registry: "", token: "cd".repeat(16), parameters: p, metadata: {}, results: [], label });
  await sim.publishReport(madeUpResult("dash1", spec("ott-download", { "content.url": "http://127.0.0.1/x.m3u8" }), SIM_CAPABILITIES[3]));
  await sim.publishReport(madeUpResult("dash1", spec("traceroute-ip4", { "destination.ip4": "127.0.0.1" }), SIM_CAPABILITIES[2]));

  const b = await openBrowser();
  t.teardown(() => b.close());
  const page = b.page;
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(c.httpUrl + "/dashboard/", { timeout: 60000 });
  await page.waitForSelector('#probes tr[data-probe="dash1"] .state.online', { timeout: 30000 });
  t.is(await page.getAttribute("#rtt", "data-points"), "0");
  await page.waitForSelector('#f-cap option[value="ping-average-ip4"], #f-cap option:text("ping-average-ip4")', { state: "attached", timeout: 30000 });
  await page.selectOption("#f-probe", "dash1");
  await page.selectOption("#f-cap", "ping-average-ip4");
  await page.fill("#f-params", "destination.ip4=127.0.0.1");
  await page.fill("#f-when", "now + 3s / 1s");
  await page.click("#f-send");
  await page.waitForSelector("#f-out:text-matches('^sent ')", { timeout: 30000 });
  const token = await page.getAttribute("#f-out", "data-token");
  t.regex(token ?? "", /^[0-9a-f]{32}$/);
  // The point on the plot: uPlot has one x value and the series is named probe → target.
  await page.waitForSelector('#rtt[data-points="1"]', { state: "attached", timeout: 30000 });
  t.is(await page.locator("#rtt .u-legend .u-series").nth(1).locator(".u-label").textContent(), "dash1 → 127.0.0.1");
  t.is(sim.specs[0].token, token ?? undefined);
  t.is(sim.specs[0].parameters["destination.ip4"], "127.0.0.1");
  t.is(await page.getAttribute("#ott", "data-points"), "1");
  t.deepEqual(await page.locator("#trace tbody tr td:nth-child(2)").allTextContents(), ["10.0.0.1", "192.0.2.1", "127.0.0.1"]);
  await page.waitForSelector("#specs tbody tr:has-text('done')", { timeout: 30000 });
  mkdirSync("test-artifacts", { recursive: true });
  await page.screenshot({ path: "test-artifacts/collector-dashboard.png", fullPage: true });
  t.deepEqual(errors, []);
});
