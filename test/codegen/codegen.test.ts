import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { listSubgraphs } from '@supergraph/registry';

const root = path.resolve(__dirname, '../..');

describe('codegen', () => {
  it('the committed resolver types and client documents are what codegen makes', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'codegen-'));
    try {
      await promisify(execFile)(path.join(root, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts', '--silent'], {
        cwd: root,
        env: { ...process.env, CODEGEN_OUT_DIR: out },
      });
      const files = [
        ...listSubgraphs().map(({ dir }) => `${dir}/src/__generated__/resolvers-types.ts`),
        ...['graphql.ts', 'gql.ts', 'index.ts', 'persisted-documents.json'].map((name) => `schema/client/${name}`),
      ];
      for (const file of files) {
        // If this fails, run `npm run codegen` and commit the generated files.
        expect(readFileSync(path.join(root, file), 'utf8')).toBe(readFileSync(path.join(out, file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
