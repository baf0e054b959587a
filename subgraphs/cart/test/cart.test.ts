import { signIdentity } from '@supergraph/identity';
import { errorCodes, graphql, TEST_SECRETS } from '@supergraph/testing';
import { productModel } from '../src/products/model';
import { addProduct } from '../../../test/support/products';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { signUp, type SignedUpUser } from '../../../test/support/users';

interface CartView {
  items: Array<{
    product: { id: string; name: string; priceCents: number; stock: number };
    quantity: number;
    lineTotalCents: number;
  }>;
  subtotalCents: number;
  currency: string | null;
  itemCount: number;
}
interface OrderView {
  id: string;
  totalCents: number;
  currency: string;
  status: string;
  lines: Array<{
    productName: string;
    quantity: number;
    unitPriceCents: number;
    lineTotalCents: number;
    product: { id: string };
  }>;
}
const CART = 'items { product { id name priceCents stock } quantity lineTotalCents } subtotalCents currency itemCount';
const ORDER = 'id totalCents currency status lines { productName quantity unitPriceCents lineTotalCents product { id } }';
const ME = `{ me { cart { ${CART} } orders { ${ORDER} } } }`;
const ADD = `mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { ${CART} } }`;
const SET = `mutation($p: ID!, $q: Int!) { setCartItemQuantity(productId: $p, quantity: $q) { ${CART} } }`;
const REMOVE = `mutation($p: ID!) { removeFromCart(productId: $p) { ${CART} } }`;
const CLEAR = `mutation { clearCart { ${CART} } }`;
const CHECKOUT = `mutation($key: String!) { checkout(idempotencyKey: $key) { ${ORDER} } }`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const me = async (user: SignedUpUser) =>
  (await stack.query<{ me: { cart: CartView; orders: OrderView[] } }>(ME, { token: user.token })).data!.me;
const stockOf = async (id: string) =>
  (await stack.query<{ product: { stock: number } }>(`query($id: ID!) { product(id: $id) { stock } }`, { variables: { id } }))
    .data!.product.stock;
let keys = 0;
const key = () => `checkout-${process.pid}-${Date.now()}-${keys++}`;

