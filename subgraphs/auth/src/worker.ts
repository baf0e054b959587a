import { runWorker } from '@supergraph/subgraph';
import { loadAuthWorkerConfig } from './config';
import { authWorker } from './worker-definition';

runWorker(loadAuthWorkerConfig, authWorker);
