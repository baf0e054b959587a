/** Small Markdown helpers for the results file. */

export function table(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
  align?: ReadonlyArray<'l' | 'r'>,
): string {
  const cell = (value: string | number) => String(value).replace(/\|/g, '\\|');
  const rule = headers.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${rule.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Milliseconds with one decimal. */
export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

/** A ratio with three decimals. */
export const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
