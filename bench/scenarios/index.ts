import type { Scenario } from '../lib/types';
import { sideEffects } from './side-effects';

/** Every scenario `npm run bench` runs, in order. Add new ones here. */
export const scenarios: readonly Scenario[] = [sideEffects];
