import { createLogger, type LevelWithSilent } from '@supergraph/logger';
import { handleSignals } from '@supergraph/server';
import type { SubgraphSettings } from './build-subgraph';
import { buildWorker, type WorkerDefinition } from './build-worker';
import { bootFailure, exitForRestart, startDependencyWatchdog } from './dependency-watchdog';
import { startWorkerHealthServer } from './worker-health-server';

type RunnableSettings = SubgraphSettings & {
  HOST: string;
  LOG_LEVEL: LevelWithSilent;
  DEPENDENCY_EXIT_AFTER_MS: number;
  WORKER_HEALTH_PORT?: number | undefined;
};

/**
 * Process entry for a subgraph's worker: config -> build -> run until SIGTERM/SIGINT, with
 * `/healthz` and `/readyz` on WORKER_HEALTH_PORT when set, and an exit (code 1) when MongoDB or
 * Redis stays unreachable for DEPENDENCY_EXIT_AFTER_MS.
 */
export function runWorker<TConfig extends RunnableSettings>(
  loadConfig: () => TConfig,
  define: (config: TConfig) => WorkerDefinition,
): void {
  const start = async () => {
    const config = loadConfig();
    const definition = define(config);
    const logger = createLogger({ service: `${definition.name}-worker`, level: config.LOG_LEVEL });
    const worker = await buildWorker(definition, config, logger);
    const health =
      config.WORKER_HEALTH_PORT === undefined
        ? undefined
        : await startWorkerHealthServer(config.WORKER_HEALTH_PORT, config.HOST, worker.readiness);
    let stopping: Promise<{ forced: boolean }> | undefined;
    const shutdown = (reason: string) =>
      (stopping ??= (async () => {
        watchdog.stop();
        health?.markStopping();
        logger.info({ reason }, `${definition.name} worker shutting down`);
        const result = await worker.close();
        await health?.close();
        logger.info(result, `${definition.name} worker stopped`);
        return result;
      })());
    const watchdog = startDependencyWatchdog({
      checks: worker.readiness,
      exitAfterMs: config.DEPENDENCY_EXIT_AFTER_MS,
      logger,
      onGiveUp: (dependency) => exitForRestart(() => shutdown(`${dependency} unreachable`), config.SHUTDOWN_TIMEOUT_MS, logger),
    });
    handleSignals({ shutdown }, logger);
    logger.info(
      { queues: worker.workers.map((item) => item.worker.name), ...(health ? { port: health.port } : {}) },
      `${definition.name} worker ready`,
    );
  };
  start().catch((error: unknown) => {
    console.error(bootFailure(error));
    process.exit(1);
  });
}
