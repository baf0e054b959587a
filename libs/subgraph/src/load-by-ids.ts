import DataLoader from 'dataloader';
import { isValidObjectId, type HydratedDocument, type Model } from 'mongoose';

/**
 * A per-request DataLoader of documents by id: one `$in` query per batch, results in key order,
 * null for an unknown or malformed id.
 */
export function createByIdLoader<T>(model: Model<T>): DataLoader<string, HydratedDocument<T> | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter((id) => isValidObjectId(id));
    const found = valid.length > 0 ? await model.find({ _id: { $in: valid } }) : [];
    const byId = new Map(found.map((document) => [String(document._id), document]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