describe('products', () => {
  it('lists the catalogue page by page and answers one by id', async () => {
    const ids = [
      await addProduct(stack, { name: 'A' }),
      await addProduct(stack, { name: 'B' }),
      await addProduct(stack, { name: 'C' }),
    ];
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Array<{ id: string }> = (
        await stack.query<{ products: Array<{ id: string }> }>(`query($after: ID) { products(first: 2, after: $after) { id } }`, {
          variables: { after },
        })
      ).data!.products;
      all.push(...page.map((p) => p.id));
      if (page.length < 2) break;
      after = page[page.length - 1]!.id;
    }
    expect(all).toEqual(expect.arrayContaining(ids));
    expect(new Set(all).size).toBe(all.length);
    expect(
      (await stack.query(`query($id: ID!) { product(id: $id) { name currency } }`, { variables: { id: ids[1] } })).data,
    ).toEqual({ product: { name: 'B', currency: 'EUR' } });
    expect((await stack.query(`{ product(id: "nope") { name } }`)).data).toEqual({ product: null });
    expect(errorCodes(await stack.query(`{ products(after: "nope") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the cart, read after every write (cached in between)', () => {
  it('adds, sets, removes and clears, and each read shows the write', async () => {
    const user = await signUp(stack, 'Shopper');
    const [a, b] = [await addProduct(stack, { priceCents: 250 }), await addProduct(stack, { priceCents: 1_000 })];
    expect((await me(user)).cart).toEqual({ items: [], subtotalCents: 0, currency: null, itemCount: 0 });

    await stack.query(ADD, { token: user.token, variables: { p: a, q: 2 } });
    await stack.query(ADD, { token: user.token, variables: { p: a, q: 1 } });
    await stack.query(ADD, { token: user.token, variables: { p: b, q: 1 } });
    const cart = (await me(user)).cart;
    expect(cart.items.map((item) => [item.product.id, item.quantity, item.lineTotalCents])).toEqual([
      [a, 3, 750],
      [b, 1, 1_000],
    ]);
    expect(cart).toMatchObject({ subtotalCents: 1_750, currency: 'EUR', itemCount: 4 });

    await stack.query(SET, { token: user.token, variables: { p: a, q: 5 } });
    expect((await me(user)).cart.items[0]?.quantity).toBe(5);
    await stack.query(SET, { token: user.token, variables: { p: a, q: 0 } });
    expect((await me(user)).cart.items.map((item) => item.product.id)).toEqual([b]);
    await stack.query(REMOVE, { token: user.token, variables: { p: b } });
    expect((await me(user)).cart.items).toEqual([]);
    await stack.query(ADD, { token: user.token, variables: { p: b, q: 1 } });
    await stack.query(CLEAR, { token: user.token });
    expect((await me(user)).cart.items).toEqual([]);
  });

  it('refuses bad quantities, unknown products, mixed currencies and strangers', async () => {
    const user = await signUp(stack, 'Strict');
    const eur = await addProduct(stack);
    const usd = await addProduct(stack, { currency: 'USD' });
    for (const q of [0, -1, 100])
      expect(errorCodes(await stack.query(ADD, { token: user.token, variables: { p: eur, q } }))).toEqual(['BAD_USER_INPUT']);
    await stack.query(ADD, { token: user.token, variables: { p: eur, q: 60 } });
    expect(errorCodes(await stack.query(ADD, { token: user.token, variables: { p: eur, q: 40 } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.query(ADD, { token: user.token, variables: { p: '0123456789abcdef01234567', q: 1 } }))).toEqual(
      ['NOT_FOUND'],
    );
    expect(errorCodes(await stack.query(ADD, { token: user.token, variables: { p: 'garbage', q: 1 } }))).toEqual(['NOT_FOUND']);
    const mixed = await stack.query(ADD, { token: user.token, variables: { p: usd, q: 1 } });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURRENCY_MISMATCH' });
    expect(errorCodes(await stack.query(ADD, { variables: { p: eur, q: 1 } }))).toEqual(['UNAUTHENTICATED']);

    const stranger = await signUp(stack, 'Stranger');
    const peek = await stack.query(`query($id: ID!) { user(id: $id) { cart { itemCount } } }`, {
      token: stranger.token,
      variables: { id: user.userId },
    });
    expect(errorCodes(peek)).toEqual(['FORBIDDEN']);
    const peekOrders = await stack.query(`query($id: ID!) { user(id: $id) { orders { id } } }`, {
      variables: { id: user.userId },
    });
    expect(errorCodes(peekOrders)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('checkout', () => {
  it('records prices at checkout, takes stock, empties the cart and lists the order', async () => {
    const user = await signUp(stack, 'Buyer');
    const a = await addProduct(stack, { name: 'Lamp', priceCents: 4_500, stock: 10 });
    const b = await addProduct(stack, { name: 'Bulb', priceCents: 300, stock: 10 });
    await stack.query(ADD, { token: user.token, variables: { p: a, q: 1 } });
    await stack.query(ADD, { token: user.token, variables: { p: b, q: 4 } });
    await me(user); // cached

    const result = await stack.query<{ checkout: OrderView }>(CHECKOUT, { token: user.token, variables: { key: key() } });
    expect(result.errors).toBeUndefined();
    const order = result.data!.checkout;
    expect(order).toMatchObject({ totalCents: 5_700, currency: 'EUR', status: 'PLACED' });
    expect(order.lines.map((line) => [line.productName, line.quantity, line.unitPriceCents, line.lineTotalCents])).toEqual([
      ['Lamp', 1, 4_500, 4_500],
      ['Bulb', 4, 300, 1_200],
    ]);
    expect([await stockOf(a), await stockOf(b)]).toEqual([9, 6]);
    const after = await me(user);
    expect(after.cart.items).toEqual([]);
    expect(after.orders.map((o) => o.id)).toEqual([order.id]);

    // A later price change does not touch the order.
    await productModel(stack.subgraphs.cart.connection).updateOne({ _id: a }, { $set: { priceCents: 9_999 } });
    expect((await me(user)).orders[0]?.lines[0]?.unitPriceCents).toBe(4_500);
  });

  it('returns the same order for the same key and takes stock once, also when retried at once', async () => {
    const user = await signUp(stack, 'Retrier');
    const p = await addProduct(stack, { stock: 5 });
    await stack.query(ADD, { token: user.token, variables: { p, q: 2 } });
    const k = key();
    const results = await Promise.all(
      [1, 2, 3].map(() => stack.query<{ checkout: OrderView }>(CHECKOUT, { token: user.token, variables: { key: k } })),
    );
    const ids = results.map((result) => result.data?.checkout.id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBeDefined();
    const again = await stack.query<{ checkout: OrderView }>(CHECKOUT, { token: user.token, variables: { key: k } });
    expect(again.data!.checkout.id).toBe(ids[0]);
    expect(await stockOf(p)).toBe(3);
    expect((await me(user)).orders).toHaveLength(1);
  });

  it('never oversells: of many buyers racing for the last units, the losers get CONFLICT and keep their carts', async () => {
    const p = await addProduct(stack, { name: 'Rare', stock: 3 });
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(stack, `Racer${i}`)));
    for (const buyer of buyers) await stack.query(ADD, { token: buyer.token, variables: { p, q: 1 } });
    const results = await Promise.all(
      buyers.map((buyer) => stack.query<{ checkout: OrderView }>(CHECKOUT, { token: buyer.token, variables: { key: key() } })),
    );
    const won = results.filter((result) => result.data?.checkout);
    const lost = results.filter((result) => result.errors);
    expect(won).toHaveLength(3);
    expect(lost).toHaveLength(3);
    for (const result of lost)
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INSUFFICIENT_STOCK', productId: p });
    expect(await stockOf(p)).toBe(0);
    for (const [index, buyer] of buyers.entries()) {
      const cart = (await me(buyer)).cart;
      expect(cart.itemCount).toBe(results[index]!.errors ? 1 : 0);
    }
  });

  it('takes nothing when one line cannot be filled, and repeats that answer for the key', async () => {
    const user = await signUp(stack, 'Unlucky');
    const plenty = await addProduct(stack, { stock: 10 });
    const scarce = await addProduct(stack, { stock: 1 });
    await stack.query(ADD, { token: user.token, variables: { p: plenty, q: 2 } });
    await stack.query(ADD, { token: user.token, variables: { p: scarce, q: 2 } });
    const k = key();
    const failed = await stack.query(CHECKOUT, { token: user.token, variables: { key: k } });
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INSUFFICIENT_STOCK', productId: scarce });
    expect([await stockOf(plenty), await stockOf(scarce)]).toEqual([10, 1]);
    expect((await me(user)).cart.itemCount).toBe(4);
    expect(errorCodes(await stack.query(CHECKOUT, { token: user.token, variables: { key: k } }))).toEqual(['CONFLICT']);
  });

  it('resolves an Order entity for its owner only', async () => {
    const owner = await signUp(stack, 'Owner');
    const other = await signUp(stack, 'Other');
    await stack.query(ADD, { token: owner.token, variables: { p: await addProduct(stack), q: 1 } });
    const order = (await stack.query<{ checkout: OrderView }>(CHECKOUT, { token: owner.token, variables: { key: key() } })).data!
      .checkout;
    const entities = async (userId: string) => {
      const header = await signIdentity(
        { userId, email: null, roles: ['user'], clientIp: '127.0.0.1' },
        TEST_SECRETS.IDENTITY_SECRET,
        30,
      );
      const result = await graphql<{ _entities: Array<{ id: string; totalCents: number } | null> }>(
        stack.subgraphUrls.cart,
        `
          query ($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on Order {
                id
                totalCents
              }
            }
          }
        `,
        {
          variables: {
            r: [
              { __typename: 'Order', id: order.id },
              { __typename: 'Order', id: 'nope' },
            ],
          },
          headers: { 'x-supergraph-identity': header },
        },
      );
      return result.data!._entities;
    };
    expect(await entities(owner.userId)).toEqual([{ id: order.id, totalCents: order.totalCents }, null]);
    expect(await entities(other.userId)).toEqual([null, null]);
  });

  it('refuses an empty cart, a bad key and anonymous callers', async () => {
    const user = await signUp(stack, 'Empty');
    expect((await stack.query(CHECKOUT, { token: user.token, variables: { key: key() } })).errors?.[0]?.extensions).toMatchObject(
      { code: 'BAD_USER_INPUT', reason: 'EMPTY_CART' },
    );
    expect(errorCodes(await stack.query(CHECKOUT, { token: user.token, variables: { key: 'short' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await stack.query(CHECKOUT, { token: user.token, variables: { key: 'has spaces in it' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await stack.query(CHECKOUT, { variables: { key: key() } }))).toEqual(['UNAUTHENTICATED']);
  });
});
