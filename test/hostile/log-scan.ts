import { readFileSync } from 'node:fs';
import type { Category } from './hostile-request';

/**
 * Reads what the processes logged during a campaign: ERROR or FATAL lines (ours to fix, since every request
 * was a client's input), lines that are not JSON (printed around the logger, so never redacted), and any line
 * holding a secret.
 */

export interface LoggedProcess {
  name: string;
  logPath: string;
  /** Lines before the campaign started: searched for secrets (set-up sends them too), not for errors. */
  fromLine: number;
}

export interface Secret {
  name: string;
  value: string;
}

export interface LogFindings {
  linesRead: number;
  /** ERROR/FATAL lines, by the category of the request that caused them (`unattributed` without a request id of ours). */
  errors: Map<Category | 'unattributed', { count: number; samples: string[] }>;
  /** Lines that are not JSON. */
  raw: Array<{ process: string; line: string }>;
  /** Lines holding a secret, with the secret masked. */
  secrets: Array<{ process: string; secret: string; line: string }>;
}

const PINO_ERROR = 50;

/** Masks every secret in a line, so a report never prints one. */
function mask(line: string, secrets: readonly Secret[]): string {
  return secrets.reduce((text, secret) => text.split(secret.value).join(`<${secret.name}>`), line);
}

/**
 * Scans each process's whole log for secrets, and from its mark on for errors and raw output; `categoryOf` maps a
 * request id to the campaign category that sent it.
 */
export function scanLogs(
  processes: readonly LoggedProcess[],
  secrets: readonly Secret[],
  categoryOf: (requestId: string) => Category | undefined,
  samples = 3,
): LogFindings {
  const findings: LogFindings = { linesRead: 0, errors: new Map(), raw: [], secrets: [] };
  for (const logged of processes) {
    const lines = readFileSync(logged.logPath, 'utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      findings.linesRead += 1;
      const secret = secrets.find((candidate) => line.includes(candidate.value));
      if (secret) findings.secrets.push({ process: logged.name, secret: secret.name, line: mask(line, secrets).slice(0, 600) });
      if (index < logged.fromLine) continue;
      let entry: { level?: unknown; requestId?: unknown; msg?: unknown; err?: { message?: unknown; type?: unknown } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        findings.raw.push({ process: logged.name, line: mask(line, secrets).slice(0, 300) });
        continue;
      }
      if (typeof entry.level !== 'number' || entry.level < PINO_ERROR) continue;
      const category = (typeof entry.requestId === 'string' && categoryOf(entry.requestId)) || 'unattributed';
      const bucket = findings.errors.get(category) ?? { count: 0, samples: [] };
      bucket.count += 1;
      // The message and the error's, not the whole line: the stack is in the log file.
      const summary = `${logged.name}: level ${entry.level} "${String(entry.msg)}"${entry.err ? `, err ${String(entry.err.type)}: ${String(entry.err.message)}` : ''}${typeof entry.requestId === 'string' ? `, requestId ${entry.requestId}` : ', no requestId'}`;
      if (bucket.samples.length < samples) bucket.samples.push(mask(summary, secrets).slice(0, 400));
      findings.errors.set(category, bucket);
    }
  }
  return findings;
}

/** The findings as a report grouped by category; empty when the logs are clean. */
export function logReport(findings: LogFindings, rawSamples = 5): string {
  const lines: string[] = [];
  for (const [category, bucket] of findings.errors) {
    lines.push(`[${category}] ${bucket.count} ERROR/FATAL log lines`, ...bucket.samples.map((sample) => `    ${sample}`));
  }
  if (findings.secrets.length > 0) {
    lines.push(`${findings.secrets.length} log lines hold a secret:`);
    for (const hit of findings.secrets.slice(0, 10)) lines.push(`    ${hit.process} (${hit.secret}): ${hit.line}`);
  }
  if (findings.raw.length > 0) {
    lines.push(`${findings.raw.length} output lines are not JSON log lines (printed around the logger):`);
    for (const hit of findings.raw.slice(0, rawSamples)) lines.push(`    ${hit.process}: ${hit.line}`);
  }
  return lines.join('\n');
}
