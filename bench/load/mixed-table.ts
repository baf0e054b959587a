import { table } from '../lib/markdown';
import { OPERATION_KINDS, type MixedStats } from './mixed';

/** One row per operation kind, as the bench results show them. */
export function statsTable(stats: MixedStats): string {
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');
  const codes = (byCode: Record<string, number>) =>
    Object.entries(byCode)
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => `${code} ${count}`)
      .join(', ') || '-';
  return table(
    ['operation', 'requests', 'failed', 'p50 ms', 'p95 ms', 'p99 ms', 'failures by code'],
    [
      ...OPERATION_KINDS.map((kind) => {
        const op = stats.byOperation[kind];
        return [
          kind,
          String(op.requests),
          String(op.failures),
          ms(op.latencyMs.p50),
          ms(op.latencyMs.p95),
          ms(op.latencyMs.p99),
          codes(op.failuresByCode),
        ];
      }),
      [
        '**all**',
        String(stats.requests),
        String(stats.failures),
        ms(stats.latencyMs.p50),
        ms(stats.latencyMs.p95),
        ms(stats.latencyMs.p99),
        codes(stats.failuresByCode),
      ],
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
}
