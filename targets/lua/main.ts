// Lua entry: `lua5.1 dist/miniprobe.lua ARGS` (or luajit). The host's event loop runs
// until nothing is pending; then the exit code the command line returned is used.
import { args, createHost, runLoop } from "./host";
import { runCli } from "../../core/cli";
import { asProbeError } from "../../core/util/errors";

const host = createHost();
let code = -1;
runCli(host, args()).then(
  (c) => {
    code = c;
  },
  (e) => {
    host.log("error", "internal error: " + asProbeError(e).message);
    code = 70;
  },
);
runLoop();
host.exit(code < 0 ? 70 : code);
