import { SUBGRAPH_NAMES } from '@supergraph/registry';
import { renderBarChart } from '../lib/chart';
import { ms, table } from '../lib/markdown';
import { checked, startSeededStack, totalCommands, type CommandsBySubgraph, type SeededStack } from '../lib/seeded-stack';
import { summarize } from '../lib/stats';
import type { Scenario, ScenarioContext, ScenarioResult } from '../lib/types';
import { signUp } from '../../test/support/users';

/**
 * Does the cost of a read grow with its page size? Every list that joins entities is meant to be batched (DataLoader,
 * one query per batch, per subgraph), so the MongoDB commands an operation causes should be the same for 10, 50 or
 * 100 items. Each operation runs through the gateway with the subgraphs' Redis cache made cold first.
 */

const PAGE_SIZES = [10, 50, 100] as const;
/** The schema's limit on cart lines (MAX_CART_LINES in subgraphs/cart): a cart of 100 lines cannot exist. */
const MAX_CART_LINES = 50;

const SIZES = {
  full: { seed: { users: 200, posts: 2_000, products: 120 }, repeats: 3 },
  quick: { seed: { users: 50, posts: 500, products: 120 }, repeats: 2 },
} as const;

const SUBGRAPHS = SUBGRAPH_NAMES;

interface Family {
  key: string;
  label: string;
  query: string;
  /** The signed-in user for page size `n`, when the operation is private. */
  token?: (n: number) => string;
  /** Page sizes this operation cannot have, and why. */
  impossible?: (n: number) => string | undefined;
  /** How many objects the answer holds, or throws when it is not the expected shape. */
  objects: (data: unknown, n: number) => number;
}

interface Measurement {
  family: string;
  pageSize: number;
  objects: number;
  /** Median client-side latency of the repeats, cold: for context only, the verdict is on commands. */
  coldMs: number;
  commands: CommandsBySubgraph;
  /** Every repeat's commands, to show they do not vary. */
  repeats: CommandsBySubgraph[];
  stable: boolean;
}

const FEED = `query($n: Int!) { feed(first: $n) { id title author { id name posts(first: 5) { id title } } } }`;
const PRODUCTS = `query($n: Int!) { products(first: $n) { id name priceCents } }`;
const CART = `{ me { cart { items { quantity product { name priceCents } } } } }`;
const ORDERS = `query($n: Int!) { me { orders(first: $n) { id totalCents lines { quantity product { name priceCents } } } } }`;
const ADD_TO_CART = `mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { itemCount } }`;
const CHECKOUT = `mutation($k: String!) { checkout(idempotencyKey: $k) { id status } }`;

function expectLength(what: string, list: unknown, n: number): unknown[] {
  if (!Array.isArray(list) || list.length !== n)
    throw new Error(`${what}: expected ${n} items, got ${Array.isArray(list) ? list.length : 'none'}`);
  return list;
}

/** `find, find, aggregate` as `find ×2, aggregate`. */
function compact(names: readonly string[]): string {
  const runs: Array<{ name: string; count: number }> = [];
  for (const name of names) {
    const last = runs[runs.length - 1];
    if (last?.name === name) last.count += 1;
    else runs.push({ name, count: 1 });
  }
  return runs.map((run) => (run.count > 1 ? `${run.name} ×${run.count}` : run.name)).join(', ');
}

/** Every product id with stock, in catalogue order, paging through the gateway. */
async function productsInStock(seeded: SeededStack): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Array<{ id: string; stock: number }> = checked(
      'products',
      await seeded.stack.query<{ products: Array<{ id: string; stock: number }> }>(
        `query($after: ID) { products(first: 100, after: $after) { id stock } }`,
        { variables: { after } },
      ),
    ).products;
    ids.push(...page.filter((product) => product.stock > 0).map((product) => product.id));
    if (page.length < 100) return ids;
    after = page[page.length - 1]!.id;
  }
}

