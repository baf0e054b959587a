import type { CapturedMail, SmtpSink } from '../support/smtp-sink';

/** Waits for exactly one mail matching `predicate`, then checks no second one follows. */
export async function exactlyOne(
  sink: SmtpSink,
  predicate: (mail: CapturedMail) => boolean,
  settleMs = 1_500,
): Promise<CapturedMail> {
  const [mail] = await sink.waitFor(predicate, { count: 1, timeoutMs: 20_000 });
  // Long enough for retries, a relay sweep (300 ms in tests) and stalled-job recovery to show up.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const all = sink.messages.filter(predicate);
  if (all.length !== 1) throw new Error(`expected exactly one mail, got ${all.length}: ${all.map((m) => m.subject).join(', ')}`);
  return mail!;
}

/** The token a verification or reset email carries. */
export function tokenIn(mail: CapturedMail): string {
  const match = /token: (\S+)/.exec(mail.text);
  if (!match) throw new Error(`no token in mail: ${mail.text}`);
  return match[1]!;
}
