// Node entry for the probe: `npx miniprobe probe ARGS`.
import { createHost } from "./host";
import { runCli } from "../../core/cli";
import { asProbeError } from "../../core/util/errors";

export async function main(argv: string[]): Promise<number> {
  const host = createHost();
  try {
    return await runCli(host, argv);
  } catch (e) {
    host.log("error", "internal error: " + asProbeError(e).message);
    return 70;
  }
}
