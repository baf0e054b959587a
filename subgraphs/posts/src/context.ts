import type { BaseRequestContext } from '@supergraph/subgraph';
import type { PostLoaders } from './posts/loaders';
import type { PostService } from './posts/service';
import type { PostStore } from './posts/store';

/** Per-request context of the posts subgraph. */
export interface PostsContext extends BaseRequestContext {
  loaders: PostLoaders;
  store: PostStore;
  services: { posts: PostService };
}
