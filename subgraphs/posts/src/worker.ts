import { runWorker } from '@supergraph/subgraph';
import { loadPostsConfig } from './config';
import { postsWorker } from './worker-definition';

runWorker(loadPostsConfig, postsWorker);
