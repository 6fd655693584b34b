// Lua entry of the MQTT client suite (tests/mqtt/client-suite.ts) with the real Lua host:
//   lua5.1 dist/mqttsuite.lua port=P authPort=Q username=U password=W pidFile=F logFile=L restart="mosquitto -c C -d" tag=T
// Built by tests/mqtt/tsconfig.lua.json, run by tests/mqtt/client.test.ts.
import { args, createHost, runLoop } from "../../targets/lua/host";
import { mqttSuiteConfig, runMqttSuite } from "./client-suite";

const host = createHost({ probeId: "mqttsuite" });
const cfg = mqttSuiteConfig(args());
if (cfg === undefined) {
  host.log("error", "usage: mqttsuite.lua port=N authPort=N username=U password=W pidFile=F logFile=F restart=ARGV tag=T [only=a,b]");
  host.exit(2);
} else {
  runMqttSuite(host, cfg).then((lines) => {
    for (const l of lines) host.write(l + "\n");
    host.exit(0);
  });
  runLoop();
}
