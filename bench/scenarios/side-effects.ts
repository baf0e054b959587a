import { performance } from 'node:perf_hooks';
import { startTestServices } from '../../scripts/services';
import { addProduct } from '../../test/support/products';
import { startSmtpSink, type CapturedMail } from '../../test/support/smtp-sink';
import { startTestStack, type TestStack } from '../../test/support/stack';
import { signUp, type SignedUpUser } from '../../test/support/users';
import { renderBarChart } from '../lib/chart';
import { ms, ratio, table } from '../lib/markdown';
import { bootstrapRatio, summarize, type Summary } from '../lib/stats';
import type { Scenario, ScenarioContext, ScenarioResult } from '../lib/types';

/**
 * Does a slow SMTP server move mutation latency? `checkout` records an order-confirmation event in its outbox
 * and returns; the cart worker sends the email from a BullMQ job. So checkout latency through the gateway
 * should be the same whether the SMTP server answers each message at once or after 500 ms.
 */

const FAST = 0;
const SLOW = 500;
type Phase = typeof FAST | typeof SLOW;
/**
 * Blocks alternate ABBA ABBA ... (A = 0 ms, B = 500 ms): each group of four is a "round". Latency drifts up over a
 * run (FerretDB scans collections that grow with every order), so blocks are short and the phases interleave
 * tightly: both see the same drift, and within a round a linear drift cancels.
 */
const ROUND: readonly Phase[] = [FAST, SLOW, SLOW, FAST];
const GOAL_P99_RATIO = 1.1;

const SIZES = {
  full: { users: 50, warmup: 30, perPhase: 400, blockSize: 25, concurrency: 4 },
  quick: { users: 20, warmup: 20, perPhase: 80, blockSize: 10, concurrency: 4 },
} as const;

/**
 * The job settings the services ship with (test/support/stack.ts shortens them for tests' patience). In
 * particular the outbox sweep, a full scan of recent orders on FerretDB, runs every 5 s as in production
 * rather than every 300 ms. Access tokens live an hour so a slow full run never meets an expiry.
 */
const SERVICE_SETTINGS = {
  WORKER_LOCK_DURATION_MS: '30000',
  JOB_BACKOFF_MS: '1000',
  OUTBOX_SWEEP_MS: '5000',
  ACCESS_TOKEN_TTL_SECONDS: '3600',
};
/** A drain gives up when no confirmation arrived for this long. */
const DRAIN_STALL_MS = 30_000;
/** After the last confirmation, how long to keep listening for duplicates (longer than one outbox sweep). */
const SETTLE_MS = 6_000;

const ADD_TO_CART = `mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { itemCount } }`;
const CHECKOUT = `mutation($k: String!) { checkout(idempotencyKey: $k) { id status } }`;
const CONFIRMATION = /^Your order (\S+) is confirmed$/;

interface Shopper extends SignedUpUser {
  productId: string;
}

interface Sample {
  block: number;
  phase: Phase;
  ms: number;
  orderId: string;
  /** Epoch ms when the client had the whole answer (for the mail lag). */
  completedAt: number;
}

