import type { Cache } from '@supergraph/cache';
import { errors } from '@supergraph/subgraph';
import { isValidObjectId } from 'mongoose';
import type { ProductModel } from './model';

/** Cache family of the catalogue listing. */
export const PRODUCTS_FAMILY = 'products';

/** The catalogue in id order. */
export function createProductStore(products: ProductModel, cache: Cache) {
  return {
    /** Ids of a page; the products load through the entity cache (see the posts store on why). */
    page: (first: number, after: string | null): Promise<string[]> => {
      if (after !== null && !isValidObjectId(after))
        throw errors.badInput('`after` must be the id of a product.', { field: 'after' });
      return cache.list([PRODUCTS_FAMILY], `${first}:${after ?? ''}`, async () => {
        const found = await products
          .find(after ? { _id: { $gt: after } } : {}, { _id: 1 })
          .sort({ _id: 1 })
          .limit(first)
          .lean();
        return found.map((product) => String(product._id));
      });
    },
  };
}

export type ProductStore = ReturnType<typeof createProductStore>;
