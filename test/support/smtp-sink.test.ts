import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTransport } from 'nodemailer';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

/** A hand-driven SMTP client over a raw socket, to control exactly when the connection goes away. */
interface RawSmtp {
  socket: Socket;
  /** Everything received and not yet taken by `reply`. */
  unread(): string;
  /** Waits for the next complete reply and checks its code. */
  reply(code: number): Promise<string>;
  command(line: string, code: number): Promise<string>;
}

async function openRawSmtp(port: number): Promise<RawSmtp> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  let buffer = '';
  let onData: (() => void) | undefined;
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    onData?.();
  });
  const reply = (code: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const take = (): void => {
        const last = /^(\d{3}) .*\r\n/m.exec(buffer);
        if (!last) return;
        const text = buffer.slice(0, last.index + last[0].length);
        buffer = buffer.slice(text.length);
        onData = undefined;
        if (last[1] === String(code)) resolve(text);
        else reject(new Error(`expected a ${code} reply, got: ${text.trim()}`));
      };
      onData = take;
      take();
    });
  await once(socket, 'connect');
  await reply(220);
  return {
    socket,
    unread: () => buffer,
    reply,
    command: (line, code) => {
      socket.write(`${line}\r\n`);
      return reply(code);
    },
  };
}

/** Opens a transaction and sends a whole message, final dot included, without reading the answer to it. */
async function sendRawMessage(smtp: RawSmtp, subject: string): Promise<void> {
  await smtp.command('EHLO raw.test', 250);
  await smtp.command('MAIL FROM:<app@example.test>', 250);
  await smtp.command('RCPT TO:<carol@example.test>', 250);
  await smtp.command('DATA', 354);
  const message = [
    'From: app@example.test',
    'To: carol@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${subject}@example.test>`,
    '',
    'raw body',
  ];
  smtp.socket.write(`${message.join('\r\n')}\r\n.\r\n`);
}

describe('smtp sink', () => {
  let sink: SmtpSink;

  afterEach(async () => {
    await sink.close();
    await sink.close();
  });

  it('captures every message sent with nodemailer, headers and text decoded', async () => {
    sink = await startSmtpSink();
    const transport = createTransport(sink.url);
    const first = await transport.sendMail({
      from: 'App <app@example.test>',
      to: 'Alice <alice@example.test>',
      subject: 'Welcome to the shop, this subject is long enough to be folded over several header lines',
      text: 'Hello Alice,\nyour account is ready.\n',
    });
    const link = `https://shop.example.test/reset?token=${'t'.repeat(90)}&user=alice`;
    const second = await transport.sendMail({
      from: 'app@example.test',
      to: ['bob@example.test', '"Carol, C." <carol@example.test>'],
      subject: 'Grüße aus Köln ✓',
      text: `Reset your password:\n${link}\n.a line starting with a dot\n`,
    });
    transport.close();

    expect(sink.messages).toHaveLength(2);
    const [a, b] = sink.messages;
    expect(a).toMatchObject({ from: 'app@example.test', to: ['alice@example.test'], messageId: first.messageId });
    expect(a!.subject).toBe('Welcome to the shop, this subject is long enough to be folded over several header lines');
    expect(a!.raw).toMatch(/^Subject: .*\r\n .*/m);
    expect(a!.text).toBe('Hello Alice,\nyour account is ready.\n');
    expect(b).toMatchObject({
      to: ['bob@example.test', 'carol@example.test'],
      subject: 'Grüße aus Köln ✓',
      messageId: second.messageId,
    });
    expect(b!.text).toBe(`Reset your password:\n${link}\n.a line starting with a dot\n`);
    expect(b!.raw).toContain('quoted-printable');
    expect(b!.receivedAt.getTime()).toBeGreaterThanOrEqual(a!.receivedAt.getTime());
  });

  it('waitFor resolves once count matching messages arrived, and names what arrived when it times out', async () => {
    const seen: string[] = [];
    sink = await startSmtpSink({ onMail: (mail) => seen.push(mail.subject) });
    const forAlice = sink.waitFor((mail) => mail.to.includes('alice@example.test'), { count: 2, timeoutMs: 5_000 });
    const transport = createTransport(sink.url);
    for (const [to, subject] of [
      ['alice@example.test', 'one'],
      ['bob@example.test', 'two'],
      ['alice@example.test', 'three'],
    ]) {
      await transport.sendMail({ from: 'app@example.test', to, subject, text: subject });
    }
    transport.close();

    expect((await forAlice).map((mail) => mail.subject)).toEqual(['one', 'three']);
    expect(seen).toEqual(['one', 'two', 'three']);
    await expect(sink.waitFor((mail) => mail.subject === 'never', { timeoutMs: 200 })).rejects.toThrow(
      /expected 1 matching message\(s\) within 200 ms, got 0; received\n {2}to=alice@example.test subject="one"/,
    );
  });

  it('records a delayed message only once its answer is sent, and keeps the client waiting until then', async () => {
    sink = await startSmtpSink({ delayMs: 1500 });
    const smtp = await openRawSmtp(sink.port);
    const started = Date.now();
    await sendRawMessage(smtp, 'patient');
    await sleep(300);
    expect(sink.messages).toEqual([]);
    await smtp.reply(250);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(sink.messages.map((mail) => [mail.subject, mail.to, mail.text])).toEqual([
      ['patient', ['carol@example.test'], 'raw body\n'],
    ]);
    smtp.socket.destroy();
  });

  it('records nothing when the client is gone before the delayed answer, and keeps working afterwards', async () => {
    sink = await startSmtpSink({ delayMs: 1500 });
    const smtp = await openRawSmtp(sink.port);
    await sendRawMessage(smtp, 'killed');
    await sleep(300);
    expect(smtp.unread()).toBe(''); // the whole message is in, the server is still holding its answer
    smtp.socket.destroy();
    await sleep(1700);
    expect(sink.messages).toEqual([]);

    sink.setDelay(0);
    const transport = createTransport(sink.url);
    const info = await transport.sendMail({
      from: 'app@example.test',
      to: 'dave@example.test',
      subject: 'after',
      text: 'still here',
    });
    transport.close();
    expect(sink.messages.map((mail) => [mail.subject, mail.messageId])).toEqual([['after', info.messageId]]);
  });
});
