import { isMongoUnavailableError } from '@supergraph/mongo';
import { isRedisUnavailableError } from '@supergraph/redis';

/**
 * Whether one error means MongoDB or Redis could not serve right now (unreachable, restarting,
 * full): the field is answered SERVICE_UNAVAILABLE with a retry hint, not INTERNAL_SERVER_ERROR.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  return isMongoUnavailableError(error) || isRedisUnavailableError(error);
}
