import { Schema, type Connection, type Model } from 'mongoose';

interface DeliveryRecord {
  _id: string;
  at: Date;
}

/**
 * A record of what was delivered, so a job that runs again (a retry after a crash, a duplicate)
 * does not send twice. The record is written right after the SMTP server accepts the message:
 * only a crash in between those two steps could repeat one.
 */
export function createDeliveryLog(connection: Connection) {
  const deliveries: Model<DeliveryRecord> =
    (connection.models.Delivery as Model<DeliveryRecord> | undefined) ??
    connection.model<DeliveryRecord>(
      'Delivery',
      new Schema<DeliveryRecord>({ _id: String, at: Date }, { collection: 'deliveries', versionKey: false }),
    );
  return {
    /** Runs `deliver` unless `key` was already delivered; true when it ran now. */
    async once(key: string, deliver: () => Promise<void>): Promise<boolean> {
      if (await deliveries.exists({ _id: key })) return false;
      await deliver();
      await deliveries.create({ _id: key, at: new Date() }).catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error;
      });
      return true;
    },
  };
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;
