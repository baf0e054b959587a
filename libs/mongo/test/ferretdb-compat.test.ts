import { createLogger } from '@supergraph/logger';
import { testEnv } from '@supergraph/testing';
import { Schema, type Connection } from 'mongoose';
import { createMongoConnection, ensureIndexes, mongoOptions, pingMongo } from '../src';

/**
 * The dev and test database is FerretDB v1 (SQLite), production is MongoDB 7: this is the
 * contract the services rely on, checked against the real test server.
 */
describe('mongoose against the test database', () => {
  let connection: Connection;
  const settings = {
    MONGO_URL: testEnv('compat').MONGO_URL,
    DB_POOL_SIZE: 5,
    DB_MIN_POOL_SIZE: 1,
    DB_MAX_IDLE_TIME_MS: 0,
    DB_WAIT_QUEUE_TIMEOUT_MS: 2_000,
    DB_READ_PREFERENCE: 'primary' as const,
  };

  beforeAll(async () => {
    connection = await createMongoConnection(settings, createLogger({ service: 'test', level: 'silent' }));
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('passes the pool settings to the driver', () => {
    expect(mongoOptions(settings)).toMatchObject({
      maxPoolSize: 5,
      minPoolSize: 1,
      waitQueueTimeoutMS: 2_000,
      readPreference: 'primary',
    });
  });

  it('answers ping and hello', async () => {
    await expect(pingMongo(connection)).resolves.toBeUndefined();
    const hello = await connection.db!.admin().command({ hello: 1 });
    expect(hello.ok).toBe(1);
  });

  it('creates a unique index, round-trips documents and refuses a duplicate with 11000', async () => {
    const Thing = connection.model('Thing', new Schema({ key: String, tags: [String], at: Date, n: Number }));
    Thing.schema.index({ key: 1 }, { unique: true });
    await ensureIndexes(connection);
    const indexes = await Thing.listIndexes();
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { key: 1 }, unique: true })]));

    const at = new Date('2026-01-02T03:04:05.678Z');
    const created = await Thing.create({ key: 'a', tags: ['x', 'y'], at, n: 1 });
    const loaded = await Thing.findById(created._id).lean();
    expect(loaded).toMatchObject({ key: 'a', tags: ['x', 'y'], at, n: 1 });

    await expect(Thing.create({ key: 'a' })).rejects.toMatchObject({ code: 11000 });
  });

  // FerretDB v1 applies updates as read-modify-write outside a transaction, so concurrent
  // `$inc` or conditional updates of one document can be lost there (MongoDB 7 is atomic).
  // The primitive that is atomic on both is an insert guarded by a unique index.
  it('lets exactly one of many racing inserts of one unique key win', async () => {
    const Claim = connection.model('Claim', new Schema({ slot: String, by: Number }));
    Claim.schema.index({ slot: 1 }, { unique: true });
    await ensureIndexes(connection);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, by) => Claim.create({ slot: 'only-one', by })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await Claim.countDocuments({ slot: 'only-one' })).toBe(1);
  });
});
