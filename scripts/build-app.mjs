#!/usr/bin/env node
// Bundles one app (gateway or a subgraph) into <app>/dist/main.js with esbuild: our own
// workspace libs are inlined, npm packages stay external and load from node_modules.
// Usage: node scripts/build-app.mjs <app dir> [entry...]
// (default entries: src/main.ts, and src/worker.ts when the app has a worker process)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const [appDir, ...entries] = process.argv.slice(2);
if (!appDir) {
  console.error('usage: node scripts/build-app.mjs <app dir> [entry...]');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const external = Object.keys(lock.packages)
  .filter((key) => key.startsWith('node_modules/') && !key.includes('/node_modules/', 1) && !lock.packages[key].link)
  .map((key) => key.slice('node_modules/'.length))
  .flatMap((name) => [name, `${name}/*`]);

const defaults = ['src/main.ts', 'src/worker.ts'].filter((entry) => existsSync(path.join(root, appDir, entry)));
const absoluteEntries = (entries.length > 0 ? entries : defaults).map((entry) => path.join(root, appDir, entry));
await build({
  entryPoints: absoluteEntries,
  outdir: path.join(root, appDir, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'warning',
});
console.log(`built ${appDir}/dist (${absoluteEntries.map((entry) => path.relative(root, entry)).join(', ')})`);
