import { runSubgraph } from '@supergraph/subgraph';
import { loadCartConfig } from './config';
import { cartSubgraph } from './server';

runSubgraph(loadCartConfig, cartSubgraph);
