import { Schema, type Connection, type Model } from 'mongoose';

/** How many live posts carry a tag; rewritten by the tag-counts job (see ../jobs). */
export interface TagCountRecord {
  _id: string;
  count: number;
  countedAt: Date;
}

export type TagCountModel = Model<TagCountRecord>;

const tagCountSchema = new Schema<TagCountRecord>(
  { _id: { type: String, required: true }, count: { type: Number, required: true }, countedAt: { type: Date, required: true } },
  { collection: 'tag_counts', versionKey: false },
);
tagCountSchema.index({ count: -1, _id: 1 }, { name: 'most_used' });

export function tagCountModel(connection: Connection): TagCountModel {
  return (
    (connection.models.TagCount as TagCountModel | undefined) ?? connection.model<TagCountRecord>('TagCount', tagCountSchema)
  );
}
