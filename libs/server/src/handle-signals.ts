import type { Logger } from '@supergraph/logger';
import type { HttpService } from './create-http-service';

/**
 * SIGTERM/SIGINT start a graceful shutdown and exit when it is done; a second signal exits at
 * once. Unhandled rejections are logged, not fatal: one bad request must not kill the process.
 */
export function handleSignals(service: Pick<HttpService, 'shutdown'>, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
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
