// QuickJS entry of the MQTT client suite with the real QuickJS host (bundled by
// tests/mqtt/client.test.ts with rollup; `qjs mqtt-suite.js key=value ...`).
import { args, createHost } from "../../targets/quickjs/host";
import { mqttSuiteConfig, runMqttSuite } from "./client-suite";

const host = createHost({ probeId: "mqttsuite" });
const cfg = mqttSuiteConfig(args());
if (cfg === undefined) {
  host.log("error", "usage: mqtt-suite.js port=N authPort=N username=U password=W pidFile=F logFile=F restart=ARGV tag=T [only=a,b]");
  host.exit(2);
} else {
  runMqttSuite(host, cfg).then((lines) => {
    for (const l of lines) host.write(l + "\n");
    host.exit(0);
  });
}
