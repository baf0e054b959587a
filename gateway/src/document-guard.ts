import { createHash } from 'node:crypto';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { measureDocument, type DocumentShape } from './document-shape';

/** Limits checked before graphql's validation; names match the config variables. */
export interface DocumentGuardSettings {
  /** UTF-8 bytes of the document, comments and whitespace included. */
  MAX_DOCUMENT_BYTES: number;
  MAX_TOKENS: number;
  MAX_DEPTH: number;
  MAX_FIELDS: number;
  MAX_ALIASES: number;
  MAX_DIRECTIVES: number;
  MAX_ROOT_FIELDS: number;
  /** Same-named field pairs weighted by size: the overlapping-fields rule's work (see document-shape). */
  MAX_FIELD_PAIRS: number;
}

/** A request refused before Apollo sees it. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  extensions?: Record<string, unknown>;
}

/** The parts of a GraphQL request the guard reads (a POST body or GET's query string). */
export interface GraphQLRequestParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** What the guard keeps per document hash: its refusal, or the variables it declares. */
type Verdict = { refusal: Refusal } | { variables: ReadonlySet<string> };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const SHA256_HEX = /^[0-9a-f]{64}$/i;

const limitRefusal = (limit: string, message: string, extensions: Record<string, unknown>): Refusal => ({
  status: 400,
  code: 'OPERATION_LIMIT_EXCEEDED',
  message,
  extensions: { limit, ...extensions },
});

/** The automatic-persisted-query extension, checked before any lookup or hashing by Apollo. */
function checkPersistedQuery(params: GraphQLRequestParams, queryHash: () => string): Refusal | undefined {
  const extension = (params.extensions as { persistedQuery?: unknown } | null | undefined)?.persistedQuery;
  if (extension === undefined || extension === null) return undefined;
  if (typeof extension !== 'object') {
    return { status: 400, code: 'BAD_REQUEST', message: 'extensions.persistedQuery must be an object.' };
  }
  const { version, sha256Hash } = extension as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1) {
    return { status: 400, code: 'PERSISTED_QUERY_NOT_SUPPORTED', message: 'Only version 1 of persisted queries is supported.' };
  }
  const wellFormed = typeof sha256Hash === 'string' && SHA256_HEX.test(sha256Hash);
  if (typeof params.query !== 'string') {
    // Apollo's own answer for a hash it does not know, without asking Redis for a malformed one.
    return wellFormed ? undefined : { status: 200, code: 'PERSISTED_QUERY_NOT_FOUND', message: 'PersistedQueryNotFound' };
  }
  if (!wellFormed || sha256Hash.toLowerCase() !== queryHash()) {
    return {
      status: 400,
      code: 'PERSISTED_QUERY_HASH_MISMATCH',
      message: 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.',
    };
  }
  return undefined;
}

function checkShape(shape: DocumentShape, settings: DocumentGuardSettings): Refusal | undefined {
  const checks: Array<[keyof DocumentShape, number, string]> = [
    ['depth', settings.MAX_DEPTH, 'levels deep'],
    ['valueDepth', settings.MAX_DEPTH, 'levels deep in one argument value'],
    ['fields', settings.MAX_FIELDS, 'fields (fragments counted at each spread)'],
    ['aliases', settings.MAX_ALIASES, 'aliases'],
    ['directives', settings.MAX_DIRECTIVES, 'directives'],
    ['rootFields', settings.MAX_ROOT_FIELDS, 'root fields'],
  ];
  for (const [limit, max, what] of checks) {
    const value = shape[limit];
    if (value > max) {
      const shown = Number.isFinite(value) && value < 1e12 ? String(value) : 'too many';
      return limitRefusal(limit, `The operation is ${shown} ${what}; at most ${max} are allowed.`, { max });
    }
  }
  return undefined;
}

function parseDocument(query: string, maxTokens: number): DocumentNode | Refusal {
  try {
    return parse(query, { maxTokens, noLocation: true });
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : 'The document does not parse.';
    if (/more th[ae]n \d+ tokens/.test(message)) {
      return limitRefusal('tokens', `The document has more than ${maxTokens} tokens.`, { max: maxTokens });
    }
    return { status: 400, code: 'GRAPHQL_PARSE_FAILED', message };
  }
}

