import { createHash } from 'node:crypto';
import { Faker, en } from '@faker-js/faker';
import { Types } from 'mongoose';
import { seedEmail } from './accounts';

/** Sizes of a seed run. */
export interface SeedSizes {
  users: number;
  posts: number;
  products: number;
}

/** The same id for the same thing on every run, so running the seed twice changes nothing. */
export function seedId(kind: string, index: number): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`supergraph-seed:${kind}:${index}`).digest('hex').slice(0, 24));
}

const TAGS = [
  'graphql',
  'typescript',
  'mongodb',
  'redis',
  'federation',
  'performance',
  'design',
  'testing',
  'devops',
  'security',
  'frontend',
  'news',
  'howto',
  'release',
  'opinion',
];
const DAY = 86_400_000;

/** Deterministic fake data: each generator is seeded by the index of what it makes. */
export function seedData(sizes: SeedSizes, now = Date.UTC(2026, 10, 1)) {
  const faker = new Faker({ locale: [en] });
  const at = (kind: string, index: number) => {
    faker.seed(createHash('sha256').update(`${kind}:${index}`).digest().readUInt32BE(0));
    return faker;
  };
  return {
    *users() {
      for (let i = 0; i < sizes.users; i += 1) {
        const f = at('user', i);
        yield {
          _id: seedId('user', i),
          email: seedEmail(i + 1),
          name: f.person.fullName(),
          roles: i === 0 ? ['user', 'admin'] : ['user'],
          emailVerified: true,
          createdAt: new Date(now - 180 * DAY + i * 1_000),
        };
      }
    },
    /** Posts in time order; each author's posts are numbered 1, 2, 3... in that same order. */
    *posts() {
      const nextSeq = new Map<number, number>();
      for (let i = 0; i < sizes.posts; i += 1) {
        const f = at('post', i);
        const author = f.number.int({ min: 0, max: sizes.users - 1 });
        const authorSeq = (nextSeq.get(author) ?? 0) + 1;
        nextSeq.set(author, authorSeq);
        const createdAt = new Date(now - 90 * DAY + Math.floor((i * 90 * DAY) / Math.max(sizes.posts, 1)));
        yield {
          _id: seedId('post', i),
          title: f.lorem.sentence({ min: 3, max: 9 }).replace(/\.$/, ''),
          body: f.lorem.paragraphs({ min: 1, max: 4 }),
          tags: f.helpers.arrayElements(TAGS, { min: 0, max: 3 }),
          authorId: String(seedId('user', author)),
          authorSeq,
          deletedAt: null,
          createdAt,
          updatedAt: createdAt,
        };
      }
    },
    *products() {
      for (let i = 0; i < sizes.products; i += 1) {
        const f = at('product', i);
        yield {
          _id: seedId('product', i),
          name: f.commerce.productName(),
          description: f.commerce.productDescription(),
          priceCents: f.number.int({ min: 199, max: 49_999 }),
          currency: 'EUR',
          stock: f.number.int({ min: 0, max: 500 }),
        };
      }
    },
  };
}
