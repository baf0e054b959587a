import DataLoader from 'dataloader';
import type { AuthorPage } from './author-pages';
import type { Post } from './model';
import type { PostList, PostStore } from './store';

/** Per-request loaders of the posts subgraph. */
export interface PostLoaders {
  /** Posts by id (null for an unknown, malformed or deleted id). */
  postById: DataLoader<string, Post | null>;
  /** Pages of authors' posts: every author asked for in one request is one batch. */
  postsByAuthor: DataLoader<AuthorPage, Post[], string>;
  /** Turns a list of ids into posts (deleted ones drop out). */
  resolveList(list: PostList): Promise<Post[]>;
}

export function createPostLoaders(store: PostStore): PostLoaders {
  const postById = new DataLoader<string, Post | null>(async (ids) => {
    const found = await store.byIds(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  const resolveList = async (list: PostList): Promise<Post[]> => {
    const posts = await postById.loadMany(list.ids);
    return posts.filter((post): post is Post => post !== null && !(post instanceof Error));
  };
  const postsByAuthor = new DataLoader<AuthorPage, Post[], string>(
    async (pages) => Promise.all((await store.byAuthors(pages)).map(resolveList)),
    { cacheKeyFn: (page) => `${page.authorId}|${page.first}|${page.afterSeq ?? ''}` },
  );
  return { postById, postsByAuthor, resolveList };
}
