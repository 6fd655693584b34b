// One benchmark row: a measured value, and where it makes sense the baseline measured in
// the same run and their ratio. Nothing here is compared with a stored number.
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  baselineName?: string;
  baseline?: number;
  /** value / baseline */
  ratio?: number;
  note?: string;
}

export function row(section: string, name: string, value: number, unit: string, base?: { name: string; value: number }, note?: string): BenchRow {
  const r: BenchRow = { section, name, value, unit, note };
  if (base) {
    r.baselineName = base.name;
    r.baseline = base.value;
    r.ratio = base.value === 0 ? undefined : value / base.value;
  }
  return r;
}

export function printRows(rows: BenchRow[]): void {
  let section = "";
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      console.log(`\n## ${section}`);
    }
    const v = `${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}`;
    const b = r.baselineName ? `   vs ${r.baselineName} ${Number.isInteger(r.baseline!) ? r.baseline : r.baseline!.toFixed(2)} ${r.unit}` : "";
    const q = r.ratio !== undefined ? `   ratio ${r.ratio.toFixed(3)}` : "";
    console.log(`${r.name.padEnd(44)} ${v.padStart(16)}${b}${q}${r.note ? `   (${r.note})` : ""}`);
  }
}

/** Median of n timed runs of fn, in ms. */
export async function timeMedian(n: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}
