import { SEED_PASSWORD, seedEmail } from '../../scripts/seed/accounts';
import type { SeedSizes } from '../../scripts/seed/data';
import type { FerretDbBackend } from '../../scripts/services';
import { createMixedLoad, OPERATION_KINDS, type MixedStats } from '../load/mixed';
import { DEFAULT_MIX } from '../load/mixed-operations';
import { statsTable } from '../load/mixed-table';
import { probeBackend, type ProbeResult } from '../lib/backend-probe';
import { renderBarChart } from '../lib/chart';
import { Cleanups } from '../lib/cleanup';
import { startDevStack, type DevStack, type LogCounts } from '../lib/dev-stack';
import { table } from '../lib/markdown';
import type { Scenario, ScenarioContext, ScenarioResult } from '../lib/types';

/**
 * The mixed workload (bench/load/mixed.ts) on the stack as `npm run dev` runs it: anonymous and signed-in reads,
 * sign-ins, sign-ups, posts, add-to-cart and checkout, at 10, 20 and 50 clients on FerretDB's PostgreSQL backend
 * (what the dev stack and the tests run), and at 20 clients on its SQLite backend beside it, in the same run, so
 * the choice of backend rests on a measurement. Each backend's stack is seeded as `npm run seed` does by default.
 */

const GOAL_CLIENTS = 20;
const SIZES = {
  full: { warmupSeconds: 15, seconds: 60 },
  quick: { warmupSeconds: 5, seconds: 20 },
} as const;
/** What `npm run seed` makes by default: the data a developer's stack has. */
const SEED: SeedSizes = { users: 200, posts: 2000, products: 100 };
/** The README's example of more data (`npm run seed -- --users 1000 --posts 20000 --products 500`). */
const LARGE_SEED: SeedSizes = { users: 1000, posts: 20000, products: 500 };
/** Commands at least this slow are logged by the apps and summed here. */
const SLOW_COMMAND_MS = 100;
const PLAN: ReadonlyArray<{ backend: FerretDbBackend; seed: SeedSizes; clients: number[] }> = [
  { backend: 'sqlite', seed: SEED, clients: [GOAL_CLIENTS] },
  { backend: 'postgresql', seed: SEED, clients: [10, GOAL_CLIENTS, 50] },
  { backend: 'postgresql', seed: LARGE_SEED, clients: [GOAL_CLIENTS] },
];

interface Phase {
  backend: FerretDbBackend;
  /** The backend, and the data when it is not the default seed's. */
  label: string;
  seed: SeedSizes;
  clients: number;
  stats: MixedStats;
  /** CPU of each process over the window, in per cent of one core. */
  cpuPercent: Record<string, number>;
  logs: LogCounts;
}

const pct = (value: number) => `${(value * 100).toFixed(2)} %`;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');

const labelOf = (backend: FerretDbBackend, seed: SeedSizes) =>
  seed === SEED ? backend : `${backend}, ${seed.posts.toLocaleString('en')} posts`;

async function runPhase(
  stack: DevStack,
  seed: SeedSizes,
  clients: number,
  quick: boolean,
  log: ScenarioContext['log'],
): Promise<Phase> {
  const size = quick ? SIZES.quick : SIZES.full;
  const label = labelOf(stack.backend, seed);
  const emails = Array.from({ length: seed.users }, (_, index) => seedEmail(index + 1));
  const load = createMixedLoad({
    url: stack.gatewayUrl,
    clients,
    accounts: { emails, password: SEED_PASSWORD },
    maxDurationMs: (size.warmupSeconds + size.seconds + 120) * 1000,
  });
  log(`mixed: ${label}, ${clients} clients: ${size.warmupSeconds} s warm-up, then ${size.seconds} s`);
  load.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, size.warmupSeconds * 1000));
    load.reset();
    stack.resetLogs();
    const before = stack.processes.map((process) => process.cpuSeconds());
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, size.seconds * 1000));
    const stats = load.stats();
    const window = (performance.now() - started) / 1000;
    const cpuPercent = Object.fromEntries(
      stack.processes.map((process, index) => [process.name, ((process.cpuSeconds() - before[index]!) / window) * 100]),
    );
    const logs = stack.logs();
    log(
      `  ${stats.requests} requests, ${stats.requestsPerSecond.toFixed(1)}/s, ${stats.failures} failed (${pct(stats.errorRate)}), ` +
        `p50 ${ms(stats.latencyMs.p50)} ms, p99 ${ms(stats.latencyMs.p99)} ms`,
    );
    return { backend: stack.backend, label, seed, clients, stats, cpuPercent, logs };
  } finally {
    await load.stop();
  }
}

