import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@supergraph/logger';
import { createMongoConnection } from '@supergraph/mongo';
import { outboxEvent, type OutboxJobData } from '@supergraph/outbox';
import { createJobQueue } from '@supergraph/queue';
import { testEnv } from '@supergraph/testing';
import { startTestServices } from '../../scripts/services';
import { loadCartWorkerConfig } from '../../subgraphs/cart/src/config';
import { CART_EMAIL_QUEUE, ORDER_PLACED } from '../../subgraphs/cart/src/jobs';
import { orderModel } from '../../subgraphs/cart/src/orders/model';
import { startSmtpSink } from '../../test/support/smtp-sink';
import { renderBarChart } from '../lib/chart';
import { table } from '../lib/markdown';
import { cpuSecondsOf, findPids, spawnService, type ServiceProcess } from '../lib/processes';
import { summarize, type Summary } from '../lib/stats';
import type { Cleanups } from '../lib/cleanup';
import type { Scenario, ScenarioContext, ScenarioResult } from '../lib/types';

/**
 * Does the cart worker's throughput grow with WORKER_CONCURRENCY? Each job is the real order-confirmation job
 * (an order read, a delivery-log check, an email, a delivery-log write), run by the real worker entry point
 * (`subgraphs/cart/src/worker.ts`) as a process of its own, against an SMTP server that takes 50 ms per message.
 * The job is I/O-bound, so the ideal is concurrency x 1000 / 50 jobs/s.
 */

const LEVELS = [5, 20, 50] as const;
const SMTP_DELAY_MS = 50;
const SIZES = {
  // Each full round runs the levels one way and the next round the other way (5 20 50 50 20 5), so a slow drift
  // of the machine touches every level alike.
  full: { jobsPerRun: 1_000, rounds: 2 },
  quick: { jobsPerRun: 150, rounds: 1 },
} as const;
/**
 * Warm-up jobs per run, the same at every level (twice the largest concurrency): a FerretDB lookup by _id slows as
 * its collection grows, so every level must meet collections of the same size (warm-up + timed orders).
 */
const WARMUP = 2 * Math.max(...LEVELS);
/** Each step up must bring at least this share of its ideal gain (5 -> 20 ideally x4: needs x2.5). */
const GOAL_SHARE_OF_IDEAL_GAIN = 0.5;
/** A drain gives up when no job finished for this long. */
const STALL_MS = 30_000;
const WORKER_READY_MS = 60_000;

const root = path.resolve(__dirname, '../..');
const CONFIRMATION = /^Your order (\S+) is confirmed$/;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

interface Run {
  round: number;
  concurrency: number;
  /** Timed jobs completed. */
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  idealJobsPerSecond: number;
  /** Resume of the queue to the first job taken. */
  firstPickupMs: number;
  /** Per job, from taken by the worker to done (BullMQ's processedOn -> finishedOn). */
  jobMs: Summary;
  failed: number;
  /** Jobs that found their email already in the delivery log (a repeat run). */
  notSent: number;
  drained: boolean;
  /** CPU time over the timed region as a share of one core: the worker process, FerretDB, this process (the SMTP sink). */
  workerCpu: number;
  ferretDbCpu: number;
  harnessCpu: number;
  /** The machine's 1-minute load average when the run ended (other work competes for the same cores). */
  loadAverage: number;
}

/** The cart worker's real entry point as a process; resolves once it logs that it is ready. */
function startWorkerProcess(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({
    name: 'cart worker',
    command: path.join(root, 'node_modules/.bin/tsx'),
    args: [path.join(root, 'subgraphs/cart/src/worker.ts')],
    cwd: root,
    env,
    readyLine: '"msg":"cart worker ready"',
    readyTimeoutMs: WORKER_READY_MS,
  });
}

/**
 * One measured run: a fresh database and queue, WARMUP + `jobs` placed orders, a worker process at
 * `concurrency`; the warm-up jobs drain first, then the timed ones. The clock runs from resuming the paused queue
 * to the last job's finish (BullMQ's finishedOn, stamped by the worker on the same machine).
 */
