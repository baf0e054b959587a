#!/usr/bin/env node
// `npm run dev`: installs npm dependencies when they are missing or stale, then runs the dev
// launcher (scripts/dev.ts). Plain Node on purpose: it must run before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules/.package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  // `npm install`, not `npm ci`: it keeps the lock's versions, and tolerates a registry that lacks
  // other platforms' optional binaries (the lock then cannot list them, and `npm ci` refuses it).
  console.log('[dev] installing npm dependencies (npm install)...');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// Node with tsx's loader, not tsx's CLI: the CLI SIGKILLs a child that takes over 60 ms to
// acknowledge a signal (as the launcher does while it composes), which would orphan everything.
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/dev.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// The launcher handles Ctrl-C itself (the terminal signals the whole foreground group), and a
// closed terminal (SIGHUP) like a stop.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
