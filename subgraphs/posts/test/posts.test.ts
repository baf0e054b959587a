import { errorCodes } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { signUp, type SignedUpUser } from '../../../test/support/users';

interface PostView {
  id: string;
  title: string;
  body: string;
  tags: string[];
  cursor: string;
  author: { id: string; name: string };
}
const FIELDS = 'id title body tags cursor author { id name }';
const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deletePost(id: $id) }`;
const POST = `query($id: ID!) { post(id: $id) { ${FIELDS} } }`;

let stack: TestStack;
let alice: SignedUpUser;
let bob: SignedUpUser;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob] = await Promise.all([signUp(stack, 'Alice'), signUp(stack, 'Bob')]);
});
afterAll(() => stack.stop());

async function create(user: SignedUpUser, input: { title: string; body?: string; tags?: string[] }): Promise<PostView> {
  const result = await stack.query<{ createPost: PostView }>(CREATE, {
    token: user.token,
    variables: { input: { body: 'Body', ...input } },
  });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createPost;
}

describe('writing posts', () => {
  it('publishes as the signed-in user, with tags normalised', async () => {
    const post = await create(alice, { title: '  Hello  ', tags: ['GraphQL', 'graphql', 'news'] });
    expect(post).toMatchObject({ title: 'Hello', tags: ['graphql', 'news'], author: { id: alice.userId, name: 'Alice' } });
  });

  it('refuses anonymous writers', async () => {
    const result = await stack.query(CREATE, { variables: { input: { title: 't', body: 'b' } } });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    ['an empty title', { title: ' ', body: 'b' }, 'input.title'],
    ['a long title', { title: 't'.repeat(201), body: 'b' }, 'input.title'],
    ['a long body', { title: 't', body: 'b'.repeat(20_001) }, 'input.body'],
    ['too many tags', { title: 't', body: 'b', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'input.tags'],
    ['a bad tag', { title: 't', body: 'b', tags: ['no spaces'] }, 'input.tags.0'],
  ])('refuses %s with BAD_USER_INPUT naming the field from the argument', async (_, input, field) => {
    const result = await stack.query(CREATE, { token: alice.token, variables: { input } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.argument).toBe('input');
    expect((result.errors?.[0]?.extensions?.fields as Array<{ field: string }>).map((f) => f.field)).toContain(field);
    expect(result.errors?.[0]?.message).toContain(field);
  });

  it('lets only the author update or delete, and says NOT_FOUND for a missing post', async () => {
    const post = await create(alice, { title: 'Mine' });
    expect(
      errorCodes(await stack.query(UPDATE, { token: bob.token, variables: { id: post.id, input: { title: 'Stolen' } } })),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.query(DELETE, { token: bob.token, variables: { id: post.id } }))).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await stack.query(UPDATE, { token: alice.token, variables: { id: '0123456789abcdef01234567', input: { title: 'x' } } }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.query(DELETE, { token: alice.token, variables: { id: 'not-an-id' } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.query(UPDATE, { token: alice.token, variables: { id: post.id, input: {} } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('read your writes through the gateway (cached reads in between)', () => {
  it('createPost: the feed, the tag list and the author list show it at once', async () => {
    const tag = `fresh-${Date.now()}`;
    const read = () =>
      stack.query<{ feed: PostView[]; postsByTag: PostView[]; user: { posts: PostView[] } }>(
        `query($tag: String!, $id: ID!) { feed(first: 5) { id } postsByTag(tag: $tag) { id } user(id: $id) { posts(first: 5) { id } } }`,
        { variables: { tag, id: bob.userId } },
      );
    await read();
    await read(); // now cached
    const post = await create(bob, { title: 'New', tags: [tag] });
    const after = (await read()).data!;
    expect(after.feed[0]?.id).toBe(post.id);
    expect(after.postsByTag.map((p) => p.id)).toEqual([post.id]);
    expect(after.user.posts[0]?.id).toBe(post.id);
  });

  it('updatePost: the post, and the tag lists it leaves and joins', async () => {
    const post = await create(alice, { title: 'Before', tags: ['old-tag'] });
    const read = () =>
      stack.query<{ post: PostView; old: PostView[]; new: PostView[] }>(
        `query($id: ID!) { post(id: $id) { title body tags } old: postsByTag(tag: "old-tag") { id } new: postsByTag(tag: "new-tag") { id } }`,
        { variables: { id: post.id } },
      );
    await read();
    await read();
    await stack.query(UPDATE, { token: alice.token, variables: { id: post.id, input: { title: 'After', tags: ['new-tag'] } } });
    const after = (await read()).data!;
    expect(after.post).toEqual({ title: 'After', body: 'Body', tags: ['new-tag'] });
    expect(after.old.map((p) => p.id)).not.toContain(post.id);
    expect(after.new.map((p) => p.id)).toContain(post.id);
  });

  it('deletePost: gone from the post, the feed, its tags and its author', async () => {
    const post = await create(alice, { title: 'Doomed', tags: ['doomed'] });
    const read = () =>
      stack.query<{ post: PostView | null; feed: PostView[]; postsByTag: PostView[]; user: { posts: PostView[] } }>(
        `query($id: ID!, $author: ID!) { post(id: $id) { id } feed(first: 50) { id } postsByTag(tag: "doomed") { id } user(id: $author) { posts(first: 50) { id } } }`,
        { variables: { id: post.id, author: alice.userId } },
      );
    expect((await read()).data!.post).toEqual({ id: post.id });
    await read();
    const deleted = await stack.query(DELETE, { token: alice.token, variables: { id: post.id } });
    expect(deleted.data).toEqual({ deletePost: post.id });
    const after = (await read()).data!;
    expect(after.post).toBeNull();
    expect(after.feed.map((p) => p.id)).not.toContain(post.id);
    expect(after.postsByTag).toEqual([]);
    expect(after.user.posts.map((p) => p.id)).not.toContain(post.id);
    expect(errorCodes(await stack.query(DELETE, { token: alice.token, variables: { id: post.id } }))).toEqual(['NOT_FOUND']);
  });
});

describe('pagination', () => {
  it('walks the feed page by page in a stable order, without gaps or repeats', async () => {
    const author = await signUp(stack, 'Pager');
    for (let i = 0; i < 7; i += 1) await create(author, { title: `p${i}`, tags: ['paged'] });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result: { data?: { postsByTag: PostView[] } | null } = await stack.query<{ postsByTag: PostView[] }>(
        `query($after: String) { postsByTag(tag: "paged", first: 3, after: $after) { title cursor } }`,
        { variables: { after } },
      );
      const posts: PostView[] = result.data!.postsByTag;
      seen.push(...posts.map((p) => p.title));
      if (posts.length < 3) break;
      after = posts[posts.length - 1]!.cursor;
    }
    expect(seen).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
  });

  it('pages a user’s posts with cursors, skipping deleted ones', async () => {
    const author = await signUp(stack, 'Writer');
    const posts = [];
    for (let i = 0; i < 8; i += 1) posts.push(await create(author, { title: `w${i}` }));
    await stack.query(DELETE, { token: author.token, variables: { id: posts[6]!.id } });
    await stack.query(DELETE, { token: author.token, variables: { id: posts[5]!.id } });
    const page = async (after: string | null) =>
      (
        await stack.query<{ user: { posts: PostView[] } }>(
          `query($id: ID!, $after: String) { user(id: $id) { posts(first: 3, after: $after) { title cursor } } }`,
          {
            variables: { id: author.userId, after },
          },
        )
      ).data!.user.posts;
    const first = await page(null);
    expect(first.map((p) => p.title)).toEqual(['w7', 'w4', 'w3']);
    const second = await page(first[2]!.cursor);
    expect(second.map((p) => p.title)).toEqual(['w2', 'w1', 'w0']);
  });

  it('caps first at 100 and rejects a forged cursor', async () => {
    expect(errorCodes(await stack.query(`{ feed(first: 101) { id } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.query(`{ feed(first: 0) { id } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.query(`{ feed(after: "garbage") { id } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.query(`{ postsByTag(tag: "not a tag") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['trendingTags(limit: 0)', `{ trendingTags(limit: 0) { tag } }`, 'limit'],
    ['trendingTags(limit: 101)', `{ trendingTags(limit: 101) { tag } }`, 'limit'],
    ['feed(first: 0)', `{ feed(first: 0) { id } }`, 'first'],
    ['feed(after: garbage)', `{ feed(after: "garbage") { id } }`, 'after'],
    ['postsByTag(tag: bad)', `{ postsByTag(tag: "not a tag") { id } }`, 'tag'],
    ['postsByTag(first: 101)', `{ postsByTag(tag: "ok", first: 101) { id } }`, 'first'],
    ['User.posts(first: -1)', `query($id: ID!) { user(id: $id) { posts(first: -1) { id } } }`, 'first'],
    ['User.posts(after: garbage)', `query($id: ID!) { user(id: $id) { posts(after: "garbage") { id } } }`, 'after'],
  ])('%s: BAD_USER_INPUT names the argument the client sent', async (_, query, argument) => {
    const result = await stack.query(query, query.includes('$id') ? { variables: { id: alice.userId } } : {});
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    const error = result.errors![0]!;
    expect(error.extensions).toMatchObject({ argument, field: argument });
    expect(error.message.startsWith(`${argument} `)).toBe(true);
  });

  it('updatePost with nothing to change names its input', async () => {
    const post = await create(alice, { title: 'Unchanged' });
    const result = await stack.query(UPDATE, { token: alice.token, variables: { id: post.id, input: {} } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input', field: 'input' });
  });

  it('answers a post by id, and null for an unknown one', async () => {
    const post = await create(bob, { title: 'Find me' });
    expect((await stack.query<{ post: PostView }>(POST, { variables: { id: post.id } })).data!.post.title).toBe('Find me');
    expect((await stack.query(POST, { variables: { id: '0123456789abcdef01234567' } })).data).toEqual({ post: null });
  });
});
