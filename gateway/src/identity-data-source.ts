import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { IDENTITY_HEADER, signIdentity } from '@supergraph/identity';
import { REQUEST_ID_HEADER, type Logger } from '@supergraph/logger';
import { DEADLINE_HEADER } from '@supergraph/server';
import type { GatewayContext } from './context';
import type { SubgraphClient } from './subgraph-fetcher';
import { hintFromHeader, type CachedAnswer, type SubgraphResponseCache } from './subgraph-response-cache';

export interface SubgraphSource {
  name: string;
  url: string;
  client: SubgraphClient;
  logger: Logger;
  identitySecret: string;
  identityTtlSeconds: number;
  /** Public answers of queries are reused from here (entity caching); absent: every fetch goes out. */
  cache?: SubgraphResponseCache | undefined;
}

const MUTATION = /^\s*mutation\b/;

class SubgraphAnswerError extends Error {}

/**
 * A subgraph as the gateway calls it: every fetch carries the caller's signed identity and the
 * request id; public answers of queries come from the subgraph cache when it has them. A fetch
 * that fails (down, timed out, breaker open, refused) becomes an error answer from that
 * subgraph, so the query plan goes on with the others and the client gets their data plus a
 * coded error for the missing part, instead of no data at all.
 *
 * It implements Apollo's `GraphQLDataSource` directly rather than extending
 * `RemoteGraphQLDataSource`, whose path copies headers twice and builds a fetch Request per call:
 * one JSON.stringify out, one JSON.parse in, nothing else.
 */
export class IdentityDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraph: SubgraphSource) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    // A client's operation (not a health check): the enum telling them apart is not exported.
    const incoming = 'incomingRequestContext' in options ? options : undefined;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      // The subgraph stops work nobody waits for past this budget (the fetch's own timeout),
      // relative so that hosts' clocks need not agree.
      [DEADLINE_HEADER]: String(this.subgraph.client.timeoutMs),
    };
    if (incoming) {
      headers[IDENTITY_HEADER] = incoming.context.identityToken;
      headers[REQUEST_ID_HEADER] = incoming.context.requestId;
    } else {
      // Health checks run without a request: they speak for the gateway itself, anonymously
      // (subgraphs refuse unsigned requests).
      const anonymous = { userId: null, email: null, roles: [], clientIp: 'gateway' };
      headers[IDENTITY_HEADER] = await signIdentity(anonymous, this.subgraph.identitySecret, this.subgraph.identityTtlSeconds);
    }
    const body = JSON.stringify({
      query: request.query,
      ...(request.operationName ? { operationName: request.operationName } : {}),
      ...(request.variables ? { variables: request.variables } : {}),
      ...(request.extensions ? { extensions: request.extensions } : {}),
    });
    const send = () => this.send(headers, body);
    const mutation = MUTATION.test(request.query);
    try {
      const { cache } = this.subgraph;
      const answer = incoming && cache && !mutation ? await cache.load(this.subgraph.name, body, send) : await send();
      if (mutation && incoming && cache) await cache.invalidate(this.subgraph.name);
      const policy = incoming?.incomingRequestContext.overallCachePolicy;
      if (policy && 'restrict' in policy) policy.restrict(answer.hint);
      return JSON.parse(answer.body) as GatewayGraphQLResponse;
    } catch (error) {
      // Only a client's operation gets an error answer; health checks must see the failure.
      if (!incoming) throw error;
      if (mutation && this.subgraph.cache) await this.subgraph.cache.invalidate(this.subgraph.name);
      const reason = error instanceof Error ? error.message : String(error);
      (incoming.context.logger ?? this.subgraph.logger).warn(
        { subgraph: this.subgraph.name, err: reason },
        'subgraph fetch failed',
      );
      return {
        errors: [
          { message: `The ${this.subgraph.name} subgraph could not answer.`, extensions: { code: 'SUBGRAPH_UNAVAILABLE' } },
        ],
      };
    }
  }

  private async send(headers: Record<string, string>, body: string): Promise<CachedAnswer> {
    const answer = await this.subgraph.client.send(this.subgraph.url, headers, body);
    const json =
      answer.contentType?.startsWith('application/json') || answer.contentType?.startsWith('application/graphql-response+json');
    if (answer.status < 200 || answer.status >= 300 || !json) {
      throw new SubgraphAnswerError(`subgraph answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
    const hint = hintFromHeader(answer.cacheControl);
    // An answer with errors is never shared, whatever its header says.
    return { body: answer.body, hint: answer.body.includes('"errors":') ? { ...hint, scope: 'PRIVATE' } : hint };
  }
}
