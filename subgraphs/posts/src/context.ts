import type DataLoader from 'dataloader';
import type { BaseRequestContext } from '@supergraph/subgraph';
import type { PostDocument, PostModel } from './posts/model';

/** Per-request context of the posts subgraph. */
export interface PostsContext extends BaseRequestContext {
  loaders: { postById: DataLoader<string, PostDocument | null> };
  models: { posts: PostModel };
}
