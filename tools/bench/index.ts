// npm run bench: every section measures against a baseline in the same run.
import { printRows, BenchRow } from "./report.ts";
import { bench as foundation } from "./foundation.ts";
import { bench as ott } from "./ott.ts";
import { bench as pingTraceroute } from "./ping-traceroute.ts";
import { bench as tstat } from "./tstat.ts";
import { bench as manifestMemory } from "./manifest-memory.ts";
import { bench as collector } from "./collector.ts";
import { bench as reportCodec } from "./report-codec.ts";
import { bench as mqtt } from "./mqtt.ts";

const sections: { name: string; run: () => Promise<BenchRow[]> }[] = [{ name: "foundation", run: foundation }, { name: "ott", run: ott }];
sections.push({ name: "ping-traceroute", run: pingTraceroute });
sections.push({ name: "tstat", run: tstat });
sections.push({ name: "manifest-memory", run: manifestMemory });
sections.push({ name: "collector", run: collector });
sections.push({ name: "report-codec", run: reportCodec });
sections.push({ name: "mqtt", run: mqtt });
sections.push({ name: "agent", run: (await import("./agent.ts")).bench });
sections.push({ name: "http-cpu", run: (await import("./http-cpu.ts")).bench });
sections.push({ name: "openwrt", run: (await import("./openwrt.ts")).bench });

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
