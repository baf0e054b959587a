import type { Scenario } from '../lib/types';
import { batching } from './batching';
import { caching } from './caching';
import { overhead, throughput } from './gateways';
import { hostile } from './hostile';
import { mixed } from './mixed';
import { sideEffects } from './side-effects';
import { workers } from './workers';

/** Every scenario `npm run bench` runs, in order. Add new ones here. */
export const scenarios: readonly Scenario[] = [throughput, overhead, batching, caching, sideEffects, workers, hostile, mixed];
