import type { Cache } from '@supergraph/cache';
import type { Identity } from '@supergraph/identity';
import { errors } from '@supergraph/subgraph';
import type DataLoader from 'dataloader';
import { isValidObjectId } from 'mongoose';
import type { Product } from '../products/model';
import type { Cart, CartLine, CartModel } from './model';

/** Most units of one product in a cart, and most lines in a cart. */
export const MAX_LINE_QUANTITY = 99;
export const MAX_CART_LINES = 50;

/** Reads and edits of a user's own cart. */
export interface CartService {
  get(userId: string): Promise<Cart>;
  add(identity: Identity, productId: string, quantity: number, products: DataLoader<string, Product | null>): Promise<Cart>;
  setQuantity(
    identity: Identity,
    productId: string,
    quantity: number,
    products: DataLoader<string, Product | null>,
  ): Promise<Cart>;
  remove(identity: Identity, productId: string): Promise<Cart>;
  clear(identity: Identity): Promise<Cart>;
  /** Takes ordered quantities out of the cart after a checkout (what was added since stays). */
  subtract(userId: string, lines: readonly CartLine[]): Promise<void>;
}

export function signedIn(identity: Identity): string {
  if (!identity.userId) throw errors.unauthenticated('Sign in to use a cart.');
  return identity.userId;
}

function checkQuantity(quantity: number, allowZero: boolean): void {
  if (!Number.isInteger(quantity) || quantity < (allowZero ? 0 : 1) || quantity > MAX_LINE_QUANTITY) {
    throw errors.badInput(`quantity must be a whole number from ${allowZero ? 0 : 1} to ${MAX_LINE_QUANTITY}.`, {
      field: 'quantity',
    });
  }
}

export function createCartService(carts: CartModel, cache: Cache): CartService {
  const load = async (userId: string): Promise<Cart> => {
    const found = await cache.entities('cart', [userId], async () => {
      const record = await carts.findById(userId).lean();
      return new Map([
        [userId, { userId, items: (record?.items ?? []).map(({ productId, quantity }) => ({ productId, quantity })) }],
      ]);
    });
    return found.get(userId) ?? { userId, items: [] };
  };

  /**
   * Read-modify-write with an optimistic version: a concurrent edit of the same cart makes the
   * update match nothing, and the edit is applied again to the fresh cart.
   */
  const change = async (userId: string, edit: (items: CartLine[]) => CartLine[]): Promise<Cart> => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const record = await carts.findById(userId).lean();
      const items = edit((record?.items ?? []).map(({ productId, quantity }) => ({ productId, quantity })));
      if (items.length > MAX_CART_LINES) throw errors.badInput(`A cart holds at most ${MAX_CART_LINES} different products.`);
      if (!record) {
        const created = await carts.create({ _id: userId, items, version: 1 }).then(
          () => true,
          (error: { code?: number }) => {
            if (error.code === 11000) return false;
            throw error;
          },
        );
        if (!created) continue;
      } else {
        const result = await carts.updateOne({ _id: userId, version: record.version }, { $set: { items }, $inc: { version: 1 } });
        if (result.matchedCount === 0) continue;
      }
      await cache.invalidate([cache.entityKey('cart', userId)]);
      return { userId, items };
    }
    throw errors.conflict('The cart is being changed elsewhere: try again.');
  };

  const product = async (productId: string, products: DataLoader<string, Product | null>) => {
    const found = isValidObjectId(productId) ? await products.load(productId) : null;
    if (!found) throw errors.notFound('No product with this id.', { productId });
    return found;
  };

  /** Every line of a cart is in one currency, so it has a subtotal. */
  const checkCurrency = async (items: CartLine[], added: Product, products: DataLoader<string, Product | null>) => {
    const others = (
      await products.loadMany(items.filter((item) => item.productId !== added.id).map((item) => item.productId))
    ).filter((item): item is Product => item !== null && !(item instanceof Error));
    const other = others.find((item) => item.currency !== added.currency);
    if (other) {
      throw errors.badInput(`The cart is in ${other.currency}; this product is priced in ${added.currency}.`, {
        reason: 'CURRENCY_MISMATCH',
      });
    }
  };

  const setLine = (items: CartLine[], productId: string, quantity: number): CartLine[] => {
    const rest = items.filter((item) => item.productId !== productId);
    if (quantity === 0) return rest;
    const index = items.findIndex((item) => item.productId === productId);
    const line = { productId, quantity };
    return index === -1 ? [...rest, line] : items.map((item) => (item.productId === productId ? line : item));
  };

  return {
    get: load,
    async add(identity, productId, quantity, products) {
      const userId = signedIn(identity);
      checkQuantity(quantity, false);
      const added = await product(productId, products);
      await checkCurrency((await load(userId)).items, added, products);
      return change(userId, (items) => {
        const total = (items.find((item) => item.productId === productId)?.quantity ?? 0) + quantity;
        if (total > MAX_LINE_QUANTITY)
          throw errors.badInput(`At most ${MAX_LINE_QUANTITY} of one product per cart.`, { field: 'quantity' });
        return setLine(items, productId, total);
      });
    },
    async setQuantity(identity, productId, quantity, products) {
      const userId = signedIn(identity);
      checkQuantity(quantity, true);
      if (quantity > 0) {
        const added = await product(productId, products);
        await checkCurrency((await load(userId)).items, added, products);
      }
      return change(userId, (items) => setLine(items, productId, quantity));
    },
    async remove(identity, productId) {
      return change(signedIn(identity), (items) => setLine(items, productId, 0));
    },
    async clear(identity) {
      return change(signedIn(identity), () => []);
    },
    async subtract(userId, lines) {
      await change(userId, (items) =>
        items.flatMap((item) => {
          const bought = lines.find((line) => line.productId === item.productId)?.quantity ?? 0;
          return item.quantity - bought > 0 ? [{ ...item, quantity: item.quantity - bought }] : [];
        }),
      );
    },
  };
}
