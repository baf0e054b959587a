import type { Cache } from '@supergraph/cache';
import DataLoader from 'dataloader';
import { isValidObjectId, type Model, type Types } from 'mongoose';

/** Options for {@link createCachedByIdLoader}. */
export interface ByIdLoaderOptions<TRecord, TEntity> {
  model: Model<TRecord>;
  cache: Cache;
  /** Cache kind, e.g. `user`: invalidate with `cache.entityKey(kind, id)` after a write. */
  kind: string;
  /** Plain data for resolvers and the cache (leave secrets out: they would be cached). */
  toEntity: (record: TRecord & { _id: Types.ObjectId }) => TEntity;
  /** Extra conditions, e.g. `{ deletedAt: null }`. */
  filter?: Record<string, unknown>;
}

/**
 * A per-request DataLoader of entities by id: the Redis cache first, then one `$in` query for the
 * misses of a batch. Results in key order; null for an unknown or malformed id.
 */
export function createCachedByIdLoader<TRecord, TEntity>(
  options: ByIdLoaderOptions<TRecord, TEntity>,
): DataLoader<string, TEntity | null> {
  const { model, cache, kind, toEntity, filter = {} } = options;
  return new DataLoader(async (ids) => {
    const found = await cache.entities(
      kind,
      ids.filter((id) => isValidObjectId(id)),
      async (misses) => {
        const records = (await model
          .find({ _id: { $in: misses }, ...filter })
          .batchSize(misses.length + 1)
          .lean()) as Array<TRecord & { _id: Types.ObjectId }>;
        return new Map(records.map((record) => [String(record._id), toEntity(record)]));
      },
    );
    return ids.map((id) => found.get(id) ?? null);
  });
}
