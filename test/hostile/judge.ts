import path from 'node:path';
import type { Category, HostileRequest } from './hostile-request';
import type { GatewayMode } from './process-stack';
import type { Answer } from './send';

/**
 * The rules every answer to hostile input must follow (no 5xx, a code on every error, no stack trace or path,
 * no schema hints in production), plus what the request itself expects (refused, a given status), and a
 * tally of the findings by category.
 */

export const RULES = {
  generator: 'the HTTP client refused to send it (a fault of the generator)',
  'no-answer': 'no HTTP answer (reset, closed or hung)',
  '5xx': 'HTTP 5xx',
  'no-code': 'an error without extensions.code',
  'internal-code': 'INTERNAL_SERVER_ERROR or SUBGRAPH_UNAVAILABLE for client input',
  leak: 'a stack trace or file path in the body',
  suggestion: 'a "Did you mean" hint from a production gateway',
  'not-refused': 'hostile input not refused',
  status: 'an HTTP status other than the expected ones',
} as const;

export type Rule = keyof typeof RULES;

export interface Verdict {
  rule: Rule;
  detail: string;
}

/** Where an answer came from: a gateway in a mode, or a subgraph. */
export type Source = GatewayMode | 'subgraph';

const root = path.resolve(__dirname, '../..');
const LEAKS: ReadonlyArray<[RegExp, string]> = [
  [/\n\s+at\s/, 'stack frame'],
  [/\bat (?:async )?[\w$.<>[\]]+ \([^)]*:\d+:\d+\)/, 'stack frame'],
  [/node_modules/, 'node_modules'],
  [new RegExp(root.replace(/[/.]/g, '\\$&')), 'repository path'],
  [/file:\/\//, 'file URL'],
  [/\.(?:ts|js|mjs|cjs):\d+/, 'source location'],
  [/"stacktrace"/, 'stacktrace extension'],
];

interface Parsed {
  errors?: unknown;
  data?: unknown;
}

function parse(body: string): Parsed | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Parsed) : undefined;
  } catch {
    return undefined;
  }
}

const codeOf = (error: unknown) => (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;

/** Every broken rule of one answer. */
export function judge(request: HostileRequest, answer: Answer, source: Source): Verdict[] {
  if (answer.clientError) return [{ rule: 'generator', detail: answer.clientError }];
  if (answer.transportError) return [{ rule: 'no-answer', detail: answer.transportError }];
  const verdicts: Verdict[] = [];
  const status = answer.status;
  if (status >= 500) verdicts.push({ rule: '5xx', detail: `HTTP ${status}` });
  const parsed = parse(answer.body);
  const errors = Array.isArray(parsed?.errors) ? (parsed.errors as unknown[]) : [];
  const hasBody = request.method !== 'HEAD';
  if (status >= 400 && hasBody) {
    if (!parsed)
      verdicts.push({
        rule: 'no-code',
        detail: `HTTP ${status} with ${answer.body ? `a ${answer.contentType || 'untyped'} body` : 'no body'}`,
      });
    else if (errors.length === 0) verdicts.push({ rule: 'no-code', detail: `HTTP ${status} without errors[]` });
  }
  const codes = errors.map(codeOf);
  if (codes.some((code) => typeof code !== 'string'))
    verdicts.push({ rule: 'no-code', detail: `codes ${JSON.stringify(codes)}` });
  const internal = codes.filter((code) => code === 'INTERNAL_SERVER_ERROR' || code === 'SUBGRAPH_UNAVAILABLE');
  if (internal.length > 0) verdicts.push({ rule: 'internal-code', detail: [...new Set(internal)].join(', ') });
  for (const [pattern, what] of LEAKS) {
    if (pattern.test(answer.body)) {
      verdicts.push({ rule: 'leak', detail: what });
      break;
    }
  }
  if (source === 'production' && /did you mean/i.test(answer.body))
    verdicts.push({ rule: 'suggestion', detail: 'field suggestion' });
  const mustRefuse = request.expect.refused === true || (request.expect.refused === 'production' && source === 'production');
  if (mustRefuse) {
    const data = parsed?.data;
    const noData =
      data === undefined || data === null || (typeof data === 'object' && Object.values(data).every((value) => value === null));
    if (!(status >= 400 || (errors.length > 0 && noData)))
      verdicts.push({ rule: 'not-refused', detail: `HTTP ${status}${errors.length ? '' : ' without errors'}` });
  }
  if (request.expect.statuses && !request.expect.statuses.includes(status)) {
    verdicts.push({ rule: 'status', detail: `HTTP ${status}, expected ${request.expect.statuses.join(' or ')}` });
  }
  return verdicts;
}

const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text);

