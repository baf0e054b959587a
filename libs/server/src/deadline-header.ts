/**
 * The header in which a caller (the gateway) tells a service how long it will wait for the
 * answer: a relative budget in whole milliseconds, e.g. `x-supergraph-budget-ms: 9500`. The
 * service measures it from when it starts the request, on its own clock: hosts' clocks may
 * differ, an elapsed time does not (docs/architecture.md, "Deadlines").
 */
export const DEADLINE_HEADER = 'x-supergraph-budget-ms';
