import { listSubgraphs } from '@supergraph/registry';

/** ANSI colors for the subgraphs, by their place in the registry; a worker takes its subgraph's. */
const PALETTE = ['36', '35', '33', '31', '96', '95', '93', '91'];
const COLORS: Record<string, string> = {
  gateway: '32',
  mail: '34',
  ...Object.fromEntries(
    listSubgraphs().flatMap(({ name }, index) => {
      const color = PALETTE[index % PALETTE.length]!;
      return [
        [name, color],
        [`${name}-worker`, color],
      ];
    }),
  ),
};
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/** Turns one pino JSON line into a short readable line with a coloured service prefix. */
export function formatLogLine(service: string, line: string): string {
  const prefix = `\x1b[${COLORS[service] ?? '37'}m[${service}]\x1b[0m`;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  const level = LEVELS[Number(entry.level)] ?? 'INFO';
  const extra = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${prefix} ${level.padEnd(5)} ${String(entry.msg ?? '')}${extra ? `  ${extra}` : ''}`;
}
