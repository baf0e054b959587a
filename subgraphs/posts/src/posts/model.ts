import { outboxField, type OutboxEvent } from '@supergraph/outbox';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A stored post. `authorId` is the auth subgraph's User id. `authorSeq` numbers an author's
 * posts 1, 2, 3... with no gaps (a unique index assigns them, atomically on MongoDB and on
 * FerretDB alike): it lets one query fetch the newest posts of many authors at once. A deleted
 * post keeps its number and is only marked, so the numbering stays dense.
 */
export interface PostRecord {
  title: string;
  body: string;
  tags: string[];
  authorId: string;
  authorSeq: number;
  deletedAt: Date | null;
  /** Among the newest posts, which the feed reads first on FerretDB (see ./feed-window). */
  feedWindow?: boolean;
  /** Side effects recorded by the same write that caused them (see @supergraph/outbox). */
  outbox: OutboxEvent[];
  createdAt: Date;
  updatedAt: Date;
}

export type PostModel = Model<PostRecord>;

/** A post as resolvers and the cache see it: plain data, no mongoose document. */
export interface Post {
  id: string;
  title: string;
  body: string;
  tags: string[];
  authorId: string;
  authorSeq: number;
  createdAt: Date;
  updatedAt: Date;
}

/** How the posts subgraph holds a User it does not own: by key only. */
export interface UserReference {
  id: string;
}

export function toPost(record: PostRecord & { _id: Types.ObjectId }): Post {
  return {
    id: String(record._id),
    title: record.title,
    body: record.body,
    tags: [...record.tags],
    authorId: record.authorId,
    authorSeq: record.authorSeq,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

const postSchema = new Schema<PostRecord>(
  {
    title: { type: String, required: true, maxlength: 200 },
    body: { type: String, required: true, maxlength: 20_000 },
    tags: { type: [String], default: () => [] },
    authorId: { type: String, required: true },
    authorSeq: { type: Number, required: true },
    deletedAt: { type: Date, default: null },
    feedWindow: { type: Boolean },
    outbox: outboxField,
  },
  { timestamps: true, collection: 'posts', strict: 'throw' },
);
postSchema.index({ authorId: 1, authorSeq: 1 }, { unique: true, name: 'author_seq_unique' });
// The feed and tag lists: newest first, _id breaking ties, for a stable order.
postSchema.index({ createdAt: -1, _id: -1 }, { name: 'recent' });
postSchema.index({ tags: 1, createdAt: -1, _id: -1 }, { name: 'tag_recent' });
postSchema.index({ 'outbox.at': 1 }, { name: 'outbox_at' });
postSchema.index({ feedWindow: 1 }, { name: 'feed_window' });

export function postModel(connection: Connection): PostModel {
  return (connection.models.Post as PostModel | undefined) ?? connection.model<PostRecord>('Post', postSchema);
}