/** Signed-in shoppers: one per cart size with that many lines, and one with 100 orders of one line each. */
async function shoppers(seeded: SeededStack, log: (line: string) => void) {
  const products = await productsInStock(seeded);
  const most = Math.max(...PAGE_SIZES);
  if (products.length < most) throw new Error(`only ${products.length} products in stock, ${most} are needed`);
  const add = async (token: string, productId: string) =>
    checked('addToCart', await seeded.stack.query(ADD_TO_CART, { token, variables: { p: productId } }));

  const carts = new Map<number, string>();
  for (const n of PAGE_SIZES.filter((size) => size <= MAX_CART_LINES)) {
    log(`batching: a shopper with ${n} cart lines`);
    const user = await signUp(seeded.stack, `Cart${n}`);
    for (const productId of products.slice(0, n)) await add(user.token, productId);
    carts.set(n, user.token);
  }
  log(`batching: a shopper with ${most} orders of one line each (a distinct product each)`);
  const buyer = await signUp(seeded.stack, 'Orders');
  for (const [index, productId] of products.slice(0, most).entries()) {
    await add(buyer.token, productId);
    checked('checkout', await seeded.stack.query(CHECKOUT, { token: buyer.token, variables: { k: `batching-${index}` } }));
  }
  return { carts, ordersToken: buyer.token };
}

function families(carts: Map<number, string>, ordersToken: string): Family[] {
  return [
    {
      key: 'feed',
      label: 'feed → Post.author → User.posts(first: 5)',
      query: FEED,
      objects: (data, n) => {
        const feed = expectLength('feed', (data as { feed?: unknown }).feed, n) as Array<{ author: { posts: unknown[] } }>;
        return feed.reduce((sum, post) => sum + 2 + post.author.posts.length, 0);
      },
    },
    {
      key: 'products',
      label: 'products',
      query: PRODUCTS,
      objects: (data, n) => expectLength('products', (data as { products?: unknown }).products, n).length,
    },
    {
      key: 'cart',
      label: 'me.cart.items → Product',
      query: CART,
      token: (n) => carts.get(n)!,
      impossible: (n) => (n > MAX_CART_LINES ? `a cart holds at most ${MAX_CART_LINES} lines` : undefined),
      objects: (data, n) =>
        2 + 2 * expectLength('cart items', (data as { me?: { cart?: { items?: unknown } } }).me?.cart?.items, n).length,
    },
    {
      key: 'orders',
      label: 'me.orders(first: N).lines → Product',
      query: ORDERS,
      token: () => ordersToken,
      objects: (data, n) => {
        const orders = expectLength('orders', (data as { me?: { orders?: unknown } }).me?.orders, n) as Array<{
          lines: unknown[];
        }>;
        return 1 + orders.reduce((sum, order) => sum + 1 + 2 * order.lines.length, 0);
      },
    },
  ];
}

async function measureFamily(seeded: SeededStack, family: Family, n: number, repeats: number): Promise<Measurement> {
  const runs: CommandsBySubgraph[] = [];
  const times: number[] = [];
  let objects = 0;
  for (let i = 0; i < repeats; i += 1) {
    await seeded.coldCache();
    const result = await seeded.measure(family.query, { variables: { n }, ...(family.token ? { token: family.token(n) } : {}) });
    objects = family.objects(checked(`${family.key} (first: ${n})`, result), n);
    runs.push(result.commands);
    times.push(result.ms);
  }
  const first = runs[0]!;
  const stable = runs.every((run) => JSON.stringify(run) === JSON.stringify(first));
  return { family: family.key, pageSize: n, objects, coldMs: summarize(times).p50, commands: first, repeats: runs, stable };
}

