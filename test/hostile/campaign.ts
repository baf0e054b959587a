import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import { bodyArbitraries } from './categories/bodies';
import { documentArbitraries } from './categories/documents';
import { identityArbitraries } from './categories/identity';
import { operationMutationArbitraries } from './categories/operation-mutation';
import { protocolArbitraries } from './categories/protocol';
import { transportArbitraries } from './categories/transport';
import { valueArbitraries } from './categories/values';
import type { CampaignFixtures } from './fixtures';
import { CATEGORIES, type Category, type HostileRequest } from './hostile-request';

/**
 * The hostile campaign: a seeded generator (fast-check) of requests in every category, shared by the jest
 * test (`test/hostile/hostile.test.ts`) and the `hostile` benchmark. The same seed and fixtures give the same
 * requests in the same order, so a failure replays with `HOSTILE_SEED=<seed>`.
 */

export { CATEGORIES, type Category, type HostileRequest } from './hostile-request';

/** The default seed; change it only on purpose (a new seed is a new campaign). */
export const DEFAULT_SEED = 20_261_121;

/** Requests generated per fast-check sample: bounds memory (some requests are 100 KB) without changing the order. */
const CHUNK = 50;

/** One arbitrary per category; throws if a category has none, so a new category cannot be forgotten. */
export function campaignArbitraries(fixtures: CampaignFixtures): Record<Category, fc.Arbitrary<HostileRequest>> {
  const all = {
    ...bodyArbitraries(fixtures),
    ...transportArbitraries(fixtures),
    ...protocolArbitraries(fixtures),
    ...documentArbitraries(fixtures),
    ...valueArbitraries(fixtures),
    ...identityArbitraries(fixtures),
    ...operationMutationArbitraries(fixtures),
  };
  const missing = CATEGORIES.filter((category) => !all[category]);
  if (missing.length > 0) throw new TypeError(`campaignArbitraries: no generator for ${missing.join(', ')}`);
  return all as Record<Category, fc.Arbitrary<HostileRequest>>;
}

/** A 32-bit seed for one chunk of one category, from the campaign's seed. */
function chunkSeed(seed: number, category: Category, chunk: number): number {
  return createHash('sha256').update(`${seed}:${category}:${chunk}`).digest().readInt32LE(0);
}

/** `count` requests of one category, generated lazily in chunks. */
export function* categoryRequests(
  arbitraries: Record<Category, fc.Arbitrary<HostileRequest>>,
  category: Category,
  seed: number,
  count: number,
): Generator<HostileRequest> {
  for (let chunk = 0; chunk * CHUNK < count; chunk++) {
    const size = Math.min(CHUNK, count - chunk * CHUNK);
    yield* fc.sample(arbitraries[category], { seed: chunkSeed(seed, category, chunk), numRuns: size });
  }
}

export interface CampaignOptions {
  seed: number;
  fixtures: CampaignFixtures;
  /** Requests in all; every category gets the same share (rounded up). */
  total: number;
  /** @defaultValue every category */
  categories?: readonly Category[];
}

/** The whole campaign, categories taken in turn (so concurrent requests mix categories), as the test sends it. */
export function* interleavedCampaign(options: CampaignOptions): Generator<HostileRequest> {
  const categories = options.categories ?? CATEGORIES;
  const arbitraries = campaignArbitraries(options.fixtures);
  const perCategory = Math.ceil(options.total / categories.length);
  const streams = categories.map((category) => categoryRequests(arbitraries, category, options.seed, perCategory));
  for (let i = 0; i < perCategory; i++) {
    for (const stream of streams) {
      const next = stream.next();
      if (!next.done) yield next.value;
    }
  }
}
