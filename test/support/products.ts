import { productModel } from '../../subgraphs/cart/src/products/model';
import type { TestStack } from './stack';

let counter = 0;

/** Puts a product in the catalogue (there is no admin API yet), returning its id. */
export async function addProduct(
  stack: TestStack,
  fields: { name?: string; priceCents?: number; currency?: string; stock?: number } = {},
): Promise<string> {
  const product = await productModel(stack.subgraphs.cart.connection).create({
    name: fields.name ?? `Product ${counter++}`,
    description: 'A thing',
    priceCents: fields.priceCents ?? 1_000,
    currency: fields.currency ?? 'EUR',
    stock: fields.stock ?? 100,
    stockVersion: 0,
  });
  return String(product._id);
}
