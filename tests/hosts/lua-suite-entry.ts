// Lua entry of the host conformance suite: creates the real Lua host, reads the config
// from the command line (key=value arguments), runs the suite, prints one line per check.
//   lua5.1 dist/hostsuite.lua httpBase=http://127.0.0.1:P tmpDir=/tmp/x echoPort=Q [httpBase6=...] [stdin=TEXT]
//
// This file, unlike host-suite.ts, is NOT @noSelfInFile: the extra check below uses the
// host the way ordinary core files compile (interface members with self, an onLine arrow
// compiled as function(self, line), a detached method reference called with nil self).
import { args, createHost, runLoop } from "../../targets/lua/host";
import { Host } from "../../core/host";
import { runHostSuite, suiteConfigFromArgs } from "./host-suite";

function selfContextCheck(host: Host, done: (line: string) => void): void {
  const ex = host.exec;
  if (ex === undefined) {
    done("skip lua.self-context: exec absent");
    return;
  }
  const lines: string[] = [];
  ex(["printf", "a\\nb\\n"], { timeoutMs: 5000, maxBytes: 1000, onLine: (l) => { lines.push(l); } }, (err, res) => {
    const got = lines.join("|");
    if (err === undefined && res !== undefined && got === "a|b" && host.mono() > 0) done("ok lua.self-context");
    else done("FAIL lua.self-context: onLine saw " + got);
  });
}

const host = createHost({ probeId: "hostsuite" });
const cfg = suiteConfigFromArgs(args());
if (cfg === undefined) {
  host.log("error", "usage: hostsuite.lua httpBase=URL tmpDir=DIR echoPort=N [httpBase6=URL] [stdin=TEXT]");
  host.exit(2);
} else {
  selfContextCheck(host, (first) => {
    runHostSuite(host, cfg, (lines) => {
      host.write(first + "\n");
      for (const l of lines) host.write(l + "\n");
    });
  });
  runLoop();
}
