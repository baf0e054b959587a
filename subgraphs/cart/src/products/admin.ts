import { randomUUID } from 'node:crypto';
import type { Cache } from '@supergraph/cache';
import { errors, parseInput } from '@supergraph/subgraph';
import { isValidObjectId } from 'mongoose';
import { z } from 'zod';
import type { StockLedger } from '../stock/stock-ledger';
import { toProduct, type Product, type ProductModel } from './model';
import { PRODUCTS_FAMILY } from './store';

const productInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  description: z
    .string()
    .trim()
    .max(5_000, 'must be at most 5000 characters')
    .nullish()
    .transform((value) => value ?? ''),
  priceCents: z.number().int().min(0, 'must not be negative').max(100_000_000, 'is too large'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code like EUR'),
  stock: z.number().int().min(0, 'must not be negative').max(1_000_000, 'is too large'),
});
const restockQuantity = z.number().int().min(1, 'must be at least 1').max(1_000_000, 'is too large');

/** The catalogue's admin side (the schema restricts it to admins). */
export function createProductAdmin(products: ProductModel, ledger: StockLedger, cache: Cache) {
  const fresh = async (productId: string): Promise<Product> => {
    const found = await products.findById(productId).lean();
    if (!found) throw errors.notFound('No product with this id.', { productId });
    return toProduct(found);
  };
  return {
    async create(input: unknown): Promise<Product> {
      const fields = parseInput(productInput, input, 'input');
      const created = await products.create({ ...fields, stockVersion: 0 });
      await cache.invalidate([cache.listKey(PRODUCTS_FAMILY)]);
      return toProduct(created.toObject());
    },
    /** Stock goes up through the movement chain, like every other change of it. */
    async restock(productId: string, quantity: number): Promise<Product> {
      const units = parseInput(restockQuantity, quantity, 'quantity');
      if (!isValidObjectId(productId)) throw errors.notFound('No product with this id.', { productId });
      const result = await ledger.move({ movementId: `restock-${randomUUID()}`, productId, delta: units, reason: 'restock' });
      if (result === 'unknown-product') throw errors.notFound('No product with this id.', { productId });
      await cache.invalidate([cache.entityKey('product', productId)]);
      return fresh(productId);
    },
  };
}

export type ProductAdmin = ReturnType<typeof createProductAdmin>;
