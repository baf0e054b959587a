/**
 * Hive Gateway (`hive-gateway supergraph <file> --config-path bench/gateways/hive.config.ts`), with its
 * defaults except header propagation: each subgraph call carries the signed identity header our subgraphs
 * require, computed once per client request. Env: JWT_SECRET, IDENTITY_SECRET. The subgraph URLs are the
 * supergraph file's (the bench writes one with the ports it started the subgraphs on).
 */
import { IDENTITY_HEADER, identityFor } from './peer-identity';

const perRequest = new WeakMap<Request, Promise<string>>();

// A plain object rather than `defineConfig(...)`: importing Hive's types would pull graphql-yoga's global
// augmentation of GraphQLErrorExtensions into the bench's type check, where it contradicts Apollo's.
export const gatewayConfig = {
  propagateHeaders: {
    async fromClientToSubgraphs({ request }: { request: Request }) {
      let identity = perRequest.get(request);
      if (!identity) {
        identity = identityFor(request.headers.get('authorization'), '');
        perRequest.set(request, identity);
      }
      return { [IDENTITY_HEADER]: await identity };
    },
  },
};
