import type { Resolvers } from '../__generated__/resolvers-types';

export const productResolvers: Resolvers = {
  Query: {
    product: (_, { id }, { loaders }) => loaders.productById.load(id),
  },
  Product: {
    __resolveReference: ({ id }, { loaders }) => loaders.productById.load(id),
    id: (product) => product.id as string,
  },
};
