import type { Logger } from '@supergraph/logger';
import type { Types } from 'mongoose';
import type { PostPosition } from './cursor';
import type { PostModel } from './model';

/**
 * The feed's window on FerretDB. FerretDB answers a sort by reading every document of the
 * collection, so each feed load after a new post would read every post. Instead the newest posts
 * (at least {@link FEED_WINDOW_SIZE}) carry `feedWindow: true`, an equality FerretDB answers from
 * an index: a feed page inside the window reads the window only.
 *
 * Why a page from the window is exact: every post joins the window when it is written (through
 * the API), and the worker's trim only takes the oldest marked posts out, so the window is the
 * newest posts; unmarked posts are older than all of it. Near its oldest end a post written
 * during a trim may sit out of order, so a page is served only if `FEED_WINDOW_MARGIN` marked
 * posts lie beyond it; otherwise (a deep page, many deleted posts, a window not filled yet) the
 * feed runs its full query. Posts written straight to the database (the seed, tests) join at
 * the next trim that finds the window short. On MongoDB none of this runs: it reads the `recent`
 * index directly.
 */

/** Posts the worker keeps in the window: more than a page (at most 100) plus the margin. */
export const FEED_WINDOW_SIZE = 200;
/** Marked posts that must lie beyond a page served from the window. */
export const FEED_WINDOW_MARGIN = 20;

type Marked = { _id: Types.ObjectId; createdAt: Date; deletedAt?: Date | null };

/** Newest first, `_id` breaking ties: the feed's order. */
const newestFirst = (a: Marked, b: Marked) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (String(b._id) > String(a._id) ? 1 : String(b._id) < String(a._id) ? -1 : 0);

/** Whether the database is FerretDB (its buildInfo names its version), asked once per connection. */
function createServerCheck(posts: PostModel): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () =>
    (answer ??= (async () => {
      const db = posts.db.db;
      if (!db) return false;
      const info = await db.admin().command({ buildInfo: 1 });
      return typeof info.ferretdbVersion === 'string';
    })().catch(() => {
      answer = undefined;
      return false;
    }));
}

/** The API side: new posts join the window; feed pages are read from it when it can tell them. */
export interface FeedWindow {
  /** The `feedWindow` value of a post being written: true on FerretDB (asks the server once). */
  joins(): Promise<boolean>;
  /** The ids of a feed page when the window holds it exactly; undefined when the full query must run. */
  page(first: number, after: PostPosition | null): Promise<string[] | undefined>;
}

export function createFeedWindow(posts: PostModel, margin = FEED_WINDOW_MARGIN): FeedWindow {
  const isFerretDb = createServerCheck(posts);
  // Known only once a post was written: until then reads never ask (no command a read did not need).
  let enabled = false;
  return {
    async joins() {
      enabled = await isFerretDb();
      return enabled;
    },
    async page(first, after) {
      if (!enabled) return undefined;
      const marked = (await posts.find({ feedWindow: true }, { _id: 1, createdAt: 1, deletedAt: 1 }).lean()) as Marked[];
      marked.sort(newestFirst);
      const start = after
        ? marked.findIndex(
            (post) =>
              post.createdAt.getTime() < after.createdAt.getTime() ||
              (post.createdAt.getTime() === after.createdAt.getTime() && String(post._id) < after.id),
          )
        : 0;
      if (start < 0) return undefined;
      const ids: string[] = [];
      for (let index = start; index < marked.length; index += 1) {
        const post = marked[index]!;
        if (post.deletedAt) continue;
        ids.push(String(post._id));
        if (ids.length === first) return marked.length - 1 - index >= margin ? ids : undefined;
      }
      return undefined;
    },
  };
}

/** The worker side: keeps the window at the newest {@link FEED_WINDOW_SIZE} posts. */
export interface FeedWindowKeeper {
  /** Trims soon: at most one trim at a time, at most one per `everyMs`. Errors are logged. */
  trimSoon(): void;
  /** Trims now; resolves once done. */
  trim(): Promise<void>;
  /** Cancels a trim not started yet; waits for one running. Safe to call twice. */
  stop(): Promise<void>;
}

export function createFeedWindowKeeper(options: {
  posts: PostModel;
  logger: Logger;
  size?: number;
  /** @defaultValue 1000 */
  everyMs?: number;
}): FeedWindowKeeper {
  const { posts, logger } = options;
  const size = options.size ?? FEED_WINDOW_SIZE;
  const everyMs = options.everyMs ?? 1_000;
  const isFerretDb = createServerCheck(posts);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastAt = 0;
  let stopped = false;

  const mark = (ids: Types.ObjectId[], value: boolean) =>
    Promise.all(ids.map((_id) => posts.updateOne({ _id }, { $set: { feedWindow: value } })));

  const trim = async () => {
    if (!(await isFerretDb())) return;
    const marked = (await posts.find({ feedWindow: true }, { _id: 1, createdAt: 1 }).lean()) as Marked[];
    marked.sort(newestFirst);
    if (marked.length >= size) {
      await mark(
        marked.slice(size).map((post) => post._id),
        false,
      );
      return;
    }
    // Short (a new database, seeded posts, many deletions): the newest posts, read in full once.
    const newest = (await posts
      .find({}, { _id: 1, createdAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(size)
      .lean()) as Marked[];
    const keep = new Set(newest.map((post) => String(post._id)));
    const was = new Set(marked.map((post) => String(post._id)));
    await mark(
      newest.filter((post) => !was.has(String(post._id))).map((post) => post._id),
      true,
    );
    await mark(
      marked.filter((post) => !keep.has(String(post._id))).map((post) => post._id),
      false,
    );
  };

  const run = (): Promise<void> =>
    (running ??= trim()
      .catch((error: unknown) =>
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'feed window trim failed'),
      )
      .finally(() => {
        lastAt = Date.now();
        running = undefined;
      }));

  return {
    trimSoon() {
      if (stopped || timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          void run();
        },
        Math.max(0, lastAt + everyMs - Date.now()),
      );
      timer.unref();
    },
    trim: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
