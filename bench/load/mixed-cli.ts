/**
 * The mixed load against any gateway: `npx tsx bench/load/mixed-cli.ts --url http://127.0.0.1:4000/graphql
 * --clients 20 --seconds 60`. Signs in as the seed's accounts (`npm run seed`: `--users` of them, password
 * `supergraph-seed-1`) unless told otherwise. Prints a table per operation on stderr and the figures as JSON on
 * stdout. Exit code 0 whatever failed (failures are a result), 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { SEED_PASSWORD, seedEmail } from '../../scripts/seed/accounts';
import { createMixedLoad } from './mixed';
import { statsTable } from './mixed-table';

const USAGE =
  'usage: tsx bench/load/mixed-cli.ts --url <gateway graphql url> [--clients 20] [--seconds 60] [--warmup 10] ' +
  '[--users 200] [--password <seed password>] [--same-address]';

function args() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
      clients: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '10' },
      users: { type: 'string', default: '200' },
      password: { type: 'string', default: SEED_PASSWORD },
      'same-address': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const numbers = {
    clients: Number(values.clients),
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
    users: Number(values.users),
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isFinite(value) || value < 0 || (name !== 'warmup' && value === 0))
      throw new Error(`--${name} must be a positive number`);
  }
  return { ...numbers, url: values.url, password: values.password, sameAddress: values['same-address'] };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof args>;
  try {
    options = args();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const emails = Array.from({ length: options.users }, (_, index) => seedEmail(index + 1));
  const load = createMixedLoad({
    url: options.url,
    clients: options.clients,
    accounts: { emails, password: options.password },
    maxDurationMs: (options.warmup + options.seconds + 60) * 1000,
    ...(options.sameAddress ? { distinctAddresses: false } : {}),
  });
  const stop = () => void load.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(
    `mixed load: ${options.clients} clients on ${options.url}, ${options.warmup} s warm-up, then ${options.seconds} s\n`,
  );
  load.start();
  await new Promise((resolve) => setTimeout(resolve, options.warmup * 1000));
  load.reset();
  await Promise.race([new Promise((resolve) => setTimeout(resolve, options.seconds * 1000)), load.done]);
  const stats = await load.stop();
  process.stderr.write(
    `\n${stats.requests} requests in ${stats.seconds.toFixed(1)} s (${stats.requestsPerSecond.toFixed(1)}/s), ` +
      `${stats.failures} failed (${(stats.errorRate * 100).toFixed(2)} %)\n\n${statsTable(stats)}\n`,
  );
  process.stdout.write(`${JSON.stringify(stats)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
