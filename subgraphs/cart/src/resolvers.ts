import { cacheControlFromInfo } from '@apollo/cache-control-types';
import type { Identity } from '@supergraph/identity';
import { errors, pageSize } from '@supergraph/subgraph';
import type { Resolvers } from './__generated__/resolvers-types';
import type { Product } from './products/model';

/** A user's cart and orders are theirs alone (admins may look). */
function ownerOnly(identity: Identity, userId: string): void {
  if (!identity.userId) throw errors.unauthenticated('Sign in to see a cart or orders.');
  if (identity.userId !== userId && !identity.roles.includes('admin')) {
    throw errors.forbidden('Only the owner can see this cart and these orders.');
  }
}

const present = (items: Array<Product | null | Error>): Product[] =>
  items.filter((item): item is Product => item !== null && !(item instanceof Error));

export const cartResolvers: Resolvers = {
  Query: {
    product: (_, { id }, { loaders }) => loaders.productById.load(id),
    products: async (_, { first, after }, { stores, loaders }) => {
      const ids = await stores.products.page(pageSize(first, 'first', 20), after ?? null);
      return present(await loaders.productById.loadMany(ids));
    },
  },
  Mutation: {
    createProduct: (_, { input }, { services }) => services.productAdmin.create(input),
    restockProduct: (_, { productId, quantity }, { services }) => services.productAdmin.restock(productId, quantity),
    addToCart: (_, { productId, quantity }, { services, identity, loaders }) =>
      services.carts.add(identity, productId, quantity, loaders.productById),
    setCartItemQuantity: (_, { productId, quantity }, { services, identity, loaders }) =>
      services.carts.setQuantity(identity, productId, quantity, loaders.productById),
    removeFromCart: (_, { productId }, { services, identity }) => services.carts.remove(identity, productId),
    clearCart: (_, __, { services, identity }) => services.carts.clear(identity),
    checkout: (_, { idempotencyKey }, { services, identity, deadline }) => services.checkout(identity, idempotencyKey, deadline),
  },
  Product: {
    __resolveReference: ({ id }, { loaders }, info) => {
      // Entities fetched through `_entities` get no hint from the schema: give them their type's.
      cacheControlFromInfo(info).setCacheHint({ maxAge: 30 });
      return loaders.productById.load(id);
    },
  },
  User: {
    __resolveReference: ({ id }) => ({ id }),
    cart: (user, _, { identity, services }) => {
      ownerOnly(identity, user.id);
      return services.carts.get(user.id);
    },
    orders: (user, { first }, { identity, stores }) => {
      ownerOnly(identity, user.id);
      return stores.orders.recent(user.id, pageSize(first, 'first', 20));
    },
  },
  Cart: {
    items: async (cart, _, { loaders }) => {
      const products = await loaders.productById.loadMany(cart.items.map((item) => item.productId));
      return cart.items.flatMap((item, index) => {
        const product = products[index];
        return product && !(product instanceof Error) ? [{ product, quantity: item.quantity }] : [];
      });
    },
    subtotalCents: async (cart, _, { loaders }) => {
      const products = await loaders.productById.loadMany(cart.items.map((item) => item.productId));
      return cart.items.reduce((sum, item, index) => {
        const product = products[index];
        return product && !(product instanceof Error) ? sum + product.priceCents * item.quantity : sum;
      }, 0);
    },
    currency: async (cart, _, { loaders }) => {
      const first = cart.items[0];
      return first ? ((await loaders.productById.load(first.productId))?.currency ?? null) : null;
    },
    itemCount: (cart) => cart.items.reduce((sum, item) => sum + item.quantity, 0),
  },
  CartItem: {
    lineTotalCents: (item) => item.product.priceCents * item.quantity,
  },
  Order: {
    __resolveReference: async ({ id }, { identity, loaders }) => {
      const order = await loaders.orderById.load(id);
      return order && (order.userId === identity.userId || identity.roles.includes('admin')) ? order : null;
    },
  },
  OrderLine: {
    product: async (line, _, { loaders }) => {
      const product = await loaders.productById.load(line.productId);
      if (!product) throw errors.notFound('This product no longer exists.', { productId: line.productId });
      return product;
    },
    lineTotalCents: (line) => line.unitPriceCents * line.quantity,
  },
};
