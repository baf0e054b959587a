import { summarize, type Summary } from '../lib/stats';
import { OPERATION_KINDS, type OperationKind } from './mixed-operations';

/** How one request ended: `ok`, or the reason it failed (a GraphQL code, an HTTP status, a network error). */
export type Outcome = { ok: true } | { ok: false; code: string; detail: string };

/** One operation kind's figures. */
export interface OperationStats {
  requests: number;
  failures: number;
  /** Failures by code: `extensions.code` of the first error, `HTTP_<status>`, `NETWORK_<errno>`, `CLIENT_TIMEOUT`, `NO_DATA`. */
  failuresByCode: Record<string, number>;
  /** Milliseconds, every request (failed ones too), as the client saw them. */
  latencyMs: Summary;
}

/** What a mixed load did since it started (or since its last reset). */
export interface MixedStats {
  seconds: number;
  requests: number;
  failures: number;
  /** failures / requests, 0 when nothing was sent. */
  errorRate: number;
  requestsPerSecond: number;
  latencyMs: Summary;
  byOperation: Record<OperationKind, OperationStats>;
  /** Failures by code over every operation. */
  failuresByCode: Record<string, number>;
  /** A few failures as the client saw them (code, operation and what came back), for a reader. */
  samples: Array<{ operation: OperationKind; code: string; detail: string }>;
}

const MAX_SAMPLES_PER_CODE = 3;

/** Counts outcomes and latencies per operation kind. */
export function createTally() {
  let started = performance.now();
  let latencies = new Map<OperationKind, number[]>();
  let failures = new Map<OperationKind, Map<string, number>>();
  let samples: MixedStats['samples'] = [];
  const reset = () => {
    started = performance.now();
    latencies = new Map(OPERATION_KINDS.map((kind) => [kind, []]));
    failures = new Map(OPERATION_KINDS.map((kind) => [kind, new Map()]));
    samples = [];
  };
  reset();
  return {
    record(operation: OperationKind, ms: number, outcome: Outcome): void {
      latencies.get(operation)!.push(ms);
      if (outcome.ok) return;
      const codes = failures.get(operation)!;
      codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
      if (samples.filter((sample) => sample.code === outcome.code).length < MAX_SAMPLES_PER_CODE) {
        samples.push({ operation, code: outcome.code, detail: outcome.detail.slice(0, 400) });
      }
    },
    /** Starts counting afresh (e.g. after a warm-up). */
    reset,
    snapshot(): MixedStats {
      const seconds = (performance.now() - started) / 1000;
      const byOperation = {} as Record<OperationKind, OperationStats>;
      const allCodes: Record<string, number> = {};
      let requests = 0;
      let failed = 0;
      for (const kind of OPERATION_KINDS) {
        const codes = Object.fromEntries(failures.get(kind)!);
        const count = Object.values(codes).reduce((sum, n) => sum + n, 0);
        const values = latencies.get(kind)!;
        byOperation[kind] = { requests: values.length, failures: count, failuresByCode: codes, latencyMs: summarize(values) };
        requests += values.length;
        failed += count;
        for (const [code, n] of Object.entries(codes)) allCodes[code] = (allCodes[code] ?? 0) + n;
      }
      return {
        seconds,
        requests,
        failures: failed,
        errorRate: requests === 0 ? 0 : failed / requests,
        requestsPerSecond: seconds > 0 ? requests / seconds : 0,
        latencyMs: summarize([...latencies.values()].flat()),
        byOperation,
        failuresByCode: allCodes,
        samples: [...samples],
      };
    },
  };
}

export type Tally = ReturnType<typeof createTally>;
