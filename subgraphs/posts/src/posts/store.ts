import type { Cache } from '@supergraph/cache';
import { isValidObjectId, type Types } from 'mongoose';
import { loadAuthorPages, type AuthorPage } from './author-pages';
import type { PostPosition } from './cursor';
import { toPost, type Post, type PostModel, type PostRecord } from './model';

type Lean = PostRecord & { _id: Types.ObjectId };

/** Lists of posts hold ids; the posts themselves come from the entity cache or `byIds`. */
export interface PostList {
  ids: string[];
  /** Posts fetched to build the list (absent on a cache hit), to prime the per-request loader. */
  fetched?: Post[];
}

/** Every read and write of posts, with the Redis cache in front of reads. */
export interface PostStore {
  byIds(ids: readonly string[]): Promise<Map<string, Post>>;
  feed(first: number, after: PostPosition | null): Promise<PostList>;
  byTag(tag: string, first: number, after: PostPosition | null): Promise<PostList>;
  byAuthors(pages: readonly AuthorPage[]): Promise<PostList[]>;
}

/** Cache families a post belongs to: bump them when a post joins, leaves or moves in them. */
export const families = {
  feed: 'feed',
  tag: (tag: string) => `tag:${tag}`,
  author: (authorId: string) => `author:${authorId}`,
};

/** Newest first, strictly after `after` in (createdAt desc, _id desc) order. */
function before(after: PostPosition | null) {
  if (!after) return {};
  return {
    $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }],
  };
}

export function createPostStore(posts: PostModel, cache: Cache): PostStore {
  const recent = async (filter: Record<string, unknown>, first: number, after: PostPosition | null): Promise<PostList> => {
    const found = (await posts
      .find({ ...filter, deletedAt: null, ...before(after) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(first)
      .lean()) as Lean[];
    const fetched = found.map(toPost);
    return { ids: fetched.map((post) => post.id), fetched };
  };
  const variant = (first: number, after: PostPosition | null) => `${first}:${after ? `${after.createdAt.getTime()}.${after.id}` : ''}`;
  const idsOnly = (list: PostList): PostList => ({ ids: list.ids });

  return {
    byIds: (ids) =>
      cache.entities('post', ids.filter((id) => isValidObjectId(id)), async (misses) => {
        const found = (await posts.find({ _id: { $in: misses }, deletedAt: null }).lean()) as Lean[];
        return new Map(found.map((record) => [String(record._id), toPost(record)]));
      }),

    async feed(first, after) {
      let fetched: Post[] | undefined;
      const ids = await cache.list([families.feed], variant(first, after), async () => {
        const list = await recent({}, first, after);
        fetched = list.fetched;
        return idsOnly(list).ids;
      });
      return { ids, ...(fetched ? { fetched } : {}) };
    },

    async byTag(tag, first, after) {
      let fetched: Post[] | undefined;
      const ids = await cache.list([families.tag(tag)], variant(first, after), async () => {
        const list = await recent({ tags: tag }, first, after);
        fetched = list.fetched;
        return list.ids;
      });
      return { ids, ...(fetched ? { fetched } : {}) };
    },

    async byAuthors(pages) {
      const requests = pages.map((page, index) => ({
        id: String(index),
        dependsOn: [families.author(page.authorId)],
        variant: `${page.first}:${page.afterSeq ?? ''}`,
      }));
      const fetched = new Map<string, Post[]>();
      const found = await cache.lists<string[]>(requests, async (missing) => {
        const loaded = await loadAuthorPages(posts, missing.map((request) => pages[Number(request.id)] as AuthorPage));
        return new Map(
          missing.map((request, index) => {
            const list = loaded[index] ?? [];
            fetched.set(request.id, list);
            return [request.id, list.map((post) => post.id)];
          }),
        );
      });
      return requests.map((request) => {
        const list = fetched.get(request.id);
        return { ids: found.get(request.id) ?? [], ...(list ? { fetched: list } : {}) };
      });
    },
  };
}
