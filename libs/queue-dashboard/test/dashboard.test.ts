import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { createQueueDashboard, type QueueDashboard } from '../src';
import { CHROMIUM_ARGS, ensureChromium } from './ensure-chromium';

jest.setTimeout(180_000);

const redisUrl = process.env.TEST_REDIS_URL!;
const run = randomBytes(4).toString('hex');
const queueNames = [`dash-test-${run}-a`, `dash-test-${run}-b`];
const prefix = `dash-${run}`; // a custom BullMQ prefix, so the dashboard must honour the option
const username = 'ops';
const password = randomBytes(12).toString('base64url');

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

let connection: Redis;
let queues: Queue[];
let dashboard: QueueDashboard;
let baseUrl: string;
let browser: Browser | undefined;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'queue-dashboard-'));
  connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = queueNames.map((name) => new Queue(name, { connection, prefix }));
  for (const [index, queue] of queues.entries()) {
    await queue.addBulk([1, 2, 3].slice(0, index + 2).map((n) => ({ name: `job-${n}`, data: { n } })));
  }
  dashboard = createQueueDashboard({ queueNames, redisUrl, prefix, username, password, onError: () => undefined });
  const port = await dashboard.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}/`;
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await dashboard?.close(); // safe twice
  for (const queue of queues ?? []) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await connection?.quit();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('createQueueDashboard', () => {
  it('rejects invalid options up front', () => {
    const valid = { queueNames, redisUrl, username, password };
    expect(() => createQueueDashboard({ ...valid, queueNames: [] })).toThrow(/queueNames/);
    expect(() => createQueueDashboard({ ...valid, username: '' })).toThrow(/username/);
    expect(() => createQueueDashboard({ ...valid, password: 'short-pass' })).toThrow(TypeError);
  });

  it('answers 401 without the right credential and 200 with it', async () => {
    const anonymous = await fetch(baseUrl);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="queues"');
    expect((await fetch(baseUrl, { headers: { authorization: basic(username, `${password}x`) } })).status).toBe(401);
    expect((await fetch(baseUrl, { headers: { authorization: basic('root', password) } })).status).toBe(401);
    expect((await fetch(`${baseUrl}api/queues`)).status).toBe(401);

    const ok = await fetch(baseUrl, { headers: { authorization: basic(username, password) } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<title>Supergraph queues</title>');
  });

  it('reads the queues under the BullMQ prefix', async () => {
    const response = await fetch(`${baseUrl}api/queues`, { headers: { authorization: basic(username, password) } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    const waiting = Object.fromEntries(body.queues.map((queue) => [queue.name, queue.counts.waiting]));
    expect(waiting).toEqual({ [queueNames[0]!]: 2, [queueNames[1]!]: 3 });
  });

  it('lists both queues in a real browser, offline, only with the credential', async () => {
    browser = await chromium.launch({ executablePath: await ensureChromium(), args: CHROMIUM_ARGS });

    // A wrong password: Playwright offers it once, then cancels the challenge and shows the 401.
    const wrong = await browser.newContext({ httpCredentials: { username, password: `${password}x` } });
    const wrongPage = await wrong.newPage();
    expect((await wrongPage.goto(baseUrl))?.status()).toBe(401);
    expect(await wrongPage.content()).not.toContain(queueNames[0]);
    await wrong.close();

    // No credential at all: headless Chromium has no login prompt and fails the navigation instead.
    const anonymous = await browser.newContext();
    const anonymousPage = await anonymous.newPage();
    const served: number[] = [];
    anonymousPage.on('response', (answer) => void (answer.url().startsWith(baseUrl) && served.push(answer.status())));
    const outcome = await anonymousPage.goto(baseUrl).then(
      (answer) => answer?.status(),
      (error: Error) => error.message,
    );
    expect(String(outcome)).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/);
    expect(served.every((status) => status === 401)).toBe(true); // the dashboard served it nothing else
    await anonymous.close();

    const context = await browser.newContext({ httpCredentials: { username, password }, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // Bull Board's page links a Google Fonts stylesheet: the dashboard's CSP must stop it, so that
    // nothing leaves the machine (requests blocked by CSP fail with "csp" before any network use).
    const leaked: string[] = [];
    const isForeign = (url: string): boolean => !url.startsWith(baseUrl) && !url.startsWith('data:');
    page.on('requestfinished', (request) => void (isForeign(request.url()) && leaked.push(request.url())));
    page.on('requestfailed', (request) => {
      if (isForeign(request.url()) && request.failure()?.errorText !== 'csp') leaked.push(request.url());
    });
    const response = await page.goto(baseUrl);
    expect(response?.status()).toBe(200);
    for (const name of queueNames) await page.getByText(name, { exact: true }).first().waitFor({ state: 'visible' });

    const screenshot = join(tmp, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await stat(screenshot)).size).toBeGreaterThan(0);
    // Set QUEUE_DASHBOARD_SCREENSHOT=/some/file.png to keep a copy to look at.
    if (process.env.QUEUE_DASHBOARD_SCREENSHOT)
      await page.screenshot({ path: process.env.QUEUE_DASHBOARD_SCREENSHOT, fullPage: true });
    expect(leaked).toEqual([]); // everything the page loaded came from the dashboard itself
    await context.close();
  });
});
