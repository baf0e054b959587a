import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanups } from './lib/cleanup';
import { gitRevision, machineInfo, type MachineInfo } from './lib/machine';
import { table } from './lib/markdown';
import type { ScenarioResult } from './lib/types';
import { scenarios } from './scenarios';

/**
 * The benchmark runner: `npm run bench` runs every scenario, `-- --quick` with smaller sizes, `-- --only <name>`
 * one of them. A full run of every scenario writes bench/results/<YYYY-MM-DD>.md (UTC date), .json and the charts
 * in <YYYY-MM-DD>/, and copies the .md to latest.md; a quick or partial run writes <YYYY-MM-DD>-quick[-<name>].*
 * instead, so it never replaces the figures of a full run.
 * Exit code 1 only when a scenario could not run to the end; a missed goal is a result, written in the file.
 */

const repoRoot = path.resolve(__dirname, '..');
const resultsDir = path.join(__dirname, 'results');
const log = (line: string) => process.stderr.write(`${line}\n`);

function usage(): string {
  return `usage: npm run bench [-- --quick] [-- --only <${scenarios.map((scenario) => scenario.name).join('|')}>]`;
}

function options(): { quick: boolean; only: string | undefined } {
  try {
    const { values } = parseArgs({
      options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      console.log(usage());
      process.exit(0);
    }
    return { quick: values.quick ?? false, only: values.only };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage()}`);
    process.exit(2);
  }
}

type Outcome = { name: string; title: string; requirement: string; seconds: number } & (
  { ok: true; result: ScenarioResult } | { ok: false; error: string }
);

function renderMarkdown(
  date: string,
  run: { startedAt: string; finishedAt: string; quick: boolean; only: string | undefined },
  machine: MachineInfo,
  endLoad: number[],
  outcomes: Outcome[],
): string {
  const git = gitRevision(repoRoot);
  const machineLine = `${machine.cpuModel} × ${machine.cpuCount}, ${(machine.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB, Node ${machine.node}, ${machine.os}`;
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  const lines = [
    `# Benchmark results, ${date}`,
    '',
    `Run ${run.startedAt} to ${run.finishedAt} (UTC), ${run.quick ? '**quick** sizes (`--quick`): a smoke test, noisier than a full run' : 'full sizes'}` +
      `${run.only ? `, only \`${run.only}\`` : ', every scenario'}` +
      `${git ? `, commit \`${git.commit.slice(0, 12)}\`${git.dirty ? ' with uncommitted changes' : ''}` : ''}.`,
    'Every ratio compares figures measured in this same run, on this machine; absolute figures from different machines or days are not comparable.',
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${machine.cpuModel} × ${machine.cpuCount}`],
        ['memory', gib(machine.totalMemoryBytes)],
        ['Node', machine.node],
        ['OS', machine.os],
        ['load average (1/5/15 min) at start', machine.loadAverage.join(' / ')],
        ['load average (1/5/15 min) at end', endLoad.join(' / ')],
      ],
      ['l', 'l'],
    ),
    '',
  ];
  for (const outcome of outcomes) {
    lines.push(
      `## ${outcome.name}: ${outcome.title}`,
      '',
      `**Requirement:** ${outcome.requirement}`,
      '',
      `**Machine:** ${machineLine}.`,
      '',
    );
    if (!outcome.ok) {
      lines.push(
        `**THE BENCHMARK FAILED** after ${outcome.seconds.toFixed(0)} s, so there are no figures:`,
        '',
        '```',
        outcome.error,
        '```',
        '',
      );
      continue;
    }
    if (outcome.result.problems.length > 0) {
      lines.push(
        '> [!WARNING]',
        '> **Problems found in this run:**',
        ...outcome.result.problems.map((problem) => `> - ${problem}`),
        '',
      );
    }
    lines.push(outcome.result.markdown, '', `(${outcome.seconds.toFixed(0)} s for the whole scenario, setup included.)`, '');
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { quick, only } = options();
  const selected = only ? scenarios.filter((scenario) => scenario.name === only) : scenarios;
  if (selected.length === 0) {
    console.error(`no scenario named "${only}"\n${usage()}`);
    return 2;
  }

  const cleanups = new Cleanups();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping everything the benchmark started...`);
    void cleanups.runAll(log).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const machine = machineInfo();
  const startedAt = new Date();
  const date = startedAt.toISOString().slice(0, 10);
  const complete = !quick && !only;
  const stem = [date, ...(quick ? ['quick'] : []), ...(only ? [only] : [])].join('-');
  const chartsDir = path.join(resultsDir, stem);
  await rm(chartsDir, { recursive: true, force: true });
  const outcomes: Outcome[] = [];
  for (const scenario of selected) {
    log(`== ${scenario.name}${quick ? ' (quick)' : ''}`);
    const started = performance.now();
    const base = { name: scenario.name, title: scenario.title, requirement: scenario.requirement };
    try {
      const saveChart = async (name: string, svg: string) => {
        const file = `${scenario.name}-${name}.svg`;
        await mkdir(chartsDir, { recursive: true });
        await writeFile(path.join(chartsDir, file), svg);
        return `![${scenario.name}: ${name}](${stem}/${file})`;
      };
      const result = await scenario.run({ quick, cleanups, log, saveChart });
      outcomes.push({ ...base, ok: true, result, seconds: (performance.now() - started) / 1000 });
    } catch (error) {
      outcomes.push({
        ...base,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        seconds: (performance.now() - started) / 1000,
      });
    } finally {
      log(`== ${scenario.name}: stopping what it started`);
      await cleanups.runAll(log);
    }
    if (interrupted) return 130;
  }
  const finishedAt = new Date();

  const run = { startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), quick, only };
  await mkdir(resultsDir, { recursive: true });
  const mdPath = path.join(resultsDir, `${stem}.md`);
  const jsonPath = path.join(resultsDir, `${stem}.json`);
  const endLoad = machineInfo().loadAverage;
  await writeFile(mdPath, renderMarkdown(date, run, machine, endLoad, outcomes));
  if (complete) await copyFile(mdPath, path.join(resultsDir, 'latest.md'));
  const raw = {
    ...run,
    git: gitRevision(repoRoot) ?? null,
    machine: { ...machine, loadAverageAtEnd: endLoad },
    scenarios: Object.fromEntries(
      outcomes.map((outcome) => [
        outcome.name,
        outcome.ok
          ? {
              ok: true,
              seconds: outcome.seconds,
              verdict: outcome.result.verdict,
              problems: outcome.result.problems,
              ...(outcome.result.raw as object),
            }
          : { ok: false, seconds: outcome.seconds, error: outcome.error },
      ]),
    ),
  };
  await writeFile(jsonPath, `${JSON.stringify(raw, null, 2)}\n`);

  console.log(`\nBenchmark (${quick ? 'quick' : 'full'}) on ${machine.cpuModel} × ${machine.cpuCount}, Node ${machine.node}`);
  for (const outcome of outcomes) {
    console.log(`\n${outcome.name}: ${outcome.ok ? outcome.result.verdict.text : 'FAILED'}`);
    if (!outcome.ok) console.log(`  ${outcome.error.split('\n')[0]}`);
    else {
      for (const line of outcome.result.summary) console.log(`  ${line}`);
      for (const problem of outcome.result.problems) console.log(`  !! PROBLEM: ${problem}`);
    }
  }
  console.log(
    `\nwrote ${path.relative(repoRoot, mdPath)} and ${path.relative(repoRoot, jsonPath)}` +
      (complete ? ' and bench/results/latest.md' : ' (a quick or partial run: latest.md keeps the last full run)'),
  );
  return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
