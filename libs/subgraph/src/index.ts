export { DateTimeScalar } from './date-time-scalar';
export { identityFromRequest } from './identity-from-request';
export { buildSubgraphApollo, type SubgraphApolloOptions } from './build-subgraph-apollo';
export {
  buildSubgraph,
  type BaseRequestContext,
  type BuiltSubgraph,
  type SubgraphDefinition,
  type SubgraphDeps,
  type SubgraphSettings,
} from './build-subgraph';
export { runSubgraph } from './run-subgraph';
export { createDeadlineReader, deadlineIn, type Deadline, type DeadlineSettings } from './request-deadline';
export { errors, type ArgumentProblem, type ErrorCode, type InvalidField } from './errors';
export { pageSize, MAX_PAGE_SIZE } from './page-size';
export { createCachedByIdLoader, type ByIdLoaderOptions } from './load-by-ids';
export { parseInput } from './parse-input';
export { buildWorker, type BuiltWorker, type WorkerDefinition } from './build-worker';
export { runWorker } from './run-worker';
export {
  exitForRestart,
  startDependencyWatchdog,
  type DependencyWatchdog,
  type DependencyWatchdogOptions,
} from './dependency-watchdog';
export { isDependencyUnavailable } from './is-dependency-unavailable';
export { startWorkerHealthServer, type WorkerHealthServer } from './worker-health-server';
export { startWorkerTask, type WorkerTask } from './worker-task';
