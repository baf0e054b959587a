import { ApolloServer } from '@apollo/server';
import { createLogger } from '@supergraph/logger';
import { graphql } from '@supergraph/testing';
import { createHttpService, type HttpService } from '../src';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A real server whose `slow` field takes `ms` milliseconds, to have a request in flight. */
async function slowService(shutdownTimeoutMs: number, cleanups: string[]): Promise<{ service: HttpService; url: string }> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { slow(ms: Int!): String! }',
    resolvers: {
      Query: {
        slow: (_: unknown, { ms }: { ms: number }) =>
          new Promise((resolve) => setTimeout(() => resolve(`slept ${ms}`), ms).unref()),
      },
    },
  });
  await apollo.start();
  const service = createHttpService({
    name: 'slow',
    apollo,
    logger,
    shutdownTimeoutMs,
    context: async () => ({}),
    readiness: { always: async () => undefined },
    onShutdown: [
      async () => {
        cleanups.push('pool');
      },
      async () => {
        throw new Error('a failing cleanup must not stop the others');
      },
      async () => {
        cleanups.push('redis');
      },
    ],
  });
  const address = await service.listen(0, '127.0.0.1');
  return { service, url: `http://127.0.0.1:${address.port}/graphql` };
}

describe('graceful shutdown', () => {
  it('finishes an in-flight request, refuses new ones, then closes pools', async () => {
    const cleanups: string[] = [];
    const { service, url } = await slowService(5_000, cleanups);
    const inFlight = graphql<{ slow: string }>(url, '{ slow(ms: 600) }');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(service.inFlight()).toBe(1);

    const stopping = service.shutdown('test');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(url.replace('/graphql', '/healthz'))).rejects.toThrow();

    const answered = await inFlight;
    expect(answered.data).toEqual({ slow: 'slept 600' });
    expect(await stopping).toEqual({ forced: false });
    expect(cleanups).toEqual(['pool', 'redis']);
    // Calling it again is harmless and returns the same outcome.
    expect(await service.shutdown('again')).toEqual({ forced: false });
  });

  it('gives up on a request that outlives the budget, and still closes pools', async () => {
    const cleanups: string[] = [];
    const { service, url } = await slowService(500, cleanups);
    const inFlight = graphql(url, '{ slow(ms: 5000) }').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await service.shutdown('test')).toEqual({ forced: true });
    expect(Date.now() - started).toBeLessThan(1_500);
    // The client sees its connection closed (fetch fails), not a hang.
    expect(await inFlight).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(cleanups).toEqual(['pool', 'redis']);
  });

  it('reports ready, then not ready once stopping', async () => {
    const { service, url } = await slowService(2_000, []);
    const ready = await fetch(url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { always: { ok: true } } });
    await service.shutdown('test');
  });

  it('answers bad requests with a code, not a crash', async () => {
    const { service, url } = await slowService(2_000, []);
    const badJson = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
    const huge = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ slow(ms: 1) } #${'x'.repeat(2_000_000)}` }),
    }).catch((error: unknown) => error);
    if (huge instanceof Response) {
      expect(huge.status).toBe(413);
      expect(await huge.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    }
    const unknownPath = await fetch(url.replace('/graphql', '/nope'));
    expect(unknownPath.status).toBe(404);
    await service.shutdown('test');
  });
});
