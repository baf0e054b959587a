import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';

/**
 * What the mixed load sends: the frontend's own operations (`schema/operations`), with the
 * variables a person would type. Each operation kind knows what it needs (a session, a cart)
 * and what a success looks like.
 */

/** The kinds of request in the mix. */
export const OPERATION_KINDS = ['feed', 'products', 'me', 'login', 'register', 'createPost', 'addToCart', 'checkout'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/**
 * Default weights: mostly anonymous reads, then signed-in reads and writes. A session lasts
 * many requests, so sign-ins and sign-ups (each one a scrypt hash, ~100 ms of CPU) are a few
 * per cent, as on a real site.
 */
export const DEFAULT_MIX: Readonly<Record<OperationKind, number>> = {
  feed: 30,
  products: 15,
  me: 15,
  login: 4,
  register: 2,
  createPost: 8,
  addToCart: 10,
  checkout: 6,
};

/** Which frontend operation each kind sends. */
const OPERATION_NAMES: Record<OperationKind, string> = {
  feed: 'Feed',
  products: 'Products',
  me: 'MyCart',
  login: 'Login',
  register: 'Register',
  createPost: 'CreatePost',
  addToCart: 'AddToCart',
  checkout: 'Checkout',
};

const repoRoot = path.resolve(__dirname, '../..');

/** The documents of `schema/operations`, printed one operation per document, by operation name. */
export function loadOperationDocuments(dir = path.join(repoRoot, 'schema/operations')): Record<OperationKind, string> {
  const byName = new Map<string, string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.graphql'))) {
    for (const definition of parse(readFileSync(path.join(dir, file), 'utf8')).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) {
        byName.set(definition.name.value, print(definition as OperationDefinitionNode));
      }
    }
  }
  const documents = {} as Record<OperationKind, string>;
  for (const kind of OPERATION_KINDS) {
    const document = byName.get(OPERATION_NAMES[kind]);
    if (document === undefined) throw new Error(`schema/operations has no operation named ${OPERATION_NAMES[kind]}`);
    documents[kind] = document;
  }
  return documents;
}

/**
 * A password the sign-up policy accepts (15+ characters, zxcvbn score 4): 16 random characters,
 * as a password manager makes them.
 */
export function strongPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** A unique address for a new account of this run. */
export function newAccountEmail(runId: string, client: number, serial: number): string {
  return `load-${runId}-${client}-${serial}@example.com`;
}

const WORDS = ['federation', 'gateway', 'latency', 'cache', 'batching', 'outbox', 'queue', 'schema', 'subgraph', 'index'];
const TAGS = ['graphql', 'typescript', 'performance', 'design', 'news'];

/** A post as a person writes one: a short title, a paragraph, a tag or two. */
export function postInput(random: () => number): { title: string; body: string; tags: string[] } {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const words = Array.from({ length: 40 + Math.floor(random() * 80) }, () => pick(WORDS));
  return {
    title: `On ${pick(WORDS)} and ${pick(WORDS)}`,
    body: words.join(' '),
    tags: [...new Set([pick(TAGS), pick(TAGS)])],
  };
}

/** A checkout's idempotency key: one per attempt to buy a cart. */
export function idempotencyKey(): string {
  return `load-${randomUUID()}`;
}