/** A request and its answer in a few lines, for a report. */
export function describe(request: HostileRequest, answer: Answer, source: Source): string {
  const where = request.target === 'gateway' ? `gateway (${source})` : `${request.target} subgraph`;
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? request.body
        : `<${request.body.length} bytes> ${Buffer.from(request.body).toString('latin1')}`;
  const headers = Object.entries(request.headers)
    .filter(([name]) => !['content-type', 'apollo-require-preflight'].includes(name))
    .map(([name, value]) => `${name}: ${clip(value, 60)}`);
  const line =
    request.rawHead !== undefined
      ? `raw ${JSON.stringify(clip(request.rawHead, 200))}`
      : `${request.method} ${clip(request.path, 160)}`;
  const answered = answer.status
    ? `HTTP ${answer.status} ${clip(answer.body, 300)}`
    : (answer.transportError ?? answer.clientError ?? '');
  return [
    `${request.label}: ${line} → ${where}`,
    ...(headers.length
      ? [`  headers ${headers.slice(0, 4).join('; ')}${headers.length > 4 ? ` (+${headers.length - 4})` : ''}`]
      : []),
    ...(body ? [`  body ${clip(body, 300)}`] : []),
    `  answer ${answered}`,
  ].join('\n');
}

interface CategoryTally {
  sent: number;
  statuses: Map<number, number>;
  /** The first answer of each status, described. */
  examples: Map<number, string>;
  broken: Map<Rule, { count: number; samples: string[] }>;
}

/** Counts by category: answers by status, broken rules with a few samples each. */
export function createTally(samplesPerRule = 2) {
  const categories = new Map<Category, CategoryTally>();
  const of = (category: Category) => {
    let entry = categories.get(category);
    if (!entry) {
      entry = { sent: 0, statuses: new Map(), examples: new Map(), broken: new Map() };
      categories.set(category, entry);
    }
    return entry;
  };
  return {
    record(request: HostileRequest, answer: Answer, source: Source, verdicts: readonly Verdict[]) {
      const entry = of(request.category);
      entry.sent += 1;
      entry.statuses.set(answer.status, (entry.statuses.get(answer.status) ?? 0) + 1);
      if (!entry.examples.has(answer.status)) entry.examples.set(answer.status, describe(request, answer, source));
      for (const verdict of verdicts) {
        const broken = entry.broken.get(verdict.rule) ?? { count: 0, samples: [] };
        broken.count += 1;
        if (broken.samples.length < samplesPerRule)
          broken.samples.push(`[${verdict.detail}] ${describe(request, answer, source)}`);
        entry.broken.set(verdict.rule, broken);
      }
    },
    categories: () => categories as ReadonlyMap<Category, Readonly<CategoryTally>>,
    sent: () => [...categories.values()].reduce((sum, entry) => sum + entry.sent, 0),
    /** Answers with this status or above, all categories. */
    countStatus: (predicate: (status: number) => boolean) =>
      [...categories.values()].reduce(
        (sum, entry) => sum + [...entry.statuses].filter(([status]) => predicate(status)).reduce((n, [, count]) => n + count, 0),
        0,
      ),
    /** One line per category (requests sent, answers by status, rules broken), then an example of each status. */
    summary(): string {
      const rows = [...categories].map(([category, entry]) => {
        const statuses = [...entry.statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status || 'none'}×${count}`)
          .join(' ');
        const broken = [...entry.broken].map(([rule, { count }]) => `${rule}×${count}`).join(' ');
        return `${category.padEnd(20)} ${String(entry.sent).padStart(5)} sent  ${statuses}${broken ? `  BROKEN ${broken}` : ''}`;
      });
      const examples = [...categories].flatMap(([category, entry]) =>
        [...entry.examples].sort(([a], [b]) => a - b).map(([status, example]) => `[${category}] ${status || 'none'}: ${example}`),
      );
      return [...rows, '', 'An example of each status:', ...examples].join('\n');
    },
    /** The findings, grouped by category; empty when every answer followed every rule. */
    report(): string {
      const sections: string[] = [];
      for (const [category, entry] of categories) {
        if (entry.broken.size === 0) continue;
        const statuses = [...entry.statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status || 'none'}×${count}`)
          .join(', ');
        sections.push(`[${category}] ${entry.sent} sent; statuses ${statuses}`);
        for (const [rule, broken] of entry.broken) {
          sections.push(`  ${RULES[rule]}: ${broken.count}`);
          for (const sample of broken.samples) sections.push(sample.replace(/^/gm, '    '));
        }
      }
      return sections.join('\n');
    },
  };
}

export type Tally = ReturnType<typeof createTally>;
