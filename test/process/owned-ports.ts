import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tryFileLock } from '../../scripts/services/file-lock';

/**
 * Ports a test owns for processes it does not start itself (a launcher's children), which it can
 * only name by number. A port picked by binding 0 and released is in the kernel's ephemeral
 * range, where any connect() or listen(0) may take it before a child listens (or while it
 * restarts): flaky. These come from below that range, where nothing is handed out by chance, in
 * blocks that a lock file in the temp folder gives to one test process at a time.
 */
export interface OwnedPorts {
  ports: number[];
  /** Gives the block back. Safe to call twice. */
  release(): Promise<void>;
}

const BLOCK = 16;
const FIRST = 15_000;
/** Stays below the dev stack's 27017 (its other ports are below FIRST). */
const LAST = 26_999;
const lockDir = path.join(tmpdir(), 'supergraph-owned-ports');

function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && Number.isInteger(low) ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A block of `count` (at most 16) ports below the ephemeral range that this test process alone uses. */
export async function ownPorts(count: number): Promise<OwnedPorts> {
  if (count > BLOCK) throw new RangeError(`at most ${BLOCK} ports per block, asked for ${count}`);
  const last = Math.min(LAST, ephemeralStart() - 1);
  const blocks = Math.floor((last - FIRST + 1) / BLOCK);
  // Start at a block that depends on our pid, so parallel test processes rarely try the same ones.
  for (let i = 0; i < blocks; i += 1) {
    const base = FIRST + ((process.pid + i) % blocks) * BLOCK;
    const release = await tryFileLock(path.join(lockDir, `${base}.lock`));
    if (release === undefined) continue;
    const ports = Array.from({ length: count }, (_, index) => base + index);
    // Something outside the tests (a service of the machine) may use a port of the block: skip it.
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return { ports, release };
    await release();
  }
  throw new Error(`no free block of ${count} ports between ${FIRST} and ${last}`);
}
