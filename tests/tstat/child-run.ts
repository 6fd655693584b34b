// A probe process for the SIGKILL test: runs one live tstat-log_tcp_complete-end_to_end
// specification with the device options given as JSON in argv[2], for argv[3] ms.
import { runTstat, testHost, device } from "./support.ts";

const options = JSON.parse(process.argv[2]) as Record<string, string>;
const ms = Number(process.argv[3]);
const host = testHost();
const now = Date.now();
process.stdout.write("running\n");
await runTstat(device(host, options), { label: "tstat-log_tcp_complete-end_to_end", startMs: now, endMs: now + ms });
process.stdout.write("done\n");
