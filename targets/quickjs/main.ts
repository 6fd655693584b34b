// QuickJS entry: `qjs dist/miniprobe.js ARGS`. qjs runs its own event loop after this
// module has been evaluated; the host's timers and process handlers live in it.
import { args, createHost } from "./host";
import { runCli } from "../../core/cli";
import { asProbeError } from "../../core/util/errors";

const host = createHost();
runCli(host, args()).then(
  (code) => host.exit(code),
  (e) => {
    host.log("error", "internal error: " + asProbeError(e).message);
    host.exit(70);
  },
);
