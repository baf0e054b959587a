/** Latency statistics: nearest-rank percentiles and a bootstrap interval for a ratio of percentiles. */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array: the smallest value with at least p % of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** A small seeded PRNG (mulberry32), so the bootstrap gives the same interval for the same samples. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Percentile bootstrap 95 % interval of percentile(b, p) / percentile(a, p): both samples are resampled
 * with replacement `iterations` times. It says how much the ratio could move by sampling alone.
 */
export function bootstrapRatio(
  a: readonly number[],
  b: readonly number[],
  p: number,
  iterations = 2_000,
  seed = 42,
): { low: number; high: number } {
  if (a.length === 0 || b.length === 0) return { low: Number.NaN, high: Number.NaN };
  const random = prng(seed);
  const resample = (values: readonly number[]) => {
    const out = new Array<number>(values.length);
    for (let i = 0; i < values.length; i += 1) out[i] = values[Math.floor(random() * values.length)]!;
    return out.sort((x, y) => x - y);
  };
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i += 1) ratios.push(percentile(resample(b), p) / percentile(resample(a), p));
  ratios.sort((x, y) => x - y);
  return { low: percentile(ratios, 2.5), high: percentile(ratios, 97.5) };
}
