import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LoadConfig, LoadResult } from '../load/loadgen';

export type { LoadConfig, LoadResult };

const repoRoot = path.resolve(__dirname, '../..');

/**
 * Runs the load generator (bench/load/loadgen.ts) as its own process and returns its result. The callbacks
 * fire when its timed window starts and ends, so the caller can read CPU counters over exactly that window.
 */
export async function runLoad(
  config: LoadConfig,
  window: { onStart?: () => void; onEnd?: () => void } = {},
): Promise<LoadResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'supergraph-load-'));
  const configPath = path.join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/load/loadgen.ts'), configPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('window-start')) window.onStart?.();
      if (text.includes('window-end')) window.onEnd?.();
      stderr += text;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`load generator failed (${code}):\n${stderr.slice(-4_000)}`);
    return JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
