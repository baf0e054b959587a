import type { PostModel } from './model';

/** One page of one author's posts: the newest `first`, or those after `afterSeq`. */
export interface AuthorPage {
  authorId: string;
  first: number;
  /** Author number of the post the page starts after; null for the first page. */
  afterSeq: number | null;
}

const MAX_ROUNDS = 6;

/**
 * Loads pages of many authors' posts in a constant number of queries, whatever the number of
 * authors (MongoDB cannot limit per group in one `find`, and FerretDB has no `$push`/`$first`
 * to do it in an aggregation). Authors number their posts densely (see the model), so:
 * 1. one aggregation counts each author's posts (first pages only): the newest is number n;
 * 2. one `find` with an `$or` of number windows fetches, per author, the posts numbered just
 *    below where the page starts.
 * A window that holds deleted posts comes back short; only those pages go again, with a window
 * four times wider (rarely needed, at most a few rounds).
 */
export async function loadAuthorPages(posts: PostModel, pages: readonly AuthorPage[]): Promise<string[][]> {
  const results: string[][] = pages.map(() => []);
  const firstPageAuthors = [...new Set(pages.filter((page) => page.afterSeq === null).map((page) => page.authorId))];
  const counts = new Map<string, number>();
  if (firstPageAuthors.length > 0) {
    const rows = await posts.aggregate<{ _id: string; n: number }>([
      { $match: { authorId: { $in: firstPageAuthors } } },
      { $group: { _id: '$authorId', n: { $count: {} } } },
    ]);
    for (const row of rows) counts.set(row._id, row.n);
  }
  const tops = pages.map((page) => (page.afterSeq === null ? (counts.get(page.authorId) ?? 0) : page.afterSeq - 1));
  const widths = pages.map((page) => page.first);
  let pending = pages.map((_, index) => index).filter((index) => (tops[index] as number) >= 1);

  for (let round = 0; pending.length > 0; round += 1) {
    const lowest = (index: number) =>
      round === MAX_ROUNDS ? 0 : Math.max(0, (tops[index] as number) - (widths[index] as number));
    const windows = pending.map((index) => ({
      authorId: (pages[index] as AuthorPage).authorId,
      authorSeq: { $gt: lowest(index), $lte: tops[index] as number },
    }));
    const expected = pending.reduce((sum, index) => sum + (tops[index] as number) - lowest(index), 0);
    // Only what choosing needs; the posts themselves load through the entity cache. One batch
    // holds the whole answer, so it is one command.
    const found = await posts
      .find({ $or: windows }, { authorId: 1, authorSeq: 1, deletedAt: 1 })
      .batchSize(expected + 1)
      .lean();
    const stillShort: number[] = [];
    for (const index of pending) {
      const page = pages[index] as AuthorPage;
      const live = found
        .filter(
          (post) =>
            post.authorId === page.authorId && post.authorSeq > lowest(index) && post.authorSeq <= (tops[index] as number),
        )
        .filter((post) => post.deletedAt === null)
        .sort((a, b) => b.authorSeq - a.authorSeq);
      if (live.length >= page.first || lowest(index) === 0)
        results[index] = live.slice(0, page.first).map((post) => String(post._id));
      else {
        widths[index] = (widths[index] as number) * 4;
        stillShort.push(index);
      }
    }
    pending = stillShort;
  }
  return results;
}
