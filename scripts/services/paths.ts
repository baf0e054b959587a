import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cachedRoot: string | undefined;

function isWorkspaceRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'workspaces' in parsed;
  } catch {
    return false;
  }
}

/**
 * The monorepo root: the nearest folder upwards whose package.json declares `workspaces`.
 * Starts from this file when `__dirname` exists (CJS under tsx/jest), else from the cwd.
 */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const start = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let dir = start; ; dir = dirname(dir)) {
    if (isWorkspaceRoot(dir)) return (cachedRoot = dir);
    if (dirname(dir) === dir) {
      throw new Error(`Cannot find the monorepo root (a package.json with "workspaces") above ${start}`);
    }
  }
}

/** `<repo>/.tools`: git-ignored home of locally built tools and their lock files. */
export function toolsDir(): string {
  return join(repoRoot(), '.tools');
}

/** `<repo>/.tools/bin`. */
export function toolsBinDir(): string {
  return join(toolsDir(), 'bin');
}

/** `<repo>/.data`, or `DEV_DATA_DIR` when set (a test's stack): git-ignored data root of the dev stack. */
export function devDataRoot(): string {
  return process.env.DEV_DATA_DIR ? resolve(process.env.DEV_DATA_DIR) : join(repoRoot(), '.data');
}

/** Writes a progress line to stderr so stdout stays clean for callers that parse it. */
export function log(message: string): void {
  process.stderr.write(`[services] ${message}\n`);
}