function cpuTable(phases: readonly Phase[]): string {
  const names = [...new Set(phases.flatMap((phase) => Object.keys(phase.cpuPercent)))];
  return table(
    ['process', ...phases.map((phase) => `${phase.label} @ ${phase.clients}`)],
    names.map((name) => [
      name,
      ...phases.map((phase) => (name in phase.cpuPercent ? `${phase.cpuPercent[name]!.toFixed(0)} %` : '-')),
    ]),
  );
}

function slowCommandsTable(phase: Phase): string {
  const rows = Object.entries(phase.logs.slowCommands)
    .sort((a, b) => b[1].totalMs - a[1].totalMs)
    .slice(0, 8)
    .map(([what, slow]) => [what, String(slow.count), (slow.totalMs / 1000).toFixed(1), ms(slow.maxMs)]);
  if (rows.length === 0) return `No MongoDB command took ${SLOW_COMMAND_MS} ms or more.`;
  return table(['process, command, collection', `commands ≥ ${SLOW_COMMAND_MS} ms`, 'their total s', 'slowest ms'], rows);
}

function probeTable(probes: Partial<Record<FerretDbBackend, ProbeResult[]>>): string {
  const sqlite = probes.sqlite ?? [];
  const postgresql = probes.postgresql ?? [];
  return table(
    ['query', 'what FerretDB reads', 'SQLite ms', 'PostgreSQL ms'],
    postgresql.map((row, index) => [row.query, row.shape, ms(sqlite[index]?.medianMs ?? Number.NaN), ms(row.medianMs)]),
    ['l', 'l', 'r', 'r'],
  );
}

