import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isPortOpen, pingMongoWire, pingRedis, startTestServices, type TestServices } from './index';

// The first run may build FerretDB from source (~60-90 s).
jest.setTimeout(180_000);

describe('startTestServices', () => {
  let first: TestServices | undefined;
  let second: TestServices | undefined;

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('starts FerretDB and Redis that answer on free ports in a temp folder', async () => {
    first = await startTestServices();
    expect(first.mongoUrl).toBe(`mongodb://127.0.0.1:${first.mongoPort}`);
    expect(first.redisUrl).toBe(`redis://127.0.0.1:${first.redisPort}`);
    expect(first.dataRoot.startsWith(tmpdir())).toBe(true);
    expect(first.dataRoot).toMatch(/supergraph-test-/);
    expect([27017, 6379]).not.toContain(first.mongoPort);
    expect([27017, 6379]).not.toContain(first.redisPort);
    expect(await pingMongoWire(first.mongoPort)).toBe(true);
    expect(await pingRedis(first.redisPort)).toBe(true);
  });

  it('gives a second run its own ports and folder', async () => {
    second = await startTestServices();
    if (first === undefined) throw new Error('the first test did not start services');
    const ports = new Set([first.mongoPort, first.redisPort, second.mongoPort, second.redisPort]);
    expect(ports.size).toBe(4);
    expect(second.dataRoot).not.toBe(first.dataRoot);
    expect(await pingMongoWire(second.mongoPort)).toBe(true);
    expect(await pingRedis(second.redisPort)).toBe(true);
  });

  it('stops the services, closes the ports and removes the folders (twice is fine)', async () => {
    const runs = [first, second].filter((run): run is TestServices => run !== undefined);
    expect(runs).toHaveLength(2);
    await Promise.all(runs.map((run) => run.stop()));
    await Promise.all(runs.map((run) => run.stop()));
    for (const run of runs) {
      expect(await isPortOpen(run.mongoPort)).toBe(false);
      expect(await isPortOpen(run.redisPort)).toBe(false);
      expect(existsSync(run.dataRoot)).toBe(false);
    }
  });
});
