/** Password of every seeded account, so people and benchmarks can sign in as any of them. */
export const SEED_PASSWORD = 'supergraph-seed-1';
/** Emails of seeded accounts: `seed-user-<n>@example.com`, n from 1; the first is an admin. */
export const seedEmail = (n: number) => `seed-user-${n}@example.com`;
