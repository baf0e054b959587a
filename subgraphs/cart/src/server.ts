import path from 'node:path';
import type { Logger } from '@supergraph/logger';
import {
  buildSubgraph,
  createCachedByIdLoader,
  DateTimeScalar,
  type BuiltSubgraph,
  type SubgraphDefinition,
} from '@supergraph/subgraph';
import type { Resolvers } from './__generated__/resolvers-types';
import { cartModel } from './carts/model';
import { createCartService } from './carts/service';
import type { CartConfig } from './config';
import type { CartContext } from './context';
import { createCheckout } from './orders/checkout';
import { orderModel } from './orders/model';
import { orderOutcomeModel } from './orders/outcome-model';
import { createOrderSettlement } from './orders/settlement';
import { createOrderStore } from './orders/store';
import { createProductAdmin } from './products/admin';
import { productModel, toProduct } from './products/model';
import { createProductStore } from './products/store';
import { cartResolvers } from './resolvers';
import { stockMovementModel } from './stock/model';
import { createStockLedger } from './stock/stock-ledger';
import { createCartRelay } from './jobs';

const resolvers: Resolvers = { DateTime: DateTimeScalar, ...cartResolvers };

/** The cart subgraph: products and their stock, carts, orders and checkout. */
export function cartSubgraph(config: CartConfig): SubgraphDefinition<CartContext> {
  return {
    name: 'cart',
    schemaPath: path.resolve(__dirname, '../schema.graphql'),
    setup({ connection, cache, queue, logger }) {
      const products = productModel(connection);
      const carts = cartModel(connection);
      const orders = orderModel(connection);
      const ledger = createStockLedger(stockMovementModel(connection), products);
      const cartService = createCartService(carts, cache);
      const relay = createCartRelay({ connection, orders, queue, logger }, config);
      const settlement = createOrderSettlement({ orders, outcomes: orderOutcomeModel(connection), ledger, relay, cache });
      const checkout = createCheckout({ orders, carts, products, ledger, cartService, settlement });
      const stores = { products: createProductStore(products, cache), orders: createOrderStore(orders, cache) };
      return {
        resolvers,
        context: (base) => ({
          ...base,
          stores,
          services: { carts: cartService, checkout, productAdmin: createProductAdmin(products, ledger, cache) },
          loaders: {
            productById: createCachedByIdLoader({ model: products, cache, kind: 'product', toEntity: toProduct }),
            orderById: stores.orders.loader(),
          },
        }),
      };
    },
  };
}

/** Builds the cart subgraph without listening (tests run it in-process). */
export function buildCartSubgraph(config: CartConfig, logger: Logger): Promise<BuiltSubgraph> {
  return buildSubgraph(cartSubgraph(config), config, logger);
}
