import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { freePort, isPortOpen, pingPostgres, pingRedis, startFerretDb, startPostgres, startRedis } from './index';
import { postgresAccount } from './ensure-postgres';

// The first run may install PostgreSQL (apt-get) and build FerretDB.
jest.setTimeout(240_000);

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A temp folder PostgreSQL's account can get through (as root it runs as `postgres`). */
async function tempRoot(): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'supergraph-postgres-test-'));
  folders.push(root);
  await chmod(root, 0o711);
  return root;
}

/** Pids of running processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

it('starts PostgreSQL in a new data folder owned by its account, stops it, and starts it again on the same data', async () => {
  const dataDir = path.join(await tempRoot(), 'pg');
  const port = await freePort();
  const first = await startPostgres({ port, dataDir });
  try {
    expect(first.url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(await pingPostgres(port)).toBe(true);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(statSync(dataDir).uid).toBe(postgresAccount().uid);
  } finally {
    await first.stop();
  }
  expect(await isPortOpen(port)).toBe(false);
  expect(processesWith(dataDir)).toEqual([]);
  const again = await startPostgres({ port, dataDir });
  expect(await pingPostgres(port)).toBe(true);
  await again.stop();
  await again.stop();
  expect(await isPortOpen(port)).toBe(false);
});

it('runs FerretDB on a PostgreSQL of its own, which holds the documents and stops with it', async () => {
  const dataDir = path.join(await tempRoot(), 'ferretdb');
  const ferretdb = await startFerretDb({ port: await freePort(), dataDir });
  const pgData = path.join(dataDir, 'postgresql');
  try {
    expect(processesWith(pgData).length).toBeGreaterThan(0);
    const connection = await mongoose.createConnection(`${ferretdb.url}/probe`).asPromise();
    await connection.db!.collection('things').insertOne({ name: 'kept' });
    expect(await connection.db!.collection('things').findOne({ name: 'kept' }, { projection: { _id: 0 } })).toEqual({
      name: 'kept',
    });
    await connection.close();
  } finally {
    await ferretdb.stop();
  }
  expect(await isPortOpen(ferretdb.port)).toBe(false);
  expect(processesWith(pgData)).toEqual([]);
  expect(existsSync(path.join(pgData, 'PG_VERSION'))).toBe(true);
});

it('answers a health check only from PostgreSQL', async () => {
  const dataDir = path.join(await tempRoot(), 'redis');
  const redis = await startRedis({ port: await freePort(), dataDir });
  try {
    expect(await pingRedis(redis.port)).toBe(true);
    expect(await pingPostgres(redis.port)).toBe(false);
  } finally {
    await redis.stop();
  }
  expect(await pingPostgres(await freePort())).toBe(false);
});

const asRoot = process.getuid?.() === 0 ? it : it.skip;
asRoot('names the folder that keeps PostgreSQL from its data, as root', async () => {
  const closed = path.join(await tempRoot(), 'closed');
  await mkdir(closed, { mode: 0o700 });
  await expect(startPostgres({ port: await freePort(), dataDir: path.join(closed, 'pg') })).rejects.toThrow(
    `cannot enter ${closed} (mode 700)`,
  );
});
