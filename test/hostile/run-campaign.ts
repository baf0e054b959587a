import { setTimeout as sleep } from 'node:timers/promises';
import type { CampaignFixtures } from './fixtures';
import type { Category, HostileRequest } from './hostile-request';
import { judge, createTally, type Source } from './judge';
import type { AppProcess, GatewayMode, SubgraphName } from './process-stack';
import { createSender, type Sendable } from './send';

/**
 * Sends a campaign's requests with bounded concurrency, judges every answer and tallies the findings. Each
 * request carries the id `hostile-<n>`, so a log line it caused (in the gateway or a subgraph) names it.
 * Requests meant for "the gateway" alternate between the gateways given, in order.
 */

export interface CampaignTargets {
  gateways: ReadonlyArray<{ mode: GatewayMode; origin: string }>;
  subgraphs: Record<SubgraphName, string>;
}

export interface RunnerOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** How long an answer may take before it counts as a hang. @defaultValue 60000 */
  hangAfterMs?: number;
}

const REQUEST_ID = /^hostile-(\d+)$/;

export function createCampaignRunner(targets: CampaignTargets, options: RunnerOptions) {
  const sender = createSender({ connections: options.concurrency, hangAfterMs: options.hangAfterMs ?? 60_000 });
  const tally = createTally();
  const categories: Category[] = [];

  const sendOne = async (request: HostileRequest, index: number) => {
    const gateway = targets.gateways[index % targets.gateways.length]!;
    const origin = request.target === 'gateway' ? gateway.origin : targets.subgraphs[request.target];
    const source: Source = request.target === 'gateway' ? gateway.mode : 'subgraph';
    const answer = await sender.send(origin, request, `hostile-${index}`);
    tally.record(request, answer, source, judge(request, answer, source));
  };

  return {
    tally,
    /** The category of the request that carried this id, if it was one of ours. */
    categoryOf(requestId: string): Category | undefined {
      const match = REQUEST_ID.exec(requestId);
      return match ? categories[Number(match[1])] : undefined;
    },
    /** Sends every request (pulled lazily), `concurrency` at a time; resolves when all are answered. */
    async run(requests: Iterable<HostileRequest>): Promise<number> {
      const iterator = requests[Symbol.iterator]();
      let sent = 0;
      const worker = async () => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          const index = categories.length;
          categories.push(next.value.category);
          sent += 1;
          await sendOne(next.value, index);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      return sent;
    },
    close: () => sender.close(),
  };
}

export type CampaignRunner = ReturnType<typeof createCampaignRunner>;

/** Ordinary traffic (reads, signed in and not), so a gateway's caches and JIT reach their working size first. */
export async function warmUp(origins: readonly string[], fixtures: CampaignFixtures, requests: number): Promise<void> {
  const sender = createSender({ connections: 4, hangAfterMs: 60_000 });
  const bodies = [
    { query: 'query Feed($first: Int) { feed(first: $first) { id title author { id name } } }', variables: { first: 10 } },
    { query: '{ products(first: 10) { id name priceCents } }' },
    { query: '{ me { id name cart { itemCount } } }', token: fixtures.tokens.valid },
    { query: 'query($id: ID!) { post(id: $id) { id title tags } }', variables: { id: fixtures.postIds[0] } },
  ];
  try {
    const one = async (i: number) => {
      const { token, ...body } = bodies[i % bodies.length]!;
      const request: Sendable = {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      };
      const answer = await sender.send(origins[i % origins.length]!, request, `warm-up-${i}`);
      if (answer.status !== 200)
        throw new Error(
          `warm-up request failed: ${answer.status} ${answer.body.slice(0, 300)} ${answer.transportError ?? answer.clientError ?? ''}`,
        );
    };
    for (let i = 0; i < requests; i += 4) await Promise.all([0, 1, 2, 3].map((k) => one(i + k)));
  } finally {
    await sender.close();
  }
}

/**
 * Polls a process's RSS until it is at most `boundBytes` or `deadlineMs` passed; returns the last reading.
 * A bound, not a timing: V8 gives memory back lazily, so the reading is allowed to settle.
 */
export async function settledRss(app: AppProcess, boundBytes: number, deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let rss = app.rssBytes();
  while (rss > boundBytes && Date.now() < deadline) {
    await sleep(500);
    rss = app.rssBytes();
  }
  return rss;
}
