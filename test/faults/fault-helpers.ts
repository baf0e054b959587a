import { eventually, type GraphQLResult } from '@supergraph/testing';
import type { AppProcess, LogLine } from '../support/app-process';
import type { FaultStack } from './fault-stack';

/** What a fault test reads from `/readyz`. */
export interface Readiness {
  status: number;
  body: { ready?: boolean; checks?: Record<string, { ok: boolean }>; subgraphs?: Record<string, GatewaySubgraphState> };
}

export interface GatewaySubgraphState {
  breaker: string;
  ready: boolean;
  failing?: string[];
}

/** GET `<origin>/readyz`; a process that does not answer within 5 s counts as status 0. */
export async function readyz(origin: string): Promise<Readiness> {
  try {
    const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  } catch {
    return { status: 0, body: {} };
  }
}

/** Polls until every process's `/readyz` is 200, or fails after `timeoutMs` naming those that are not. */
export async function allReady(apps: readonly AppProcess[], timeoutMs: number): Promise<void> {
  await eventually(
    async () => {
      const states = await Promise.all(apps.map(async (app) => [app.name, (await readyz(app.origin)).status] as const));
      const late = states.filter(([, status]) => status !== 200);
      if (late.length > 0) throw new Error(`not ready: ${late.map(([name, status]) => `${name} (${status})`).join(', ')}`);
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** The gateway's view of one subgraph, polled until `expected` holds (or fails with the last view). */
export async function gatewaySees(
  stack: FaultStack,
  subgraph: string,
  expected: (state: GatewaySubgraphState) => boolean,
  timeoutMs = 15_000,
): Promise<GatewaySubgraphState> {
  return eventually(
    async () => {
      const state = (await readyz(stack.gatewayUrl.replace(/\/graphql$/, ''))).body.subgraphs?.[subgraph];
      if (!state || !expected(state)) throw new Error(`gateway sees ${subgraph} as ${JSON.stringify(state)}`);
      return state;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** The one error of an answer, or a failure naming them all. */
export function onlyError(result: GraphQLResult): NonNullable<GraphQLResult['errors']>[number] {
  if (result.errors?.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors)}`);
  return result.errors[0]!;
}

/** Lines a process logged from index `from` on (the start of an outage) at `level` or above. */
export function linesFrom(app: AppProcess, from: number, minLevel: number): LogLine[] {
  return app.logs.slice(from).filter((line) => (line.level ?? 0) >= minLevel);
}

let counter = 0;

/** Registers a user through the gateway; returns its token and email. */
export async function register(stack: FaultStack, name: string): Promise<{ token: string; email: string }> {
  const email = `${name.toLowerCase()}-${process.pid}-${Date.now()}-${counter++}@example.com`;
  const result = await stack.query<{ register: { accessToken: string } }>(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`,
    { variables: { input: { email, password: 'correct horse 42', name } } },
  );
  if (!result.data?.register) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  return { token: result.data.register.accessToken, email };
}
