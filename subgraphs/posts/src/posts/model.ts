import { Schema, type Connection, type HydratedDocument, type Model } from 'mongoose';

/** A stored post. `authorId` is the auth subgraph's User id; no other subgraph's data is copied. */
export interface PostRecord {
  title: string;
  body: string;
  tags: string[];
  authorId: string;
  createdAt: Date;
  updatedAt: Date;
}

export type PostDocument = HydratedDocument<PostRecord>;
export type PostModel = Model<PostRecord>;

/** How the posts subgraph holds a User it does not own: by key only. */
export interface UserReference {
  id: string;
}

const postSchema = new Schema<PostRecord>(
  {
    title: { type: String, required: true, maxlength: 200 },
    body: { type: String, required: true, maxlength: 20_000 },
    tags: { type: [String], default: () => [] },
    authorId: { type: String, required: true },
  },
  { timestamps: true, collection: 'posts', strict: 'throw' },
);
// Serves a user's posts newest first, with _id as the tie-breaker for a stable order.
postSchema.index({ authorId: 1, createdAt: -1, _id: -1 }, { name: 'author_recent' });

export function postModel(connection: Connection): PostModel {
  return (connection.models.Post as PostModel | undefined) ?? connection.model<PostRecord>('Post', postSchema);
}
