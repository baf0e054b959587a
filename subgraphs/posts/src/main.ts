import { runSubgraph } from '@supergraph/subgraph';
import { loadPostsConfig } from './config';
import { postsSubgraph } from './server';

runSubgraph(loadPostsConfig, postsSubgraph);
