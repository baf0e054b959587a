import { runWorker } from '@supergraph/subgraph';
import { loadCartWorkerConfig } from './config';
import { cartWorker } from './worker-definition';

runWorker(loadCartWorkerConfig, cartWorker);
