/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Feed($first: Int, $after: String) {\n  feed(first: $first, after: $after) {\n    id\n    title\n    tags\n    cursor\n    createdAt\n    author {\n      id\n      name\n    }\n  }\n}\n\nquery TrendingTags {\n  trendingTags(limit: 10) {\n    tag\n    count\n  }\n}\n\nmutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    title\n  }\n}": typeof types.FeedDocument,
    "mutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}\n\nquery Me {\n  me {\n    id\n    name\n    email\n    emailVerified\n  }\n}": typeof types.RegisterDocument,
    "query Products($first: Int, $after: ID) {\n  products(first: $first, after: $after) {\n    id\n    name\n    priceCents\n    currency\n    stock\n  }\n}\n\nquery MyCart {\n  me {\n    id\n    cart {\n      itemCount\n      subtotalCents\n      currency\n      items {\n        quantity\n        product {\n          id\n          name\n          priceCents\n        }\n      }\n    }\n    orders {\n      id\n      totalCents\n      currency\n      createdAt\n    }\n  }\n}\n\nmutation AddToCart($productId: ID!, $quantity: Int!) {\n  addToCart(productId: $productId, quantity: $quantity) {\n    itemCount\n    subtotalCents\n  }\n}\n\nmutation Checkout($idempotencyKey: String!) {\n  checkout(idempotencyKey: $idempotencyKey) {\n    id\n    totalCents\n    status\n  }\n}": typeof types.ProductsDocument,
};
const documents: Documents = {
    "query Feed($first: Int, $after: String) {\n  feed(first: $first, after: $after) {\n    id\n    title\n    tags\n    cursor\n    createdAt\n    author {\n      id\n      name\n    }\n  }\n}\n\nquery TrendingTags {\n  trendingTags(limit: 10) {\n    tag\n    count\n  }\n}\n\nmutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    title\n  }\n}": types.FeedDocument,
    "mutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}\n\nquery Me {\n  me {\n    id\n    name\n    email\n    emailVerified\n  }\n}": types.RegisterDocument,
    "query Products($first: Int, $after: ID) {\n  products(first: $first, after: $after) {\n    id\n    name\n    priceCents\n    currency\n    stock\n  }\n}\n\nquery MyCart {\n  me {\n    id\n    cart {\n      itemCount\n      subtotalCents\n      currency\n      items {\n        quantity\n        product {\n          id\n          name\n          priceCents\n        }\n      }\n    }\n    orders {\n      id\n      totalCents\n      currency\n      createdAt\n    }\n  }\n}\n\nmutation AddToCart($productId: ID!, $quantity: Int!) {\n  addToCart(productId: $productId, quantity: $quantity) {\n    itemCount\n    subtotalCents\n  }\n}\n\nmutation Checkout($idempotencyKey: String!) {\n  checkout(idempotencyKey: $idempotencyKey) {\n    id\n    totalCents\n    status\n  }\n}": types.ProductsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Feed($first: Int, $after: String) {\n  feed(first: $first, after: $after) {\n    id\n    title\n    tags\n    cursor\n    createdAt\n    author {\n      id\n      name\n    }\n  }\n}\n\nquery TrendingTags {\n  trendingTags(limit: 10) {\n    tag\n    count\n  }\n}\n\nmutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    title\n  }\n}"): (typeof documents)["query Feed($first: Int, $after: String) {\n  feed(first: $first, after: $after) {\n    id\n    title\n    tags\n    cursor\n    createdAt\n    author {\n      id\n      name\n    }\n  }\n}\n\nquery TrendingTags {\n  trendingTags(limit: 10) {\n    tag\n    count\n  }\n}\n\nmutation CreatePost($input: CreatePostInput!) {\n  createPost(input: $input) {\n    id\n    title\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}\n\nquery Me {\n  me {\n    id\n    name\n    email\n    emailVerified\n  }\n}"): (typeof documents)["mutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      id\n      name\n    }\n  }\n}\n\nmutation Refresh($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    accessToken\n    refreshToken\n    expiresIn\n  }\n}\n\nquery Me {\n  me {\n    id\n    name\n    email\n    emailVerified\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Products($first: Int, $after: ID) {\n  products(first: $first, after: $after) {\n    id\n    name\n    priceCents\n    currency\n    stock\n  }\n}\n\nquery MyCart {\n  me {\n    id\n    cart {\n      itemCount\n      subtotalCents\n      currency\n      items {\n        quantity\n        product {\n          id\n          name\n          priceCents\n        }\n      }\n    }\n    orders {\n      id\n      totalCents\n      currency\n      createdAt\n    }\n  }\n}\n\nmutation AddToCart($productId: ID!, $quantity: Int!) {\n  addToCart(productId: $productId, quantity: $quantity) {\n    itemCount\n    subtotalCents\n  }\n}\n\nmutation Checkout($idempotencyKey: String!) {\n  checkout(idempotencyKey: $idempotencyKey) {\n    id\n    totalCents\n    status\n  }\n}"): (typeof documents)["query Products($first: Int, $after: ID) {\n  products(first: $first, after: $after) {\n    id\n    name\n    priceCents\n    currency\n    stock\n  }\n}\n\nquery MyCart {\n  me {\n    id\n    cart {\n      itemCount\n      subtotalCents\n      currency\n      items {\n        quantity\n        product {\n          id\n          name\n          priceCents\n        }\n      }\n    }\n    orders {\n      id\n      totalCents\n      currency\n      createdAt\n    }\n  }\n}\n\nmutation AddToCart($productId: ID!, $quantity: Int!) {\n  addToCart(productId: $productId, quantity: $quantity) {\n    itemCount\n    subtotalCents\n  }\n}\n\nmutation Checkout($idempotencyKey: String!) {\n  checkout(idempotencyKey: $idempotencyKey) {\n    id\n    totalCents\n    status\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;