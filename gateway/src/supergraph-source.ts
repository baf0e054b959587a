import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { Logger } from '@supergraph/logger';

/**
 * The supergraph from a file, reloaded when the file changes. A new version is swapped in only
 * after it builds as a supergraph and every subgraph in it answers a health check; otherwise it
 * is rejected (logged) and the current one keeps serving. The gateway swaps schemas between
 * requests, so requests in flight finish on the schema they started with.
 */
export function supergraphFromFile(path: string, pollMs: number, logger: Logger): SupergraphSdlHook {
  return async ({ update, healthCheck }) => {
    let current = readFileSync(path, 'utf8');
    let checking = Promise.resolve();
    const reload = async () => {
      let next: string;
      try {
        next = readFileSync(path, 'utf8');
      } catch (error) {
        logger.error(
          { err: error instanceof Error ? error.message : String(error), path },
          'supergraph file unreadable: keeping the current one',
        );
        return;
      }
      if (next === current) return;
      try {
        Supergraph.build(next);
        await healthCheck(next);
      } catch (error) {
        logger.error(
          { err: error instanceof Error ? error.message : String(error), path },
          'new supergraph rejected: keeping the current one',
        );
        return;
      }
      update(next);
      current = next;
      logger.info({ path }, 'supergraph reloaded');
    };
    // Checks run one at a time, in the order the changes were seen.
    watchFile(path, { interval: pollMs }, () => {
      checking = checking.then(reload);
    });
    return { supergraphSdl: current, cleanup: async () => unwatchFile(path) };
  };
}
