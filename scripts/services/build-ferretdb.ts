import { chmod, cp, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from './paths';
import { findExecutable, runCommand, tailLines } from './run-command';

/** The FerretDB release the project pins. */
export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** Checks that the binary starts and is the pinned version; returns the problem, or undefined when fine. */
export async function ferretDbBinaryProblem(bin: string): Promise<string | undefined> {
  const result = await runCommand(bin, ['--version']).catch((error: Error) => ({ code: -1, stdout: '', output: error.message }));
  if (result.code !== 0) return `\`${bin} --version\` failed: ${tailLines(result.output, 3)}`;
  if (!result.stdout.includes(`version: ${FERRETDB_VERSION}`)) return `${bin} is not FerretDB ${FERRETDB_VERSION}`;
  return undefined;
}

function goBinary(): string {
  const go = findExecutable('go', ['/usr/local/go/bin']);
  if (go === undefined) {
    throw new Error(
      `Go is not installed (no \`go\` on PATH). Install Go 1.22+ (https://go.dev/dl/) so FerretDB ${FERRETDB_VERSION} can be built.`,
    );
  }
  return go;
}

/** Route 1: plain `go install`. Returns why it failed, or undefined on success. */
async function tryGoInstall(go: string, stagingDir: string): Promise<string | undefined> {
  const target = `${FERRETDB_MODULE}/cmd/ferretdb@${FERRETDB_VERSION}`;
  const result = await runCommand(go, ['install', target], { env: { ...process.env, GOBIN: stagingDir } });
  if (result.code !== 0) return tailLines(result.output, 3);
  // The module zip lacks the generated build/version/version.txt, so an installed binary may panic at start.
  return ferretDbBinaryProblem(join(stagingDir, 'ferretdb'));
}

/** `chmod -R u+w`: the module cache is read-only and so is a copy of it. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else if (entry.isFile()) await chmod(path, (await stat(path)).mode | 0o200);
  }
}

async function downloadModule(go: string, workDir: string): Promise<string> {
  await writeFile(join(workDir, 'go.mod'), 'module ferretdb-build\n\ngo 1.22\n');
  const goflags = `${process.env.GOFLAGS ?? ''} -mod=mod`.trim();
  const result = await runCommand(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    cwd: workDir,
    env: { ...process.env, GOFLAGS: goflags },
  });
  let info: { Dir?: unknown; Error?: unknown } = {};
  try {
    info = JSON.parse(result.stdout) as { Dir?: unknown; Error?: unknown };
  } catch {
    // reported below with the command output
  }
  if (typeof info.Dir !== 'string') {
    const reason = typeof info.Error === 'string' ? info.Error : tailLines(result.output, 5);
    throw new Error(`go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed: ${reason}`);
  }
  return info.Dir;
}

/** Route 2: download the module, copy it somewhere writable, add version.txt, `go build`. */
async function buildFromModuleCopy(go: string, output: string): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'ferretdb-build-'));
  try {
    const moduleDir = await downloadModule(go, workDir);
    const source = join(workDir, 'src');
    await cp(moduleDir, source, { recursive: true });
    await makeWritable(source);
    await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const result = await runCommand(go, ['build', '-o', output, './cmd/ferretdb'], { cwd: source });
    if (result.code !== 0) throw new Error(`go build of FerretDB ${FERRETDB_VERSION} failed:\n${tailLines(result.output)}`);
    const problem = await ferretDbBinaryProblem(output);
    if (problem !== undefined) throw new Error(`The FerretDB build does not start: ${problem}`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Builds FerretDB into `targetBin`: tries `go install`, falls back to building a copy of the
 * module source. Builds in a staging folder under `scratchParent` (same filesystem as `targetBin`)
 * and renames at the end, so a half-written or broken binary is never left at `targetBin`.
 */
export async function buildFerretDb(targetBin: string, scratchParent: string): Promise<void> {
  const go = goBinary();
  const stagingDir = await mkdtemp(join(scratchParent, 'tmp-ferretdb-'));
  try {
    const staged = join(stagingDir, 'ferretdb');
    log(`ferretdb: trying \`go install ${FERRETDB_MODULE}/cmd/ferretdb@${FERRETDB_VERSION}\``);
    const installProblem = await tryGoInstall(go, stagingDir);
    if (installProblem === undefined) {
      log('ferretdb: built with `go install`');
    } else {
      log(`ferretdb: \`go install\` did not work (${installProblem.replace(/\n/g, ' | ')})`);
      log('ferretdb: falling back to `go mod download` + a writable copy of the module + `go build` (~60 s)');
      await rm(staged, { force: true });
      await buildFromModuleCopy(go, staged);
      log('ferretdb: built from a copy of the module source');
    }
    await chmod(staged, 0o755);
    await rename(staged, targetBin);
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}