async function run({ quick, cleanups, log, saveChart }: ScenarioContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const probes: Partial<Record<FerretDbBackend, ProbeResult[]>> = {};
  for (const { backend, seed, clients } of PLAN) {
    // Each stack is stopped before the next one starts: they never share the machine.
    const own = new Cleanups();
    const stopAll = cleanups.add(`${labelOf(backend, seed)} dev stack`, () => own.runAll(log));
    try {
      const stack = await startDevStack({
        backend,
        seed,
        cleanups: own,
        log,
        env: { DB_SLOW_COMMAND_MS: String(SLOW_COMMAND_MS) },
      });
      if (seed === SEED) {
        log(`mixed: ${backend}: timing our most frequent queries alone`);
        probes[backend] = await probeBackend(stack.mongoUrl, seed);
      }
      for (const count of clients) phases.push(await runPhase(stack, seed, count, quick, log));
    } finally {
      await stopAll();
    }
  }

  const goal = phases.find((phase) => phase.label === 'postgresql' && phase.clients === GOAL_CLIENTS)!;
  const sqliteAtGoal = phases.find((phase) => phase.label === 'sqlite')!;
  const met = goal.stats.failures === 0;
  const problems = phases
    .filter((phase) => phase.backend === 'postgresql' && phase.clients <= GOAL_CLIENTS && phase.stats.failures > 0)
    .map(
      (phase) =>
        `${phase.label}: ${phase.stats.failures} of ${phase.stats.requests} requests failed at ${phase.clients} clients ` +
        `(${JSON.stringify(phase.stats.failuresByCode)})`,
    );
  const chart = await saveChart(
    'throughput',
    renderBarChart({
      title: 'Mixed workload on the dev stack: requests per second (and failed per second)',
      unit: 'req/s',
      categories: phases.map((phase) => `${phase.label} @ ${phase.clients}`),
      series: [
        { name: 'answered', values: phases.map((phase) => (phase.stats.requests - phase.stats.failures) / phase.stats.seconds) },
        { name: 'failed', values: phases.map((phase) => phase.stats.failures / phase.stats.seconds) },
      ],
    }),
  );
  const size = quick ? SIZES.quick : SIZES.full;
  const weights = Object.values(DEFAULT_MIX).reduce((sum, weight) => sum + weight, 0);
  const markdown = [
    `**Verdict:** ${met ? 'met' : 'NOT met'}: ${goal.stats.failures} failed of ${goal.stats.requests} requests at ${GOAL_CLIENTS} clients on PostgreSQL ` +
      `(SQLite beside it: ${sqliteAtGoal.stats.failures} failed of ${sqliteAtGoal.stats.requests}, ` +
      `${sqliteAtGoal.stats.requestsPerSecond.toFixed(1)} req/s against ${goal.stats.requestsPerSecond.toFixed(1)}).`,
    '',
    table(
      ['backend and data', 'clients', 'requests', 'req/s', 'failed', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms', 'breaker opens'],
      phases.map((phase) => [
        phase.label,
        String(phase.clients),
        String(phase.stats.requests),
        phase.stats.requestsPerSecond.toFixed(1),
        String(phase.stats.failures),
        pct(phase.stats.errorRate),
        ms(phase.stats.latencyMs.p50),
        ms(phase.stats.latencyMs.p95),
        ms(phase.stats.latencyMs.p99),
        String(Object.values(phase.logs.breakerOpens).reduce((sum, n) => sum + n, 0)),
      ]),
    ),
    '',
    chart,
    '',
    '### By operation',
    '',
    ...phases.flatMap((phase) => [`**${phase.label}, ${phase.clients} clients**`, '', statsTable(phase.stats), '']),
    '### CPU by process over each window (per cent of one core; the machine has two)',
    '',
    cpuTable(phases),
    '',
    `### MongoDB commands of ${SLOW_COMMAND_MS} ms or more, by process (the apps' slow-command log)`,
    '',
    ...phases.flatMap((phase) => [`**${phase.label}, ${phase.clients} clients**`, '', slowCommandsTable(phase), '']),
    '### Our most frequent queries alone, on each backend (median of 7, same seeded data)',
    '',
    probeTable(probes),
    '',
    '### Method',
    '',
    `- **Stack:** as \`npm run dev\` runs it (bench/lib/dev-stack.ts): FerretDB on the backend named, its PostgreSQL durable and`,
    '  as a process of its own, the durable and the cache Redis with their dev settings, an SMTP sink, and each subgraph,',
    '  its worker and the gateway as processes from source (`node --import tsx`, `NODE_ENV=development`, dev defaults:',
    '  pools, timeouts, rate limits). Data: `npm run seed` defaults ' +
      `(${SEED.users} users, ${SEED.posts} posts, ${SEED.products} products), and once the README's larger example ` +
      `(${LARGE_SEED.users}, ${LARGE_SEED.posts}, ${LARGE_SEED.products}), then whatever the load writes.`,
    `- **Load:** bench/load/mixed.ts, a closed loop per client on its own connection and source address (127.0.x.y), ${size.warmupSeconds} s`,
    `  of warm-up, then ${size.seconds} s counted. Mix (weights of ${weights}): ${OPERATION_KINDS.map((kind) => `${kind} ${DEFAULT_MIX[kind]}`).join(', ')}.`,
    '  Signed-in operations use a session from a sign-in with a seeded account (each client its own accounts) or a',
    '  sign-up (16 random characters: zxcvbn score 4); checkout comes after an add-to-cart, with a new idempotency key.',
    '  A request fails when its answer has an error, no data, a status other than 200, or none within 30 s.',
    "- **CPU:** /proc of each process and its children (PostgreSQL's sessions are its children) over the window.",
    '- **Limits:** the machine is shared with other work: compare figures within this run only. The load generator runs in',
    "  the benchmark's process. FerretDB reads every document of a collection for a sort, a range or `$in` (see the",
    '  queries table), so figures fall as the data grows: with ten times the posts, a feed load or a tag recount costs about',
    '  ten times more (the phase with more data).',
  ].join('\n');
  const summary = phases.map(
    (phase) =>
      `${phase.label} @ ${phase.clients} clients: ${phase.stats.requestsPerSecond.toFixed(1)} req/s, ${phase.stats.failures}/${phase.stats.requests} failed, ` +
      `p50 ${ms(phase.stats.latencyMs.p50)} ms, p99 ${ms(phase.stats.latencyMs.p99)} ms`,
  );
  return {
    verdict: {
      met,
      text: `${met ? 'met' : 'NOT met'}: ${goal.stats.failures} failed at ${GOAL_CLIENTS} clients on PostgreSQL (goal 0); SQLite ${sqliteAtGoal.stats.failures}`,
    },
    problems,
    markdown,
    summary,
    raw: { seeds: { default: SEED, large: LARGE_SEED }, mix: DEFAULT_MIX, sizes: size, phases, probes },
  };
}

export const mixed: Scenario = {
  name: 'mixed',
  title: 'Mixed workload on the dev stack (10, 20, 50 clients; SQLite beside PostgreSQL; more data)',
  requirement:
    "The dev stack holds a mixed load (reads, sign-ins, sign-ups, posts, checkouts) with zero failed requests at 20 clients on `npm run seed`'s data; " +
    'throughput and error rate reported at 10, 20 and 50 clients; FerretDB backend chosen by measurement.',
  run,
};
