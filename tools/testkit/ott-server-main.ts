// Stand-alone OTT media server (tools/testkit/ott-server.ts) for use in another process, e.g.
// inside a network namespace (tools/testkit/netns-link.ts):
//   node --import tsx tools/testkit/ott-server-main.ts --root DIR [--host H] [--port P] [--rate BYTES_PER_S]
// Prints one line {"base": "...", "port": N} when listening. Exits on SIGTERM/SIGINT or when
// its stdin ends (so it cannot outlive a parent that holds the stdin pipe).
import { startOttServer } from "./ott-server.ts";

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = arg("root");
if (!root) {
  console.error("usage: ott-server-main.ts --root DIR [--host H] [--port P] [--rate BYTES_PER_S]");
  process.exit(2);
}
const rate = arg("rate");
const srv = await startOttServer({ root, host: arg("host") ?? "127.0.0.1", port: Number(arg("port") ?? 0), rate: rate ? Number(rate) : undefined });
process.stdout.write(JSON.stringify({ base: srv.base, port: srv.port }) + "\n");
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  const hard = setTimeout(() => process.exit(0), 2000);
  hard.unref();
  void srv.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
