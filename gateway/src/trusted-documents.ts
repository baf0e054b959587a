import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The frontend's operations, by sha256, from the manifest codegen's client preset writes
 * (schema/client/persisted-documents.json: `{ "sha256:<hex>": "<document>" }`).
 */
export function loadTrustedDocuments(path: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(manifest).map(([key, document]) => [key.replace(/^sha256:/, ''), document]));
}

type Body = { query?: unknown; documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };

/**
 * Lets clients send a trusted document by hash alone: an automatic-persisted-query hash or a
 * `documentId` (`sha256:<hex>`) found in the manifest gets its text filled in. With
 * `persistedQueries: false` (trusted-documents mode, where nothing is ever registered) the
 * persisted-query extension is dropped once the text is in.
 */
export function fillTrustedDocument(documents: ReadonlyMap<string, string>, options: { persistedQueries: boolean }) {
  return (body: unknown): unknown => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    const request = body as Body;
    if (request.query !== undefined) return body;
    const hash =
      typeof request.documentId === 'string'
        ? request.documentId.replace(/^sha256:/, '')
        : typeof request.extensions?.persistedQuery?.sha256Hash === 'string'
          ? request.extensions.persistedQuery.sha256Hash
          : undefined;
    const document = hash ? documents.get(hash) : undefined;
    if (!document || !hash) return body;
    const { documentId: _documentId, ...rest } = request;
    const { persistedQuery: _persistedQuery, ...extensions } = request.extensions ?? {};
    return {
      ...rest,
      query: document,
      extensions: options.persistedQueries ? { ...extensions, persistedQuery: { version: 1, sha256Hash: hash } } : extensions,
    };
  };
}

/**
 * In trusted-documents mode, a request that names a document by hash alone and whose hash is
 * not in the manifest (so `fillTrustedDocument` left it without text) is refused at once.
 */
export function refuseUnknownDocumentIds(params: Record<string, unknown>) {
  const request = params as Body;
  if (request.query !== undefined) return undefined;
  if (request.documentId === undefined && request.extensions?.persistedQuery === undefined) return undefined;
  return {
    status: 400,
    code: 'TRUSTED_DOCUMENT_REQUIRED',
    message: 'This document id is not one of the registered operations of our apps.',
  };
}

/** In trusted-documents mode, any operation not in the manifest is refused (TRUSTED_DOCUMENT_REQUIRED, 400). */
export function useTrustedDocumentsOnly(documents: ReadonlyMap<string, string>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source }) {
          const hash = createHash('sha256').update(source).digest('hex');
          if (!documents.has(hash)) {
            throw new GraphQLError('Only the registered operations of our apps are accepted here.', {
              extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
