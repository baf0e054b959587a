import { Schema, type Connection, type HydratedDocument, type Model } from 'mongoose';

/** A stored user. `email` is kept lower-cased and trimmed, so the unique index is case-blind. */
export interface UserRecord {
  email: string;
  name: string;
  passwordHash: string;
  roles: string[];
  emailVerified: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<UserRecord>;
export type UserModel = Model<UserRecord>;

const userSchema = new Schema<UserRecord>(
  {
    email: { type: String, required: true, maxlength: 254 },
    name: { type: String, required: true, maxlength: 80 },
    passwordHash: { type: String, required: true },
    roles: { type: [String], default: () => ['user'] },
    emailVerified: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'users', strict: 'throw' },
);
userSchema.index({ email: 1 }, { unique: true, name: 'email_unique' });

/** Registers the model on a connection (one connection per process, or per test database). */
export function userModel(connection: Connection): UserModel {
  return (connection.models.User as UserModel | undefined) ?? connection.model<UserRecord>('User', userSchema);
}
