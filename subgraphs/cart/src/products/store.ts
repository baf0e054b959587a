import type { Cache } from '@supergraph/cache';
import { isValidObjectId, type Types } from 'mongoose';
import { toProduct, type Product, type ProductModel, type ProductRecord } from './model';

/** Cache family of the catalogue listing. */
export const PRODUCTS_FAMILY = 'products';

/** The catalogue in id order; lists hold ids, products come from the entity cache. */
export function createProductStore(products: ProductModel, cache: Cache) {
  return {
    async page(first: number, after: string | null): Promise<{ ids: string[]; fetched?: Product[] }> {
      let fetched: Product[] | undefined;
      const ids = await cache.list([PRODUCTS_FAMILY], `${first}:${after ?? ''}`, async () => {
        const found = (await products
          .find(after && isValidObjectId(after) ? { _id: { $gt: after } } : {})
          .sort({ _id: 1 })
          .limit(first)
          .lean()) as Array<ProductRecord & { _id: Types.ObjectId }>;
        fetched = found.map(toProduct);
        return fetched.map((product) => product.id);
      });
      return { ids, ...(fetched ? { fetched } : {}) };
    },
  };
}

export type ProductStore = ReturnType<typeof createProductStore>;
