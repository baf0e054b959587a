import type { TestStack } from './stack';

let counter = 0;

export interface SignedUpUser {
  userId: string;
  token: string;
  email: string;
}

/** Registers a new user through the gateway and returns its access token. */
export async function signUp(stack: TestStack, name = 'Tester'): Promise<SignedUpUser> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${process.pid}-${Date.now()}-${counter++}@example.com`;
  const result = await stack.query<{ register: { accessToken: string; user: { id: string } } }>(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
    { variables: { input: { email, password: 'correct horse 42', name } } },
  );
  if (!result.data) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  return { userId: result.data.register.user.id, token: result.data.register.accessToken, email };
}
