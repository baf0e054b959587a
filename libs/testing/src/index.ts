export { TEST_SECRETS, testEnv } from './test-env';
export { graphql, errorCodes, type GraphQLCallOptions, type GraphQLResult } from './graphql-client';
