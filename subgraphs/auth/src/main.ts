import { runSubgraph } from '@supergraph/subgraph';
import { loadAuthConfig } from './config';
import { authSubgraph } from './server';

runSubgraph(loadAuthConfig, authSubgraph);