/**
 * Cheap refusals, run before Apollo parses and validates: a persisted-query extension that
 * cannot be right, a document over its byte size (comments included) or token count, and an
 * operation deeper, wider or more aliased than allowed, measured with fragments spread in place
 * at the cost of one walk. graphql's full validation (whose overlapping-fields rule grows with
 * the square of a selection's size) then only ever sees documents within these bounds. Verdicts
 * are kept by document hash, so a document refused once is refused again for the price of a
 * hash; accepted ones are parsed and validated by Apollo, which caches them by hash as well.
 */
export function createDocumentGuard(settings: DocumentGuardSettings, options: { verdicts?: number } = {}) {
  const verdicts = new LRUCache<string, Verdict>({ max: options.verdicts ?? 10_000 });

  const judge = (query: string): Verdict => {
    const parsed = parseDocument(query, settings.MAX_TOKENS);
    if (!('kind' in parsed)) return { refusal: parsed };
    const { operations, fieldPairs } = measureDocument(parsed);
    for (const shape of operations.values()) {
      const refusal = checkShape(shape, settings);
      if (refusal) return { refusal };
    }
    if (fieldPairs > settings.MAX_FIELD_PAIRS) {
      return {
        refusal: limitRefusal(
          'fieldPairs',
          `The operation repeats fields too often (${fieldPairs} weighted pairs of same-named fields; at most ${settings.MAX_FIELD_PAIRS}): select each field once per selection.`,
          { max: settings.MAX_FIELD_PAIRS },
        ),
      };
    }
    const variables = new Set<string>();
    for (const operation of operations.keys()) {
      for (const definition of operation.variableDefinitions ?? []) variables.add(definition.variable.name.value);
    }
    return { variables };
  };

  return function screen(params: GraphQLRequestParams): Refusal | undefined {
    const { query } = params;
    // A document larger than allowed is refused before it is hashed, parsed or looked up.
    if (typeof query === 'string' && query.length > settings.MAX_DOCUMENT_BYTES / 3) {
      const bytes = Buffer.byteLength(query, 'utf8');
      if (bytes > settings.MAX_DOCUMENT_BYTES) {
        return limitRefusal(
          'documentBytes',
          `The document is ${bytes} bytes; at most ${settings.MAX_DOCUMENT_BYTES} are allowed.`,
          {
            max: settings.MAX_DOCUMENT_BYTES,
          },
        );
      }
    }
    let hash: string | undefined;
    const queryHash = () => (hash ??= sha256(query as string));
    const persisted = checkPersistedQuery(params, queryHash);
    if (persisted) return persisted;
    let verdict: Verdict | undefined;
    if (typeof query === 'string') {
      const key = queryHash();
      verdict = verdicts.get(key);
      if (verdict === undefined) {
        verdict = judge(query);
        verdicts.set(key, verdict);
      }
    } else {
      // A persisted query sent by hash alone: its hash is the key its text was judged under.
      const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
      if (typeof persisted?.sha256Hash === 'string') verdict = verdicts.get(persisted.sha256Hash.toLowerCase());
    }
    if (verdict && 'refusal' in verdict) return verdict.refusal;
    if (verdict) dropUndeclaredVariables(params, verdict.variables);
    return undefined;
  };
}

/**
 * Variables the document does not declare are ignored by GraphQL anyway; dropping them here
 * keeps a client from making every later step (hashing for caches, planning) walk thousands of
 * them. Only a POST body can be rewritten this way; a GET's query string is bounded by the
 * header size limit.
 */
function dropUndeclaredVariables(params: GraphQLRequestParams, declared: ReadonlySet<string>): void {
  const { variables } = params;
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) return;
  const names = Object.keys(variables);
  if (names.every((name) => declared.has(name))) return;
  params.variables = Object.fromEntries(
    names.filter((name) => declared.has(name)).map((name) => [name, (variables as Record<string, unknown>)[name]]),
  );
}

export type DocumentGuard = ReturnType<typeof createDocumentGuard>;
