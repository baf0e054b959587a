/**
 * Stock Apollo Gateway, set up as Apollo's docs show: `ApolloGateway` with a static supergraph, a
 * `RemoteGraphQLDataSource` per subgraph that adds a header from the context in `willSendRequest`, and
 * `ApolloServer` + `startStandaloneServer` with a `context` function that reads the token. Nothing tuned.
 * Env: PORT, SUPERGRAPH_PATH (its subgraph URLs are used as they are), JWT_SECRET, IDENTITY_SECRET.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { IDENTITY_HEADER, identityFor } from './peer-identity';

interface Context {
  identity: string;
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql', 'utf8'),
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource<Context>({
      url,
      willSendRequest({ request, context }) {
        if (context.identity) request.http?.headers.set(IDENTITY_HEADER, context.identity);
      },
    }),
});

const server = new ApolloServer<Context>({ gateway });

startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' },
  context: async ({ req }) => ({ identity: await identityFor(req.headers.authorization, req.socket.remoteAddress ?? '') }),
}).then(
  ({ url }) => console.log(`stock Apollo Gateway ready at ${url}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
