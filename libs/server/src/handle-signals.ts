import type { Logger } from '@supergraph/logger';
import type { HttpService } from './create-http-service';

/**
 * SIGTERM/SIGINT start a graceful shutdown and exit when it is done; a second signal (a second
 * or more later) exits at once. Unhandled rejections are logged, not fatal: one bad request must not kill the process.
 */
export function handleSignals(service: Pick<HttpService, 'shutdown'>, logger: Logger): void {
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt > 0) {
      // A terminal's Ctrl-C or `timeout` can deliver one signal twice (to the process and its
      // group); only a deliberate second signal, a moment later, skips the graceful path.
      if (Date.now() - firstSignalAt < 1_000) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    service.shutdown(signal).then(
      ({ forced }) => process.exit(forced ? 1 : 0),
      (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}
