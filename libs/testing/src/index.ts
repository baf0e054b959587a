export { TEST_SECRETS, testEnv, type TestEnv } from './test-env';
export { graphql, errorCodes, type GraphQLCallOptions, type GraphQLResult } from './graphql-client';
export { eventually, type EventuallyOptions } from './eventually';
