/** Small helpers shared by the benchmarks: repeat a measurement and keep the median. */
export interface BenchRow {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** The goal from the issue, for the table; not asserted anywhere. */
  aim: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function repeat(runs: number, measure: () => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return values;
}

export function row(name: string, unit: string, values: number[], aim: string): BenchRow {
  return {
    name,
    unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
    aim,
  };
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'median', 'min', 'max', 'runs', 'aim'];
  const lines = rows.map((r) => [
    r.name,
    `${fmt(r.median)} ${r.unit}`,
    fmt(r.min),
    fmt(r.max),
    String(r.runs),
    r.aim,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

function fmt(value: number): string {
  // A ratio against zero (the tool lost nothing) is infinite; say so rather than "Infinity".
  if (value === Number.POSITIVE_INFINITY) return '∞';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** `a ÷ b`, with 0 ÷ 0 taken as 1 (no difference) and n ÷ 0 as ∞. */
export function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Number.POSITIVE_INFINITY;
  return a / b;
}

/** JSON has no Infinity; write it as the string "Infinity" instead of null. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  return value === Number.POSITIVE_INFINITY ? 'Infinity' : value;
}
