/**
 * `tsx scripts/mail-sink.ts [--port 1025]`: a local SMTP server for development that accepts every message,
 * prints it (recipients, subject, text body) and keeps it as `.data/mail/<timestamp>-<n>.eml`.
 * Port: `--port`, else SMTP_SINK_PORT, else 1025 (0 = any free port). Stops on SIGINT/SIGTERM.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSmtpSink, type CapturedMail } from '../test/support/smtp-sink';
import { devDataRoot } from './services/paths';

const USAGE = 'usage: tsx scripts/mail-sink.ts [--port <port>]   (default: SMTP_SINK_PORT or 1025)';
const MAX_BODY_LINES = 40;

function parsePort(raw: string, source: string): number {
  const port = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${source} must be a TCP port (0-65535), got "${raw}"`);
  return port;
}

/** The port from `--port <n>` / `--port=<n>`, else SMTP_SINK_PORT, else 1025. */
export function portFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const [flag, value, ...rest] = argv;
  if (flag === undefined) return env.SMTP_SINK_PORT ? parsePort(env.SMTP_SINK_PORT, 'SMTP_SINK_PORT') : 1025;
  if (flag.startsWith('--port=') && value === undefined) return parsePort(flag.slice('--port='.length), '--port');
  if (flag === '--port' && value !== undefined && rest.length === 0) return parsePort(value, '--port');
  throw new Error(USAGE);
}

/** One readable block per message: a `[mail]` line, then the text body indented and cut after 40 lines. */
export function formatMail(mail: CapturedMail): string {
  const lines = mail.text.replace(/\s+$/, '').split('\n');
  const body = lines.slice(0, MAX_BODY_LINES).map((line) => `    ${line}`);
  if (lines.length > MAX_BODY_LINES) body.push(`    … ${lines.length - MAX_BODY_LINES} more line(s)`);
  return [`[mail] to=${mail.to.join(',')} subject=${JSON.stringify(mail.subject)}`, ...body].join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) return void process.stdout.write(`${USAGE}\n`);
  const port = portFromArgs(process.argv.slice(2));
  const mailDir = join(devDataRoot(), 'mail');
  mkdirSync(mailDir, { recursive: true });
  let count = 0;
  const sink = await startSmtpSink({
    port,
    onMail(mail) {
      count += 1;
      const file = join(mailDir, `${mail.receivedAt.toISOString().replace(/[:.]/g, '-')}-${count}.eml`);
      try {
        writeFileSync(file, mail.raw);
      } catch (error) {
        process.stderr.write(`mail sink: cannot write ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      process.stdout.write(`${formatMail(mail)}\n`);
    },
  });
  process.stdout.write(`mail sink listening on ${sink.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`mail sink stopping (${signal}), ${count} message(s) received\n`);
    sink.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`mail sink: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = (error instanceof Error ? error.message : String(error)).replace(/^smtp sink: /, '');
    const hint = message.includes('EADDRINUSE') ? ' (another mail sink running? pick one with --port)' : '';
    process.stderr.write(`mail sink: ${message}${hint}\n`);
    process.exit(1);
  });
}
