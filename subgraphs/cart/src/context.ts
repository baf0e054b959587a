import type DataLoader from 'dataloader';
import type { BaseRequestContext } from '@supergraph/subgraph';
import type { ProductDocument } from './products/model';

/** Per-request context of the cart subgraph. */
export interface CartContext extends BaseRequestContext {
  loaders: { productById: DataLoader<string, ProductDocument | null> };
}
