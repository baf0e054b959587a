import type { Cache } from '@supergraph/cache';
import { isValidObjectId, type Types } from 'mongoose';
import { loadAuthorPages, type AuthorPage } from './author-pages';
import type { FeedWindow } from './feed-window';
import type { PostPosition } from './cursor';
import { TRENDING_FAMILY } from '../jobs';
import type { TagCountModel } from '../tags/model';
import { toPost, type Post, type PostModel, type PostRecord } from './model';

type Lean = PostRecord & { _id: Types.ObjectId };

/**
 * Lists hold ids only: the posts themselves always come through the entity cache, which reads
 * an entity's generation before MongoDB. (Caching posts seen while building a list would read
 * MongoDB first, and could store a post updated meanwhile under its new generation.)
 */
export interface PostList {
  ids: string[];
}

/** Every read and write of posts, with the Redis cache in front of reads. */
export interface PostStore {
  byIds(ids: readonly string[]): Promise<Map<string, Post>>;
  feed(first: number, after: PostPosition | null): Promise<PostList>;
  byTag(tag: string, first: number, after: PostPosition | null): Promise<PostList>;
  byAuthors(pages: readonly AuthorPage[]): Promise<PostList[]>;
  trendingTags(limit: number): Promise<Array<{ tag: string; count: number }>>;
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

export function createPostStore(posts: PostModel, tagCounts: TagCountModel, cache: Cache, window: FeedWindow): PostStore {
  const recent = async (filter: Record<string, unknown>, first: number, after: PostPosition | null): Promise<string[]> => {
    const found = await posts
      .find({ ...filter, deletedAt: null, ...before(after) }, { _id: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(first)
      .lean();
    return found.map((post) => String(post._id));
  };
  const variant = (first: number, after: PostPosition | null) =>
    `${first}:${after ? `${after.createdAt.getTime()}.${after.id}` : ''}`;

  return {
    byIds: (ids) =>
      cache.entities(
        'post',
        ids.filter((id) => isValidObjectId(id)),
        async (misses) => {
          const found = (await posts
            .find({ _id: { $in: misses }, deletedAt: null })
            .batchSize(misses.length + 1)
            .lean()) as Lean[];
          return new Map(found.map((record) => [String(record._id), toPost(record)]));
        },
      ),

    feed: async (first, after) => ({
      ids: await cache.list(
        [families.feed],
        variant(first, after),
        async () => (await window.page(first, after)) ?? recent({}, first, after),
      ),
    }),

    byTag: async (tag, first, after) => ({
      ids: await cache.list([families.tag(tag)], variant(first, after), () => recent({ tags: tag }, first, after)),
    }),

    trendingTags: (limit) =>
      cache.list([TRENDING_FAMILY], String(limit), async () => {
        const found = await tagCounts
          .find({ count: { $gt: 0 } })
          .sort({ count: -1, _id: 1 })
          .limit(limit)
          .lean();
        return found.map((row) => ({ tag: row._id, count: row.count }));
      }),

    async byAuthors(pages) {
      const requests = pages.map((page, index) => ({
        id: String(index),
        dependsOn: [families.author(page.authorId)],
        variant: `${page.first}:${page.afterSeq ?? ''}`,
      }));
      const found = await cache.lists<string[]>(requests, async (missing) => {
        const loaded = await loadAuthorPages(
          posts,
          missing.map((request) => pages[Number(request.id)] as AuthorPage),
        );
        return new Map(missing.map((request, index) => [request.id, loaded[index] ?? []]));
      });
      return requests.map((request) => ({ ids: found.get(request.id) ?? [] }));
    },
  };
}
