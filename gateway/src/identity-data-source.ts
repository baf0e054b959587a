import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { IDENTITY_HEADER, signIdentity } from '@supergraph/identity';
import { REQUEST_ID_HEADER, type Logger } from '@supergraph/logger';
import type { GatewayContext } from './context';

/**
 * A subgraph as the gateway calls it: every fetch carries the caller's signed identity and the
 * request id. A fetch that fails (down, timed out, breaker open) becomes an error answer from
 * that subgraph, so the query plan goes on with the others and the client gets their data plus
 * a coded error for the missing part, instead of no data at all.
 */
export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: { name: string; logger: Logger; identitySecret: string; identityTtlSeconds: number },
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(config);
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if ('identityToken' in context) {
      request.http?.headers.set(IDENTITY_HEADER, context.identityToken);
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
      return;
    }
    // Health checks run without a request: they speak for the gateway itself, anonymously
    // (subgraphs refuse unsigned requests).
    const anonymous = { userId: null, email: null, roles: [], clientIp: 'gateway' };
    request.http?.headers.set(
      IDENTITY_HEADER,
      await signIdentity(anonymous, this.subgraph.identitySecret, this.subgraph.identityTtlSeconds),
    );
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      // Only a client's operation gets an error answer; health checks must see the failure.
      if (!('incomingRequestContext' in options)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      (options.context.logger ?? this.subgraph.logger).warn(
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
}