async function measure(
  options: { round: number; concurrency: number; jobs: number; smtpUrl: string; ferretDbPids: readonly number[] },
  cleanups: Cleanups,
  log: (line: string) => void,
  placed: Set<string>,
): Promise<Run> {
  const { concurrency, jobs } = options;
  const env = testEnv('cart', { SMTP_URL: options.smtpUrl, WORKER_CONCURRENCY: String(concurrency) });
  const config = loadCartWorkerConfig(env);
  const logger = createLogger({ service: 'bench-workers', level: 'silent' });
  const connection = await createMongoConnection(config, logger);
  const producer = createJobQueue(CART_EMAIL_QUEUE, config, logger);
  const closeHarness = cleanups.add(`harness connections (concurrency ${concurrency})`, async () => {
    await producer.close();
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });
  const { queue } = producer;

  /** Inserts `count` placed orders and enqueues their confirmation jobs (what checkout and the relay do). */
  const enqueue = async (count: number, label: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 250) {
      const batch = Array.from({ length: Math.min(250, count - start) }, (_, i) => ({
        userId: `bench-user-${start + i}`,
        email: `buyer-${concurrency}-${label}-${start + i}@example.test`,
        idempotencyKey: `bench-${label}-${start + i}`,
        status: 'placed' as const,
        lines: [{ productId: 'bench-product', productName: 'Bench product', quantity: 1, unitPriceCents: 1_000 }],
        totalCents: 1_000,
        currency: 'EUR',
      }));
      const inserted = await orderModel(connection).insertMany(batch);
      const data = inserted.map((order): OutboxJobData => {
        const event = outboxEvent(ORDER_PLACED, String(order._id));
        return { eventId: event._id, type: event.type, entityId: String(order._id), data: event.data };
      });
      await queue.addBulk(data.map((item) => ({ name: 'order-confirmation', data: item, opts: { jobId: item.eventId } })));
      ids.push(...data.map((item) => item.entityId));
    }
    for (const id of ids) placed.add(id);
    return ids;
  };

  /** Waits until `total` jobs of this queue are completed or failed for good; false when none finished for STALL_MS. */
  const drain = async (total: number): Promise<boolean> => {
    let last = -1;
    let lastChangeAt = Date.now();
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      const done = (counts.completed ?? 0) + (counts.failed ?? 0);
      if (done >= total) return true;
      if (done !== last) [last, lastChangeAt] = [done, Date.now()];
      if (Date.now() - lastChangeAt > STALL_MS) return false;
      await sleep(50);
    }
  };

  await queue.pause();
  await enqueue(WARMUP, 'warmup');
  const worker = await startWorkerProcess({ ...env, LOG_LEVEL: 'info' });
  const stopWorker = cleanups.add(`cart worker process (concurrency ${concurrency})`, () => worker.stop());
  await queue.resume();
  if (!(await drain(WARMUP))) log(`workers: !! the warm-up at concurrency ${concurrency} did not drain`);

  // --- The timed region: only the worker runs; the harness polls Redis every 50 ms. ---
  await queue.pause();
  const timed = new Set((await enqueue(jobs, 'timed')).map((id) => outboxEvent(ORDER_PLACED, id)._id));
  const [workerCpuBefore, ferretDbCpuBefore, harnessCpuBefore] = [
    worker.cpuSeconds(),
    cpuSecondsOf(options.ferretDbPids),
    process.cpuUsage(),
  ];
  const resumedAt = Date.now();
  await queue.resume();
  const drained = await drain(WARMUP + jobs);
  const wallSeconds = (Date.now() - resumedAt) / 1000;
  const harnessCpu = process.cpuUsage(harnessCpuBefore);
  const workerCpu = (worker.cpuSeconds() - workerCpuBefore) / wallSeconds;
  const ferretDbCpu = (cpuSecondsOf(options.ferretDbPids) - ferretDbCpuBefore) / wallSeconds;
  await stopWorker();

  const ofRun = async (state: 'completed' | 'failed') =>
    (await queue.getJobs([state], 0, -1)).filter((job) => timed.has(job.id ?? ''));
  const [completed, failed] = [await ofRun('completed'), await ofRun('failed')];
  const finished = [...completed, ...failed];
  const lastFinish = Math.max(...finished.map((job) => job.finishedOn ?? 0));
  const firstPickup = Math.min(...finished.map((job) => job.processedOn ?? Infinity));
  await closeHarness();
  const seconds = (lastFinish - resumedAt) / 1000;
  if (failed.length > 0) log(`workers: ${failed[0]!.failedReason}; worker output (tail):\n${worker.output().slice(-2_000)}`);
  return {
    round: options.round,
    concurrency,
    jobs: completed.length,
    seconds,
    jobsPerSecond: completed.length / seconds,
    idealJobsPerSecond: (concurrency * 1000) / SMTP_DELAY_MS,
    firstPickupMs: firstPickup - resumedAt,
    jobMs: summarize(finished.map((job) => (job.finishedOn ?? NaN) - (job.processedOn ?? NaN))),
    failed: failed.length,
    notSent: finished.filter((job) => (job.returnvalue as { sent?: boolean } | null)?.sent === false).length,
    drained,
    workerCpu,
    ferretDbCpu,
    harnessCpu: (harnessCpu.user + harnessCpu.system) / 1e6 / wallSeconds,
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

async function run({ quick, cleanups, log, saveChart }: ScenarioContext): Promise<ScenarioResult> {
  const size = quick ? SIZES.quick : SIZES.full;
  const order = Array.from({ length: size.rounds }, (_, round) => (round % 2 === 0 ? [...LEVELS] : [...LEVELS].reverse()));

  log('workers: starting FerretDB + Redis');
  const services = await startTestServices();
  cleanups.add('FerretDB + Redis', () => services.stop());
  process.env.TEST_MONGO_URL = services.mongoUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;

  const emails = new Map<string, number>();
  const sink = await startSmtpSink({
    delayMs: SMTP_DELAY_MS,
    onMail: (mail) => {
      const orderId = CONFIRMATION.exec(mail.subject)?.[1];
      if (orderId) emails.set(orderId, (emails.get(orderId) ?? 0) + 1);
    },
  });
  cleanups.add('SMTP sink', () => sink.close());

  const ferretDbPids = findPids('ferretdb', `127.0.0.1:${services.mongoPort}`);
  const placed = new Set<string>();
  const runs: Run[] = [];
  for (const [round, levels] of order.entries()) {
    for (const concurrency of levels) {
      const jobs = size.jobsPerRun;
      log(`workers: round ${round + 1}, WORKER_CONCURRENCY=${concurrency}: ${WARMUP} warm-up + ${jobs} timed jobs`);
      const result = await measure(
        { round: round + 1, concurrency, jobs, smtpUrl: sink.url, ferretDbPids },
        cleanups,
        log,
        placed,
      );
      runs.push(result);
      log(
        `workers:   ${result.jobsPerSecond.toFixed(1)} jobs/s in ${result.seconds.toFixed(2)} s (ideal ${result.idealJobsPerSecond}), ` +
          `job p50 ${result.jobMs.p50.toFixed(0)} ms`,
      );
    }
  }

  // --- Every order, exactly one email (each worker was stopped gracefully, so nothing is still sending) ---
  const missing = [...placed].filter((id) => !emails.has(id));
  const duplicated = [...placed].filter((id) => (emails.get(id) ?? 0) > 1);
  const unknown = [...emails.keys()].filter((id) => !placed.has(id));

  const byLevel = LEVELS.map((concurrency) => {
    const ofLevel = runs.filter((item) => item.concurrency === concurrency);
    const jobs = ofLevel.reduce((total, item) => total + item.jobs, 0);
    const seconds = ofLevel.reduce((total, item) => total + item.seconds, 0);
    const ideal = (concurrency * 1000) / SMTP_DELAY_MS;
    return { concurrency, jobs, seconds, jobsPerSecond: jobs / seconds, ideal, efficiency: jobs / seconds / ideal };
  });
  const base = byLevel[0]!;
  /** Speed-up over the lowest concurrency, as a share of the linear one: independent of how long one job takes. */
  const scaling = (level: (typeof byLevel)[number]) =>
    level.jobsPerSecond / base.jobsPerSecond / (level.concurrency / base.concurrency);
  const steps = byLevel.slice(1).map((level, i) => {
    const previous = byLevel[i]!;
    const needed = 1 + GOAL_SHARE_OF_IDEAL_GAIN * (level.concurrency / previous.concurrency - 1);
    const gain = level.jobsPerSecond / previous.jobsPerSecond;
    return { from: previous.concurrency, to: level.concurrency, gain, needed, met: gain >= needed };
  });
  const met = steps.every((step) => step.met);
  const stepText = steps.map((step) => `${step.from} -> ${step.to}: x${step.gain.toFixed(2)} (needs x${step.needed.toFixed(2)})`);
  const verdictText = `${met ? 'MET' : 'MISSED'}: jobs/s ${met ? 'grows' : 'does not grow enough'} with WORKER_CONCURRENCY: ${stepText.join('; ')}`;

  const problems: string[] = [];
  if (missing.length > 0) problems.push(`${missing.length} of ${placed.size} orders got NO confirmation email`);
  if (duplicated.length > 0) problems.push(`${duplicated.length} orders got MORE THAN ONE confirmation email`);
  if (unknown.length > 0) problems.push(`${unknown.length} confirmation emails name an order the benchmark did not place`);
  const failed = runs.reduce((total, item) => total + item.failed, 0);
  if (failed > 0) problems.push(`${failed} timed jobs failed for good`);
  const notSent = runs.reduce((total, item) => total + item.notSent, 0);
  if (notSent > 0) problems.push(`${notSent} timed jobs found their email already delivered (a job ran twice)`);
  const stalled = runs.filter((item) => !item.drained);
  if (stalled.length > 0)
    problems.push(`${stalled.length} run(s) stopped draining (no job done for ${STALL_MS / 1000} s): their figures are partial`);
  const fastest = Math.min(...runs.map((item) => item.jobMs.min));
  if (fastest < SMTP_DELAY_MS * 0.8) problems.push(`a job took ${fastest} ms: the ${SMTP_DELAY_MS} ms SMTP delay did not apply`);

  const chart = await saveChart(
    'jobs-per-second',
    renderBarChart({
      title: `Cart worker jobs/s by WORKER_CONCURRENCY (SMTP ${SMTP_DELAY_MS} ms per message)`,
      unit: 'jobs/s',
      categories: byLevel.map((level) => `concurrency ${level.concurrency}`),
      series: [
        { name: 'measured', values: byLevel.map((level) => level.jobsPerSecond) },
        { name: `ideal (concurrency × 1000 / ${SMTP_DELAY_MS} ms)`, values: byLevel.map((level) => level.ideal) },
      ],
    }),
  );
  const percent = (share: number) => `${(share * 100).toFixed(0)} %`;
  const markdown = [
    `**Goal:** jobs/s grows with WORKER_CONCURRENCY for an I/O-bound job: each step up (5 -> 20, 20 -> 50) brings at least ${percent(GOAL_SHARE_OF_IDEAL_GAIN)} of its ideal gain.`,
    '',
    `**Result:** ${verdictText}.`,
    '',
    chart,
    '',
    `Per concurrency, all rounds together (${quick ? 'quick' : 'full'} run). Ideal = concurrency × 1000 / ${SMTP_DELAY_MS} ms, as if a job were only its SMTP wait; efficiency = measured / ideal. A job also does MongoDB round trips and a whole SMTP exchange (its real length is in the next table), so the last column separates scaling from the length of one job: the speed-up over concurrency ${base.concurrency} as a share of the linear one (100 % = jobs/s grows in proportion to concurrency).`,
    '',
    table(
      [
        'WORKER_CONCURRENCY',
        'jobs',
        'seconds',
        'jobs/s',
        'ideal jobs/s',
        'efficiency',
        `speed-up vs ${base.concurrency} / linear`,
      ],
      byLevel.map((level) => [
        level.concurrency,
        level.jobs,
        level.seconds.toFixed(2),
        level.jobsPerSecond.toFixed(1),
        level.ideal,
        percent(level.efficiency),
        `x${(level.jobsPerSecond / base.jobsPerSecond).toFixed(2)} / x${(level.concurrency / base.concurrency).toFixed(0)} = ${percent(scaling(level))}`,
      ]),
    ),
    '',
    "Every run in the order it ran; time per job is from the worker taking it to its end (BullMQ processedOn -> finishedOn), in ms. Jobs in flight = jobs/s × mean time per job (Little's law): when it stays below the concurrency, the worker is not kept busy; when time per job grows with it, the jobs wait on something shared. CPU is over the timed region, as a share of one core (the machine has the CPU count above): the worker process (tsx and its node), FerretDB, and this process, which runs the SMTP sink; Redis is not counted.",
    '',
    table(
      [
        'round',
        'concurrency',
        'jobs',
        'seconds',
        'jobs/s',
        'first job taken after (ms)',
        'job p50',
        'job p99',
        'job mean',
        'jobs in flight',
        'worker CPU',
        'FerretDB CPU',
        'harness CPU',
        'load (1 min)',
      ],
      runs.map((item) => [
        item.round,
        item.concurrency,
        item.jobs,
        item.seconds.toFixed(2),
        item.jobsPerSecond.toFixed(1),
        item.firstPickupMs.toFixed(0),
        item.jobMs.p50.toFixed(0),
        item.jobMs.p99.toFixed(0),
        item.jobMs.mean.toFixed(1),
        ((item.jobsPerSecond * item.jobMs.mean) / 1000).toFixed(1),
        Number.isFinite(item.workerCpu) ? percent(item.workerCpu) : 'n/a',
        Number.isFinite(item.ferretDbCpu) ? percent(item.ferretDbCpu) : 'n/a',
        percent(item.harnessCpu),
        item.loadAverage,
      ]),
    ),
    '',
    `Confirmation emails: **${missing.length + duplicated.length + unknown.length === 0 ? 'every order got exactly one' : 'MISMATCH, see the problems above'}**: ` +
      `${placed.size} orders (warm-up included), ${missing.length} missing, ${duplicated.length} duplicated, ${unknown.length} for unknown orders; ` +
      `${failed} timed jobs failed, ${notSent} found their email already sent.`,
    '',
    '**Method.**',
    '',
    `- One run starts FerretDB + Redis (free ports, temp data) and an SMTP sink answering each message after ${SMTP_DELAY_MS} ms, in this process.`,
    `- Each measured run has a fresh database and Redis key prefix, so every level meets collections and queues of the same size. The harness inserts placed orders straight into the cart database (without outbox events, so the worker's outbox sweep finds nothing to relay) and enqueues one \`order-confirmation\` job per order on \`${CART_EMAIL_QUEUE}\`, with the data and job id the relay would give it and the queue's default job options, into the paused queue.`,
    '- Then it starts the real cart worker entry point (`tsx subgraphs/cart/src/worker.ts`, as `nx run cart:worker` does, without watch) as a process of its own, with the service defaults (starter preset: DB pool 10; lock 30 s; outbox sweep 5 s) and only WORKER_CONCURRENCY changed, and waits for its "ready" log line.',
    `- Warm-up: ${WARMUP} jobs drain first, untimed (JIT, connection set-up). Then ${size.jobsPerRun} timed jobs are enqueued into the paused queue and the clock starts at \`resume()\`; it stops at the latest \`finishedOn\` among the timed jobs, read from Redis afterwards. jobs/s = timed jobs / that time. The harness polls the job counts every 50 ms meanwhile. The worker is then stopped (SIGTERM, graceful).`,
    `- ${size.rounds === 1 ? 'One round, concurrency 5, 20, 50.' : `${size.rounds} rounds, alternately 5 20 50 and 50 20 5, so a drift of the machine touches every level alike; a level's jobs/s is its jobs over its time, all rounds together.`}`,
    '- Each job is the real processor: read the order, check the delivery log, send the email over SMTP (the mailer of `@supergraph/mail`), write the delivery log. At the end each order must have exactly one email at the sink.',
    '',
    '**Known limitations.**',
    '',
    `- The SMTP sink runs in the harness process, and FerretDB, Redis, the worker and the harness share one machine (see the CPU count above): at high rates they compete for CPU, which caps jobs/s below the ideal for reasons a production deployment would not have; so does any other work on the machine (the load column: above the CPU count, runs queued for a core). The ideal counts only the ${SMTP_DELAY_MS} ms per message, not the MongoDB round trips or the rest of the SMTP exchange.`,
    `- A FerretDB lookup by \`_id\` gets slower as its collection grows (about 3 ms at 500 orders, 9 ms at 2,000, 16 ms at 8,000 on the machine this was written on), so every run meets the same sizes (${WARMUP} + ${size.jobsPerRun} orders, as many deliveries) and absolute jobs/s hold for that size only; MongoDB's \`_id\` index would not slow so.`,
    '- One worker process; several processes (how the worker scales out) are not measured here.',
    '- A quick run has few jobs per level, so its seconds include a relatively large share of ramp-up and tail: a smoke test, not a verdict.',
  ].join('\n');

  const summary = [
    ...byLevel.map(
      (level) =>
        `concurrency ${String(level.concurrency).padStart(2)}: ${level.jobsPerSecond.toFixed(1)} jobs/s (ideal ${level.ideal}, ${percent(level.efficiency)})`,
    ),
    `emails: ${placed.size} orders, ${missing.length} missing, ${duplicated.length} duplicated, ${unknown.length} unknown`,
  ];

  return {
    verdict: { met, text: verdictText },
    problems,
    markdown,
    summary,
    raw: {
      sizes: size,
      settings: {
        levels: LEVELS,
        warmupJobs: WARMUP,
        smtpDelayMs: SMTP_DELAY_MS,
        goalShareOfIdealGain: GOAL_SHARE_OF_IDEAL_GAIN,
        stallMs: STALL_MS,
      },
      levels: byLevel.map((level) => ({ ...level, scalingVsLowest: scaling(level) })),
      steps,
      runs,
      mail: { orders: placed.size, missing, duplicated, unknown },
    },
  };
}

export const workers: Scenario = {
  name: 'workers',
  title: 'Worker throughput vs WORKER_CONCURRENCY (I/O-bound email job)',
  requirement:
    'Jobs per second at WORKER_CONCURRENCY 5, 20 and 50 for an I/O-bound job (the cart order-confirmation email, SMTP server taking 50 ms per message). The goal is that jobs/s grows with concurrency.',
  run,
};
