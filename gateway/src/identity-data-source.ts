import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER } from '@supergraph/identity';
import { REQUEST_ID_HEADER } from '@supergraph/logger';
import type { GatewayContext } from './context';

/** Sends each subgraph fetch the caller's signed identity and the request id. */
export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading run without a request context.
    if (!('identityToken' in context)) return;
    request.http?.headers.set(IDENTITY_HEADER, context.identityToken);
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}