interface BlockResult {
  block: number;
  phase: Phase;
  n: number;
  p50: number;
  p99: number;
  wallMs: number;
  checkoutsPerSecond: number;
  /** From the block's last answer to the last of its confirmations (not timed in latency). */
  drainMs: number;
  drained: boolean;
  /** Emails of this block's orders accepted only after its last checkout answered (their sending was not concurrent with timed calls). */
  emailsAfterBlock: number;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

function describeErrors(result: { errors?: unknown }): string {
  return JSON.stringify(result.errors ?? 'no data').slice(0, 500);
}

async function run({ quick, cleanups, log, saveChart }: ScenarioContext): Promise<ScenarioResult> {
  const size = quick ? SIZES.quick : SIZES.full;
  const rounds = Math.ceil(size.perPhase / (2 * size.blockSize));
  const blockOrder = Array.from({ length: rounds }, () => ROUND).flat();
  const runTag = Date.now().toString(36);

  // --- Setup (none of it timed) -------------------------------------------------------------------------------
  log('side-effects: starting FerretDB + Redis');
  const services = await startTestServices();
  cleanups.add('FerretDB + Redis', () => services.stop());
  log(`side-effects: FerretDB on port ${services.mongoPort}, Redis on port ${services.redisPort}, data in ${services.dataRoot}`);
  process.env.TEST_MONGO_URL = services.mongoUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;

  /** Confirmation emails by order id: when each one was accepted. */
  const confirmations = new Map<string, number[]>();
  let lastConfirmationAt = Date.now();
  const sink = await startSmtpSink({
    delayMs: FAST,
    onMail: (mail: CapturedMail) => {
      const orderId = CONFIRMATION.exec(mail.subject)?.[1];
      if (!orderId) return;
      confirmations.set(orderId, [...(confirmations.get(orderId) ?? []), mail.receivedAt.getTime()]);
      lastConfirmationAt = Date.now();
    },
  });
  cleanups.add('SMTP sink', () => sink.close());

  log('side-effects: building the subgraphs, the gateway and the workers in-process');
  const stack: TestStack = await startTestStack(SERVICE_SETTINGS, { workers: { smtpUrl: sink.url } });
  cleanups.add('gateway, subgraphs and workers', () => stack.stop());

  log(`side-effects: signing up ${size.users} users, each with a product of their own`);
  const shoppers: Shopper[] = await inBatches(
    Array.from({ length: size.users }, (_, i) => i),
    4,
    async (i) => {
      const user = await signUp(stack, `Bench${i}`);
      // One product per user: checkouts never race on one stock chain, which would measure contention instead.
      const productId = await addProduct(stack, { name: `Bench product ${i}`, priceCents: 1_000 + i, stock: 1_000_000 });
      return { ...user, productId };
    },
  );
  // Each client loop has users of its own, so one user's addToCart + checkout never overlaps another's.
  const lanes = Array.from({ length: size.concurrency }, (_, lane) => ({
    users: shoppers.filter((_, i) => i % size.concurrency === lane),
    next: 0,
  }));

  // --- The measured call ---------------------------------------------------------------------------------------
  let sequence = 0;
  const placed = new Map<string, { completedAt: number; phase: Phase | 'warmup' }>();

  const checkoutOnce = async (shopper: Shopper): Promise<{ ms: number; orderId: string; completedAt: number }> => {
    const added = await stack.query(ADD_TO_CART, { token: shopper.token, variables: { p: shopper.productId } });
    if (!added.data) throw new Error(`addToCart failed (${added.status}): ${describeErrors(added)}`);
    // Everything the request needs is built before the clock starts, and parsed after it stops.
    const body = JSON.stringify({ query: CHECKOUT, variables: { k: `bench-${runTag}-${sequence++}` } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${shopper.token}` };
    const started = performance.now();
    const response = await fetch(stack.gatewayUrl, { method: 'POST', headers, body });
    const text = await response.text();
    const elapsed = performance.now() - started;
    const completedAt = Date.now();
    let parsed: { data?: { checkout?: { id: string; status: string } } | null; errors?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new Error(`checkout answered non-JSON (${response.status}): ${text.slice(0, 200)}`);
    }
    const order = parsed.data?.checkout;
    if (!order || order.status !== 'PLACED') throw new Error(`checkout failed (${response.status}): ${describeErrors(parsed)}`);
    return { ms: elapsed, orderId: order.id, completedAt };
  };

  /** `count` checkouts by `concurrency` client loops, with the SMTP server answering after `phase` ms. */
  const runBlock = async (
    block: number,
    phase: Phase,
    count: number,
    label: Phase | 'warmup',
  ): Promise<{ samples: Sample[]; wallMs: number }> => {
    sink.setDelay(phase);
    let remaining = count;
    const samples: Sample[] = [];
    const started = performance.now();
    await Promise.all(
      lanes.map(async (lane) => {
        while (remaining > 0) {
          remaining -= 1;
          const shopper = lane.users[lane.next++ % lane.users.length]!;
          const result = await checkoutOnce(shopper);
          placed.set(result.orderId, { completedAt: result.completedAt, phase: label });
          samples.push({ block, phase, ...result });
        }
      }),
    );
    return { samples, wallMs: performance.now() - started };
  };

  /** Waits until every order so far has its confirmation; false when none arrived for DRAIN_STALL_MS. */
  const drain = async (): Promise<{ drained: boolean; lastAt: number }> => {
    const missing = () => [...placed.keys()].filter((id) => !confirmations.has(id)).length;
    const since = Date.now();
    while (missing() > 0) {
      if (Date.now() - Math.max(lastConfirmationAt, since) > DRAIN_STALL_MS)
        return { drained: false, lastAt: lastConfirmationAt };
      await sleep(25);
    }
    return { drained: true, lastAt: Math.max(0, ...[...placed.keys()].flatMap((id) => confirmations.get(id) ?? [])) };
  };

  // --- Warm-up, then the blocks -----------------------------------------------------------------------------------
  log(`side-effects: warm-up, ${size.warmup} checkouts (not measured)`);
  await runBlock(-1, FAST, size.warmup, 'warmup');
  const warmDrain = await drain();
  if (!warmDrain.drained) log('side-effects: !! warm-up confirmations did not all arrive');
  await sleep(250);

  // perPhase checkouts per phase, spread as evenly as possible over the phase's blocks.
  const perBlock = blockOrder.map((phase, i) => {
    const blocksOfPhase = blockOrder.length / 2;
    const nth = blockOrder.slice(0, i).filter((other) => other === phase).length;
    return Math.floor(size.perPhase / blocksOfPhase) + (nth < size.perPhase % blocksOfPhase ? 1 : 0);
  });
  const samples: Sample[] = [];
  const blocks: BlockResult[] = [];
  for (const [index, phase] of blockOrder.entries()) {
    const count = perBlock[index]!;
    const block = await runBlock(index, phase, count, phase);
    const blockEnd = Date.now();
    // Between blocks (untimed): let the mail backlog drain, so no block inherits another's.
    const drained = await drain();
    samples.push(...block.samples);
    const emailsAfterBlock = block.samples.filter(
      (sample) => (confirmations.get(sample.orderId)?.[0] ?? Infinity) > blockEnd,
    ).length;
    const stats = summarize(block.samples.map((sample) => sample.ms));
    blocks.push({
      block: index + 1,
      phase,
      n: stats.n,
      p50: stats.p50,
      p99: stats.p99,
      wallMs: block.wallMs,
      checkoutsPerSecond: (count / block.wallMs) * 1000,
      drainMs: Math.max(0, drained.lastAt - blockEnd),
      drained: drained.drained,
      emailsAfterBlock,
    });
    log(
      `side-effects: block ${index + 1}/${blockOrder.length} (SMTP ${phase} ms): n=${stats.n} p50=${ms(stats.p50)} p99=${ms(stats.p99)} ms, ` +
        `mail drained ${drained.drained ? `in ${ms(Math.max(0, drained.lastAt - blockEnd))} ms` : 'NOT (stalled)'}`,
    );
    await sleep(250);
  }
  sink.setDelay(FAST);

  // --- Every order, exactly one email -----------------------------------------------------------------------------
  const finalDrain = await drain();
  log(`side-effects: listening ${SETTLE_MS / 1000} s more for duplicate confirmations`);
  await sleep(SETTLE_MS);
  const missing = [...placed.keys()].filter((id) => !confirmations.has(id));
  const duplicated = [...placed.keys()].filter((id) => (confirmations.get(id)?.length ?? 0) > 1);
  const unknown = [...confirmations.keys()].filter((id) => !placed.has(id));
  const confirmationCount = [...confirmations.values()].reduce((total, times) => total + times.length, 0);

  // --- Figures ------------------------------------------------------------------------------------------------------
  const latencies = (phase: Phase) => samples.filter((sample) => sample.phase === phase).map((sample) => sample.ms);
  const fast = summarize(latencies(FAST));
  const slow = summarize(latencies(SLOW));
  const p99Ratio = slow.p99 / fast.p99;
  const p50Ratio = slow.p50 / fast.p50;
  const p99Interval = bootstrapRatio(latencies(FAST), latencies(SLOW), 99);
  const p50Interval = bootstrapRatio(latencies(FAST), latencies(SLOW), 50);
  const mailLag = (phase: Phase) =>
    summarize(
      samples
        .filter((sample) => sample.phase === phase)
        .flatMap((sample) =>
          (confirmations.get(sample.orderId) ?? []).slice(0, 1).map((receivedAt) => receivedAt - sample.completedAt),
        ),
    );
  const fastLag = mailLag(FAST);
  const slowLag = mailLag(SLOW);
  const afterBlockShare = (phase: Phase) => {
    const ofPhase = blocks.filter((block) => block.phase === phase);
    return (
      ofPhase.reduce((total, block) => total + block.emailsAfterBlock, 0) / ofPhase.reduce((total, block) => total + block.n, 0)
    );
  };
  const roundRows = Array.from({ length: rounds }, (_, round) => {
    const inRound = samples.filter((sample) => Math.floor(sample.block / ROUND.length) === round);
    const of = (phase: Phase) => summarize(inRound.filter((sample) => sample.phase === phase).map((sample) => sample.ms));
    const roundBlocks = blocks.filter((block) => Math.floor((block.block - 1) / ROUND.length) === round);
    const after = (phase: Phase) =>
      roundBlocks.filter((block) => block.phase === phase).reduce((total, block) => total + block.emailsAfterBlock, 0);
    const slowDrains = roundBlocks.filter((block) => block.phase === SLOW);
    const [a, b] = [of(FAST), of(SLOW)];
    return [
      round + 1,
      size.warmup + perBlock.slice(0, round * ROUND.length).reduce((total, n) => total + n, 0),
      ms(a.p50),
      ms(b.p50),
      ratio(b.p50 / a.p50),
      ms(a.mean),
      ms(b.mean),
      `${after(FAST)} / ${after(SLOW)}`,
      slowDrains.every((block) => block.drained) ? `${ms(Math.max(...slowDrains.map((block) => block.drainMs)))} ms` : 'stalled',
    ];
  });
  const roundSummary = (round: number) =>
    summarize(samples.filter((sample) => Math.floor(sample.block / ROUND.length) === round).map((sample) => sample.ms));
  const firstRound = roundSummary(0);
  const lastRound = roundSummary(rounds - 1);
  const percent = (share: number) => `${(share * 100).toFixed(0)} %`;
  const p99Rank = (n: number) => n - Math.max(1, Math.ceil(0.99 * n)) + 1;
  const throughput = (phase: Phase) => {
    const ofPhase = blocks.filter((block) => block.phase === phase);
    return (
      (ofPhase.reduce((total, block) => total + block.n, 0) / ofPhase.reduce((total, block) => total + block.wallMs, 0)) * 1000
    );
  };

  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(
      `${missing.length} of ${placed.size} placed orders got NO confirmation email (waited until none arrived for ${DRAIN_STALL_MS / 1000} s)`,
    );
  if (duplicated.length > 0) problems.push(`${duplicated.length} orders got MORE THAN ONE confirmation email`);
  if (unknown.length > 0) problems.push(`${unknown.length} confirmation emails name an order the benchmark did not place`);
  const undrained = blocks.filter((block) => !block.drained).map((block) => block.block);
  if (undrained.length > 0)
    problems.push(`the mail backlog did not drain after block(s) ${undrained.join(', ')}, so later blocks ran with a backlog`);
  // The slow phase only means something if the delay really applied: each of its emails must arrive >= ~500 ms after its order.
  if (slowLag.n > 0 && slowLag.min < SLOW * 0.8)
    problems.push(`an email of the 500 ms phase arrived ${ms(slowLag.min)} ms after its order: the SMTP delay did not apply`);

  const met = p99Ratio <= GOAL_P99_RATIO;
  const noise = p99Interval.low <= GOAL_P99_RATIO && p99Interval.high > GOAL_P99_RATIO;
  const verdictText =
    `${met ? 'MET' : 'MISSED'}: p99 with a 500 ms SMTP server / p99 with a 0 ms one = ${ratio(p99Ratio)} (goal <= ${GOAL_P99_RATIO}; ` +
    `95 % bootstrap interval ${ratio(p99Interval.low)}-${ratio(p99Interval.high)}${noise ? ', which straddles the goal: within sampling noise' : ''})`;

  const phaseRow = (label: string, stats: Summary, perSecond: number) => [
    label,
    stats.n,
    ms(stats.p50),
    ms(stats.p95),
    ms(stats.p99),
    ms(stats.mean),
    ms(stats.max),
    perSecond.toFixed(1),
  ];
  const lagRow = (label: string, stats: Summary) => [label, stats.n, ms(stats.min), ms(stats.p50), ms(stats.p99), ms(stats.max)];
  const chart = await saveChart(
    'checkout-latency',
    renderBarChart({
      title: 'Checkout latency through the gateway, by SMTP server speed (equal is the goal)',
      unit: 'ms',
      categories: ['p50', 'p95', 'p99'],
      series: [
        { name: 'SMTP 0 ms per message', values: [fast.p50, fast.p95, fast.p99].map(Math.round) },
        { name: 'SMTP 500 ms per message', values: [slow.p50, slow.p95, slow.p99].map(Math.round) },
      ],
    }),
  );
  const markdown = [
    `**Goal:** the p99 ratio (SMTP 500 ms / SMTP 0 ms) <= ${GOAL_P99_RATIO}.`,
    '',
    `**Result:** ${verdictText}.`,
    '',
    `Checkout latency in ms, measured by the client around the HTTP call through the gateway (${size.concurrency} client loops, ${quick ? 'quick' : 'full'} run):`,
    '',
    table(
      ['SMTP server', 'checkouts', 'p50', 'p95', 'p99', 'mean', 'max', 'checkouts/s'],
      [phaseRow('0 ms per message', fast, throughput(FAST)), phaseRow('500 ms per message', slow, throughput(SLOW))],
    ),
    '',
    chart,
    '',
    'Ratios (500 ms / 0 ms), from this run only. The interval is a 95 % percentile bootstrap (2,000 resamples of each phase); latency drifts over the run (see the rounds), so the samples are not independent and the interval is a rough guide to the noise, not an exact one:',
    '',
    table(
      ['statistic', '0 ms', '500 ms', 'ratio', '95 % interval'],
      [
        ['p50', ms(fast.p50), ms(slow.p50), ratio(p50Ratio), `${ratio(p50Interval.low)}-${ratio(p50Interval.high)}`],
        ['p99', ms(fast.p99), ms(slow.p99), ratio(p99Ratio), `${ratio(p99Interval.low)}-${ratio(p99Interval.high)}`],
      ],
    ),
    '',
    `Confirmation emails: **${problems.length === 0 ? 'every order got exactly one' : 'MISMATCH, see the problems above'}** — ` +
      `${placed.size} orders placed (warm-up included), ${confirmationCount} confirmations received, ${missing.length} missing, ` +
      `${duplicated.length} duplicated, ${unknown.length} for unknown orders${finalDrain.drained ? '' : ' (the final drain stalled)'}.`,
    '',
    'Time from the checkout answer reaching the client to the email being accepted by the SMTP server, in ms. It shows the slow phase really was slow, and the backlog it built. It can be negative at 0 ms: the order is enqueued before the answer leaves the cart subgraph, and the worker may finish before the answer has crossed the gateway.',
    '',
    table(
      ['SMTP server', 'emails', 'min', 'p50', 'p99', 'max'],
      [lagRow('0 ms per message', fastLag), lagRow('500 ms per message', slowLag)],
    ),
    '',
    `Rounds (ABBA, ${size.blockSize} checkouts a block, ${2 * size.blockSize} per phase a round) in the order they ran: the drift over the run, and the ratio round by round. Every block is in the JSON file.`,
    '',
    table(
      [
        'round',
        'orders in the database before',
        'p50 at 0 ms',
        'p50 at 500 ms',
        'p50 ratio',
        'mean at 0 ms',
        'mean at 500 ms',
        'emails after their block (0 / 500 ms)',
        'slowest drain at 500 ms',
      ],
      roundRows,
    ),
    '',
    `Over the run the median checkout went from ${ms(firstRound.p50)} ms (round 1, both phases) to ${ms(lastRound.p50)} ms (round ${rounds}), ${ratio(lastRound.p50 / firstRound.p50)} times, while the cart database filled with orders and stock movements. Both phases drift alike, which is why they are interleaved; compare ratios within a round, not absolute figures across rounds.`,
    '',
    '**Method.**',
    '',
    `- One run starts FerretDB + Redis (free ports, temp data), an SMTP sink, and in this process the three subgraphs, the gateway and the three workers (\`test/support/stack.ts\`), with the job settings the services ship with (outbox sweep every 5 s, lock 30 s, backoff 1 s) and the starter preset (cart worker concurrency 5, a pooled SMTP transport of at most 5 connections).`,
    `- ${size.users} users sign up, each with a product of its own (stock 1,000,000), so no two checkouts race on one stock chain. ${size.concurrency} client loops run at once, each over its own users round-robin: an \`addToCart\` (not timed), then the timed \`checkout(idempotencyKey)\` with a fresh key. At most ${size.concurrency} requests are in flight.`,
    `- Only the checkout call is timed: \`performance.now()\` just before \`fetch\` to the gateway and just after the whole body is read; the request body is built before and the answer parsed and checked (status PLACED) after.`,
    `- ${size.warmup} warm-up checkouts (SMTP 0 ms) are not measured. Then ${blockOrder.length} blocks of about ${size.blockSize} checkouts in ${rounds} rounds of ABBA (A = 0 ms, B = 500 ms per message): both phases share one run, short interleaved blocks expose both to the same drift, and within a round a linear drift cancels. The SMTP delay is set before each block; after each block the harness waits, untimed, until every order so far has its email, so no block inherits another's backlog.`,
    `- Percentiles are nearest-rank over all of a phase's samples: with ${fast.n} samples a phase's p99 is its ${p99Rank(fast.n) === 1 ? 'largest value (the max)' : `${p99Rank(fast.n)}th largest value`}${quick ? ', so a quick run is a smoke test, not a verdict' : ''}. Ratios compare figures measured in this same run.`,
    `- Draining between blocks has a cost in fairness, stated here: the cart worker sends at most about 10 emails/s at 500 ms per message (5 connections), so in the 500 ms phase ${percent(afterBlockShare(SLOW))} of the emails were sent after their block's last checkout (${percent(afterBlockShare(FAST))} at 0 ms), and the worker's share of the CPU for those (a MongoDB read, a delivery-log write, BullMQ bookkeeping) fell outside the timed region. It is small next to a checkout, but it leans in the slow phase's favour.`,
    `- At the end the harness waits for every confirmation (giving up after ${DRAIN_STALL_MS / 1000} s without a new one), listens ${SETTLE_MS / 1000} s more, and checks that each placed order got exactly one email.`,
    '',
    '**Known limitations.**',
    '',
    "- The load generator runs in the same Node process as the gateway, the subgraphs and the workers (a later benchmark issue moves it to its own process), so it shares their event loop and CPU: with slow mail, the worker's waiting SMTP connections live in the process being measured, which is part of what is measured here but also means client-side time includes event-loop contention from everything in the process.",
    '- FerretDB (SQLite backend) and Redis run on the same machine; FerretDB scans collections for most queries (docs/architecture.md), so absolute latencies say little about MongoDB in production. Only the ratio is the point.',
    '- Other work on the machine during the run (see the load average above) adds noise to both phases; the interleaved blocks spread it over both, and the bootstrap interval shows how much the ratio can move by chance.',
  ].join('\n');

  const summary = [
    `SMTP 0 ms:   p50 ${ms(fast.p50)} ms  p99 ${ms(fast.p99)} ms  (n=${fast.n})`,
    `SMTP 500 ms: p50 ${ms(slow.p50)} ms  p99 ${ms(slow.p99)} ms  (n=${slow.n})`,
    `ratio p50 ${ratio(p50Ratio)}, p99 ${ratio(p99Ratio)} [${ratio(p99Interval.low)}-${ratio(p99Interval.high)}]`,
    `emails: ${placed.size} orders, ${confirmationCount} confirmations, ${missing.length} missing, ${duplicated.length} duplicated, ${unknown.length} unknown`,
  ];

  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    verdict: { met, text: verdictText },
    problems,
    markdown,
    summary,
    raw: {
      sizes: size,
      settings: {
        smtpDelaysMs: [FAST, SLOW],
        blockOrder,
        goalP99Ratio: GOAL_P99_RATIO,
        service: SERVICE_SETTINGS,
        drainStallMs: DRAIN_STALL_MS,
        settleMs: SETTLE_MS,
      },
      phases: {
        [FAST]: { latencyMs: fast, mailLagMs: fastLag, checkoutsPerSecond: throughput(FAST) },
        [SLOW]: { latencyMs: slow, mailLagMs: slowLag, checkoutsPerSecond: throughput(SLOW) },
      },
      ratios: { p50: p50Ratio, p99: p99Ratio, p50Interval95: p50Interval, p99Interval95: p99Interval },
      goalMet: met,
      mail: {
        ordersPlaced: placed.size,
        confirmations: confirmationCount,
        missing,
        duplicated,
        unknown,
        finalDrainCompleted: finalDrain.drained,
      },
      blocks,
      samples: samples.map((sample) => ({
        block: sample.block + 1,
        smtpDelayMs: sample.phase,
        ms: round(sample.ms),
        orderId: sample.orderId,
      })),
    },
  };
}

export const sideEffects: Scenario = {
  name: 'side-effects',
  title: 'Slow mail vs mutation latency (checkout through the gateway)',
  requirement:
    'Mutation latency p50 / p99 through the gateway when the SMTP server takes 500 ms per message versus 0 ms. The goal is that slow mail does not move mutation latency (p99 ratio <= 1.1).',
  run,
};
