/**
 * The load generator, run as a process of its own so it never shares a JavaScript thread with what it
 * measures: `tsx bench/load/loadgen.ts <config.json>`. A closed loop: `connections` virtual users, each
 * sending its next request as soon as the last one answered, over keep-alive connections (undici). Every
 * request can carry its own access token (a distinct Authorization header), minted before the timed part.
 * Prints one JSON object (LoadResult) on stdout.
 */
import { readFileSync } from 'node:fs';
import { signAccessToken } from '@supergraph/identity';
import { Pool } from 'undici';
import { summarize, type Summary } from '../lib/stats';

export interface LoadConfig {
  url: string;
  /** The request body (a GraphQL POST body, as JSON text). */
  body: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Distinct access tokens, one per request, for these users (omit for no Authorization header). */
  tokens?: {
    JWT_SECRET: string;
    JWT_ISSUER: string;
    JWT_AUDIENCE: string;
    users: Array<{ id: string; email: string }>;
    count: number;
  };
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  /** Answers that were not HTTP 200 with data and no errors. */
  failures: number;
  failureSamples: string[];
  seconds: number;
  requestsPerSecond: number;
  latencyMs: Summary;
  /** Tokens minted; when requests exceed it, tokens were reused (counted in tokenReuses). */
  distinctTokens: number;
  tokenReuses: number;
  /** Mean response size in bytes. */
  responseBytes: number;
  /** The load generator's own CPU over the window (it shares the machine). */
  cpuSeconds: number;
}

async function mintTokens(config: NonNullable<LoadConfig['tokens']>): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < config.count; i++) {
    const user = config.users[i % config.users.length]!;
    const claims = { userId: user.id, email: user.email, roles: [], sessionId: `bench-${i}` };
    tokens.push(`Bearer ${await signAccessToken(claims, config, 3600)}`);
  }
  return tokens;
}

async function run(config: LoadConfig): Promise<LoadResult> {
  const tokens = config.tokens ? await mintTokens(config.tokens) : [];
  const target = new URL(config.url);
  const pool = new Pool(target.origin, { connections: config.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  let next = 0;
  let measuring = false;
  let stopping = false;
  const latencies: number[] = [];
  let failures = 0;
  let responseBytes = 0;
  const failureSamples: string[] = [];

  const one = async () => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...config.headers };
    if (tokens.length > 0) headers.authorization = tokens[next++ % tokens.length]!;
    const started = performance.now();
    let ok = false;
    let sample = '';
    try {
      const response = await pool.request({ path: target.pathname, method: 'POST', headers, body: config.body });
      const text = await response.body.text();
      responseBytes += measuring ? text.length : 0;
      ok = response.statusCode === 200 && text.startsWith('{"data":') && !text.includes('"errors":');
      if (!ok) sample = `HTTP ${response.statusCode}: ${text.slice(0, 300)}`;
    } catch (error) {
      sample = error instanceof Error ? error.message : String(error);
    }
    if (!measuring) return;
    latencies.push(performance.now() - started);
    if (!ok) {
      failures++;
      if (failureSamples.length < 5) failureSamples.push(sample);
    }
  };
  const user = async () => {
    while (!stopping) await one();
  };

  const users = Array.from({ length: config.connections }, user);
  await new Promise((resolve) => setTimeout(resolve, config.warmupSeconds * 1000));
  measuring = true;
  process.stderr.write('window-start\n');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, config.durationSeconds * 1000));
  measuring = false;
  process.stderr.write('window-end\n');
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  stopping = true;
  await Promise.all(users);
  await pool.close();
  return {
    requests: latencies.length,
    failures,
    failureSamples,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    latencyMs: summarize(latencies),
    distinctTokens: tokens.length,
    tokenReuses: Math.max(0, next - tokens.length),
    responseBytes: Math.round(responseBytes / Math.max(1, latencies.length)),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: tsx bench/load/loadgen.ts <config.json>');
  process.exit(2);
}
run(JSON.parse(readFileSync(configPath, 'utf8')) as LoadConfig).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