async function run({ quick, cleanups, log, saveChart }: ScenarioContext): Promise<ScenarioResult> {
  const size = quick ? SIZES.quick : SIZES.full;
  const seeded = await startSeededStack('batching', size.seed, { cleanups, log });
  const { carts, ordersToken } = await shoppers(seeded, log);
  const all = families(carts, ordersToken);

  // Untimed, uncounted: one pass so every code path has run once before it is counted.
  for (const family of all) await measureFamily(seeded, family, PAGE_SIZES[0], 1);

  const measurements: Measurement[] = [];
  const skipped: Array<{ family: string; pageSize: number; reason: string }> = [];
  for (const family of all) {
    for (const n of PAGE_SIZES) {
      const reason = family.impossible?.(n);
      if (reason) {
        skipped.push({ family: family.key, pageSize: n, reason });
        continue;
      }
      const measured = await measureFamily(seeded, family, n, size.repeats);
      measurements.push(measured);
      log(
        `batching: ${family.key} first ${n}: ${totalCommands(measured.commands)} commands ` +
          `(${SUBGRAPHS.map((name) => `${name} ${measured.commands[name].length}`).join(', ')})${measured.stable ? '' : ' VARIES'}`,
      );
    }
  }

  // --- Verdict: no subgraph sends more commands at a larger page size than at the smallest one. ---------------------
  const grows = all.flatMap((family) => {
    const rows = measurements.filter((m) => m.family === family.key);
    const base = rows[0];
    if (!base) return [];
    return rows
      .filter((row) => SUBGRAPHS.some((name) => row.commands[name].length > base.commands[name].length))
      .map(
        (row) =>
          `${family.key}: ${totalCommands(base.commands)} commands at ${base.pageSize}, ${totalCommands(row.commands)} at ${row.pageSize}`,
      );
  });
  const unstable = measurements.filter((m) => !m.stable);
  const problems = [
    ...grows.map((line) => `commands grow with the page size: ${line}`),
    ...unstable.map(
      (m) =>
        `${m.family} at ${m.pageSize}: the ${size.repeats} cold repeats sent different commands (${m.repeats.map(totalCommands).join(', ')})`,
    ),
  ];
  const met = grows.length === 0;
  const perFamily = all
    .map((family) => {
      const totals = [...new Set(measurements.filter((m) => m.family === family.key).map((m) => totalCommands(m.commands)))];
      return `${family.key} ${totals.join('/')}`;
    })
    .join(', ');
  const verdictText = met
    ? `MET: MongoDB commands per operation do not grow from page size ${PAGE_SIZES[0]} to ${PAGE_SIZES[PAGE_SIZES.length - 1]} (${perFamily}; cart capped at ${MAX_CART_LINES} lines)`
    : `MISSED: commands grow with the page size (${grows.join('; ')})`;

  // --- Chart and Markdown --------------------------------------------------------------------------------------------
  const valueOf = (family: string, n: number) => {
    const found = measurements.find((m) => m.family === family && m.pageSize === n);
    return found ? totalCommands(found.commands) : Number.NaN;
  };
  const chart = await saveChart(
    'commands',
    renderBarChart({
      title: 'MongoDB commands per operation, cold cache (all subgraphs)',
      unit: 'commands',
      categories: all.map((family) => family.key),
      series: PAGE_SIZES.map((n) => ({ name: `first: ${n}`, values: all.map((family) => valueOf(family.key, n)) })),
    }),
  );
  const rows = all.flatMap((family) =>
    PAGE_SIZES.map((n) => {
      const m = measurements.find((row) => row.family === family.key && row.pageSize === n);
      if (!m) {
        const reason = skipped.find((row) => row.family === family.key && row.pageSize === n)?.reason ?? 'not measured';
        return [family.label, n, '–', ...SUBGRAPHS.map(() => '–'), '–', `n/a: ${reason}`, '–'];
      }
      const names = SUBGRAPHS.filter((name) => m.commands[name].length > 0)
        .map((name) => `${name}: ${compact(m.commands[name])}`)
        .join('; ');
      return [
        family.label,
        n,
        m.objects,
        ...SUBGRAPHS.map((name) => m.commands[name].length),
        totalCommands(m.commands),
        `${names}${m.stable ? '' : ' (VARIES between repeats)'}`,
        ms(m.coldMs),
      ];
    }),
  );
  const markdown = [
    `**Goal:** the number of MongoDB commands an operation causes does not grow with its page size (no N+1 queries).`,
    '',
    `**Result:** ${verdictText}.`,
    '',
    `MongoDB commands per operation through the gateway, with the subgraphs' Redis cache cold (${quick ? 'quick' : 'full'} run; each figure repeated ${size.repeats} times${unstable.length === 0 ? ', identical every time' : ', see the problems'}). "Objects" counts the objects in the answer, to show the work the same commands did; "cold ms" is the median latency of the repeats, for context only (one request at a time, on FerretDB):`,
    '',
    table(['operation', 'page size', 'objects', ...SUBGRAPHS, 'total', 'commands sent', 'cold ms'], rows, [
      'l',
      'r',
      'r',
      ...SUBGRAPHS.map(() => 'r' as const),
      'r',
      'l',
    ]),
    '',
    chart,
    '',
    `The cart bar at first: 100 says n/a: a cart holds at most ${MAX_CART_LINES} lines, so that case cannot exist; \`me.orders(first: 100)\` (100 orders, 100 distinct products) covers a private list of 100 products instead.`,
    '',
    '**Method.**',
    '',
    `- FerretDB + Redis on free ports with temp data; \`scripts/seed.ts\` (\`npm run seed\`) fills them with ${size.seed.users} users, ${size.seed.posts} posts and ${size.seed.products} products; the three subgraphs and the gateway run in-process on those databases (\`test/support/stack.ts\`), with the gateway's whole-response cache off.`,
    `- Through the gateway, signed-up shoppers get a cart of ${PAGE_SIZES.filter((n) => n <= MAX_CART_LINES).join(' or ')} lines (distinct products), and one shopper places ${Math.max(...PAGE_SIZES)} orders of one line each (a distinct product each).`,
    `- Before every counted operation the harness deletes the subgraphs' cache entries in Redis (\`<prefix>cache:*\` for each subgraph; sessions stay), so each one reads MongoDB as a first reader would. The MongoDB driver's command monitoring (\`stack.watch()\`) records each subgraph's commands from the request to its answer; handshakes and pings are not counted.`,
    `- One uncounted pass runs every operation first; then each (operation, page size) runs ${size.repeats} times, cold each time, and the commands must be the same every time. The answer is checked: the page has exactly N items.`,
    `- Verdict: met when no subgraph sends more commands at a larger page size than at the smallest.`,
    '',
    '**Known limitations.**',
    '',
    '- Only reads with a cold cache are counted; a warm cache sends fewer (see the caching scenario). A command a subgraph sent on its own during a request would be counted with it; no workers run here, and the repeats agree.',
    "- A constant number of commands is not a constant cost: each batched command reads more as the page grows (the feed's nested `User.posts(first: 5)` reads every author's window at once), which the cold latency column shows. FerretDB's SQLite backend scans collections for most queries (docs/architecture.md), so the absolute times say little about MongoDB in production.",
  ].join('\n');

  const summary = all.map((family) => {
    const sizes = measurements.filter((m) => m.family === family.key);
    return `${family.key}: ${sizes.map((m) => `${m.pageSize} → ${totalCommands(m.commands)}`).join(', ')} commands`;
  });
  return {
    verdict: { met, text: verdictText },
    problems,
    markdown,
    summary,
    raw: { sizes: size, pageSizes: PAGE_SIZES, maxCartLines: MAX_CART_LINES, measurements, skipped },
  };
}

export const batching: Scenario = {
  name: 'batching',
  title: 'MongoDB commands per operation vs page size (no N+1)',
  requirement:
    'MongoDB commands per operation for the feed and the cart queries at page sizes 10, 50 and 100, through the gateway, with a cold cache. The goal is that the count does not grow with the page size.',
  run,
};
