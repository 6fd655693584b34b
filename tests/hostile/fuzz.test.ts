// A bounded, seeded fuzz run of every manifest parser and every ping / traceroute output
// parser (tools/fuzz.ts: mutations of the real fixtures): each input gives a value or a
// typed ProbeError, never another exception. `npm run fuzz` is the long run (100k a parser).
import test from "ava";
import { performance } from "node:perf_hooks";
import { fuzz } from "../../tools/fuzz.ts";

test("fuzz (seed 7): every parser answers every mutated input with a value or a ProbeError", (t) => {
  t.timeout(180000);
  // at most 45 s of parsing on a loaded machine; at least 1000 inputs a parser when it gets them
  const counts = fuzz(4000, 7, performance.now() + 45000);
  t.true(counts.length >= 13, counts.map((c) => c.parser).join(", "));
  for (const c of counts) {
    t.deepEqual(c.crashes, [], `${c.parser}: ${c.crashCount} crashes`);
    t.is(c.values + Object.values(c.errors).reduce((a, b) => a + b, 0), c.inputs, c.parser);
    // both outcomes occur: the mutations reach past the first error check
    t.true(c.values > 0 && Object.keys(c.errors).length > 0, `${c.parser}: ${JSON.stringify(c)}`);
  }
  const manifests = counts.filter((c) => c.parser.startsWith("manifest."));
  t.true(manifests.every((c) => c.inputs >= 1000), JSON.stringify(manifests.map((c) => [c.parser, c.inputs])));
  t.log(counts.map((c) => `${c.parser} ${c.inputs}`).join(", "));
});
