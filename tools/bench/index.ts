// npm run bench: every section measures against a baseline in the same run.
import { printRows, BenchRow } from "./report.ts";
import { bench as foundation } from "./foundation.ts";
import { bench as ott } from "./ott.ts";
import { bench as pingTraceroute } from "./ping-traceroute.ts";

const sections: { name: string; run: () => Promise<BenchRow[]> }[] = [{ name: "foundation", run: foundation }, { name: "ott", run: ott }];
sections.push({ name: "ping-traceroute", run: pingTraceroute });
sections.push({ name: "http-cpu", run: (await import("./http-cpu.ts")).bench });

const only = process.argv.slice(2);
for (const s of sections) {
  if (only.length > 0 && !only.includes(s.name)) continue;
  try {
    printRows(await s.run());
  } catch (e) {
    console.log(`\n## ${s.name}: failed: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
