import path from 'node:path';
import type { Logger } from '@supergraph/logger';
import { buildSubgraph, createByIdLoader, type BuiltSubgraph, type SubgraphDefinition } from '@supergraph/subgraph';
import type { Resolvers } from './__generated__/resolvers-types';
import type { CartConfig } from './config';
import type { CartContext } from './context';
import { productModel } from './products/model';
import { productResolvers } from './products/resolvers';

const resolvers: Resolvers = { ...productResolvers };

/** The cart subgraph: products (carts, orders and checkout build on them). */
export function cartSubgraph(_config: CartConfig): SubgraphDefinition<CartContext> {
  return {
    name: 'cart',
    schemaPath: path.resolve(__dirname, '../schema.graphql'),
    setup({ connection }) {
      const products = productModel(connection);
      return {
        resolvers,
        context: (base) => ({ ...base, loaders: { productById: createByIdLoader(products) } }),
      };
    },
  };
}

/** Builds the cart subgraph without listening (tests run it in-process). */
export function buildCartSubgraph(config: CartConfig, logger: Logger): Promise<BuiltSubgraph> {
  return buildSubgraph(cartSubgraph(config), config, logger);
}
