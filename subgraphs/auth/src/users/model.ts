import { outboxField, type OutboxEvent } from '@supergraph/outbox';
import { Schema, type Connection, type HydratedDocument, type Model, type Types } from 'mongoose';

/** A stored user. `email` is kept lower-cased and trimmed, so the unique index is case-blind. */
export interface UserRecord {
  email: string;
  name: string;
  passwordHash: string;
  roles: string[];
  emailVerified: boolean;
  /** Side effects recorded by the same write that caused them (see @supergraph/outbox). */
  outbox: OutboxEvent[];
  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<UserRecord>;
export type UserModel = Model<UserRecord>;

/** A user as resolvers and the cache see it: no password hash, ever. */
export interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  emailVerified: boolean;
  createdAt: Date;
}

export function toUser(record: UserRecord & { _id: Types.ObjectId }): User {
  return {
    id: String(record._id),
    email: record.email,
    name: record.name,
    roles: [...record.roles],
    emailVerified: record.emailVerified,
    createdAt: record.createdAt,
  };
}

const userSchema = new Schema<UserRecord>(
  {
    email: { type: String, required: true, maxlength: 254 },
    name: { type: String, required: true, maxlength: 80 },
    passwordHash: { type: String, required: true },
    roles: { type: [String], default: () => ['user'] },
    emailVerified: { type: Boolean, default: false },
    outbox: outboxField,
  },
  { timestamps: true, collection: 'users', strict: 'throw' },
);
userSchema.index({ email: 1 }, { unique: true, name: 'email_unique' });
userSchema.index({ 'outbox.at': 1 }, { name: 'outbox_at' });

/** Registers the model on a connection (one connection per process, or per test database). */
export function userModel(connection: Connection): UserModel {
  return (connection.models.User as UserModel | undefined) ?? connection.model<UserRecord>('User', userSchema);
}
