import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * One message the sink accepted, i.e. answered the end of its DATA with 250. `from` and `to` are the bare
 * addresses of the `From` and `To` headers (the envelope's when a header is missing); `subject` is decoded;
 * `messageId` is the header as sent, angle brackets included; `text` is the text/plain body (UTF-8) with its
 * transfer encoding undone and line breaks as `\n`; `raw` is the whole message as received.
 */
export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  raw: string;
  receivedAt: Date;
}

export interface SmtpSinkOptions {
  /** 0 = a free port. @defaultValue 0 */
  port?: number;
  /** Delay before answering the end of DATA (simulates a slow SMTP server). @defaultValue 0 */
  delayMs?: number;
  /** Called for every accepted message. */
  onMail?: (mail: CapturedMail) => void;
}

/** A running SMTP server on 127.0.0.1 that accepts every message: no TLS, auth optional and never checked. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Accepted messages, in order. */
  messages: CapturedMail[];
  /** Resolves with the matching messages once `count` (default 1) were accepted, or rejects after `timeoutMs` (default 10 s) listing what did arrive. */
  waitFor(predicate: (mail: CapturedMail) => boolean, options?: { count?: number; timeoutMs?: number }): Promise<CapturedMail[]>;
  /** Sets the answer delay for messages whose DATA ends from now on. */
  setDelay(ms: number): void;
  /** The most SMTP connections that were open at once. */
  peakConnections(): number;
  /** Stops the server; messages still waiting for their answer are refused. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a real SMTP server for tests and development. A message is recorded only when the server answers
 * its DATA with success; when the client went away before that answer, nothing is recorded.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  let delayMs = checkDelay(options.delayMs ?? 0);
  let closing: Promise<void> | undefined;
  const messages: CapturedMail[] = [];
  let open = 0;
  let peak = 0;
  const waiters = new Set<() => void>();
  /** Answers delayed by `delayMs`; calling one answers right away. */
  const pendingAnswers = new Set<() => void>();
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'smtp-sink' }),
    onData: (stream, session, callback) => receive(stream, session, callback),
    onConnect: (_session, callback) => {
      open += 1;
      peak = Math.max(peak, open);
      callback();
    },
    onClose: () => {
      open -= 1;
    },
  });
  /** smtp-server drops a connection from `connections` on its socket's `close`; an ended or destroyed socket cannot get the answer either. */
  function clientConnected(session: SMTPServerSession): boolean {
    const c = [...server.connections].find((connection) => connection.session === session);
    return !!c && !c._closed && !c._closing && !c._socket.destroyed && c._socket.writable && !c._socket.readableEnded;
  }

  function receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    const answer = (): void => {
      if (closing) return callback(new Error('smtp sink is shutting down'));
      if (!clientConnected(session)) return callback(new Error('client disconnected before the answer'));
      const mail = parseMail(Buffer.concat(chunks).toString('utf8'), session);
      messages.push(mail);
      callback();
      for (const check of [...waiters]) check();
      try {
        options.onMail?.(mail);
      } catch (error) {
        console.error('smtp sink: onMail failed:', error);
      }
    };
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', (err: Error) => callback(err));
    stream.once('end', () => {
      if (delayMs <= 0) return answer();
      const now = (): void => {
        clearTimeout(timer);
        pendingAnswers.delete(now);
        answer();
      };
      const timer = setTimeout(now, delayMs);
      pendingAnswers.add(now);
    });
  }
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (server.server.listening && !['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(err.code ?? ''))
      console.error(`smtp sink: ${err.message}`);
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening').catch((err: Error) => {
    throw new Error(`smtp sink: cannot listen on 127.0.0.1:${options.port ?? 0}: ${err.message}`);
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitFor: (predicate, { count = 1, timeoutMs = 10_000 } = {}) =>
      new Promise<CapturedMail[]>((resolve, reject) => {
        const settle = (err: Error | undefined, found: CapturedMail[] = []): void => {
          clearTimeout(timer);
          waiters.delete(check);
          return err ? reject(err) : resolve(found);
        };
        const check = (): void => {
          if (closing) return settle(new Error('smtp sink: closed while waiting for messages'));
          try {
            const matching = messages.filter(predicate);
            if (matching.length >= count) settle(undefined, matching);
          } catch (error) {
            settle(error instanceof Error ? error : new Error(String(error)));
          }
        };
        const timer = setTimeout(() => {
          const seen = messages.map((m) => `\n  to=${m.to.join(',')} subject=${JSON.stringify(m.subject)}`).join('') || ' none';
          settle(
            new Error(
              `smtp sink: expected ${count} matching message(s) within ${timeoutMs} ms, got ${messages.filter(predicate).length}; received${seen}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    peakConnections: () => peak,
    setDelay(ms) {
      delayMs = checkDelay(ms);
    },
    close() {
      if (closing) return closing;
      closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const check of [...waiters]) check();
      for (const answerNow of [...pendingAnswers]) answerNow();
      return closing;
    },
  };
}

function checkDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`smtp sink: the delay must be a non-negative number of ms, got ${ms}`);
  return ms;
}

function parseMail(raw: string, session: SMTPServerSession): CapturedMail {
  const { headers, body } = splitMessage(raw);
  const to = addresses(headers.get('to') ?? '');
  return {
    from: addresses(headers.get('from') ?? '')[0] ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
    to: to.length > 0 ? to : session.envelope.rcptTo.map((r) => r.address),
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    text: textBody(headers, body).replace(/\r\n/g, '\n'),
    raw,
    receivedAt: new Date(),
  };
}

/** Splits a message (or MIME part) into unfolded headers (lower-case names, the first one wins) and body. */
function splitMessage(raw: string): { headers: Map<string, string>; body: string } {
  const blank = /\r?\n\r?\n/.exec(raw);
  const headers = new Map<string, string>();
  for (const line of (blank ? raw.slice(0, blank.index) : raw).replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: blank ? raw.slice(blank.index + blank[0].length) : '' };
}

function addresses(value: string): string[] {
  return (
    decodeWords(value)
      .replace(/"(?:[^"\\]|\\.)*"/g, '')
      .match(/[^\s<>",;:()]+@[^\s<>",;:()]+/g) ?? []
  );
}

/** The first text/plain body, looking into multipart bodies. */
function textBody(headers: Map<string, string>, body: string): string {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const parts = body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'));
    for (const part of parts.map((raw) => splitMessage(raw.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, '')))) {
      const text = /^(text\/plain|multipart\/)/i.test(part.headers.get('content-type') ?? 'text/plain')
        ? textBody(part.headers, part.body)
        : '';
      if (text) return text;
    }
    return '';
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  return encoding === 'quoted-printable' ? decodeQuotedPrintable(body).toString('utf8') : body;
}

/** Decodes RFC 2047 encoded words (`=?utf-8?Q?...?=`, `=?utf-8?B?...?=`, assumed UTF-8), joining adjacent ones. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?[^?]+\?([bq])\?([^?]*)\?=/gi, (_word, kind: string, text: string) =>
      (kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '))).toString(
        'utf8',
      ),
    );
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, ''), 'utf8').toString('latin1');
  return Buffer.from(
    bytes.replace(/=([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}
