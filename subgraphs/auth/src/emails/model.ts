import { outboxField, type OutboxEvent } from '@supergraph/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

/** A password-reset request: one per account per minute (its id), carrying its email event. */
export interface ResetRequestRecord {
  _id: string;
  userId: string;
  outbox: OutboxEvent[];
  createdAt: Date;
}

/** A token sent by email, stored only as its SHA-256. */
export interface EmailTokenRecord {
  _id: string;
  userId: string;
  purpose: 'verify-email' | 'reset-password';
  expiresAt: Date;
}

/** A token that was used: inserting it is what makes a token single-use (a unique _id). */
export interface UsedTokenRecord {
  _id: string;
  usedAt: Date;
}

function model<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

export function emailModels(connection: Connection) {
  const resetRequestSchema = new Schema<ResetRequestRecord>(
    { _id: String, userId: { type: String, required: true }, outbox: outboxField, createdAt: { type: Date, required: true } },
    { collection: 'password_reset_requests', versionKey: false },
  );
  resetRequestSchema.index({ 'outbox.at': 1 }, { name: 'outbox_at' });
  return {
    resetRequests: model(connection, 'ResetRequest', resetRequestSchema),
    emailTokens: model(
      connection,
      'EmailToken',
      new Schema<EmailTokenRecord>(
        {
          _id: String,
          userId: { type: String, required: true },
          purpose: { type: String, required: true },
          expiresAt: { type: Date, required: true },
        },
        { collection: 'email_tokens', versionKey: false },
      ),
    ),
    usedTokens: model(
      connection,
      'UsedToken',
      new Schema<UsedTokenRecord>({ _id: String, usedAt: Date }, { collection: 'used_tokens', versionKey: false }),
    ),
  };
}

export type EmailModels = ReturnType<typeof emailModels>;
