import { startSmtpSink, type SmtpSink } from '../../../test/support/smtp-sink';
import { createMailer } from '../src';

/** The transport is a real pool: connections are reused and bounded, and SMTP_URL can still set them. */
let sink: SmtpSink;

beforeEach(async () => {
  sink = await startSmtpSink({ delayMs: 100 });
});
afterEach(() => sink.close());

const sendMany = async (mailer: ReturnType<typeof createMailer>, count: number) => {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      mailer.send({ to: `user${i}@example.com`, subject: `hello ${i}`, text: 'hi', messageId: `<m${i}@test>` }),
    ),
  );
  mailer.close();
};

it('sends over at most WORKER_CONCURRENCY connections by default', async () => {
  await sendMany(createMailer({ SMTP_URL: sink.url, MAIL_FROM: 'a@example.com', WORKER_CONCURRENCY: 3 }), 12);
  expect(sink.messages).toHaveLength(12);
  expect(sink.peakConnections()).toBe(3);
});

it('takes SMTP_MAX_CONNECTIONS, or the pool settings of SMTP_URL itself', async () => {
  await sendMany(
    createMailer({ SMTP_URL: sink.url, MAIL_FROM: 'a@example.com', SMTP_MAX_CONNECTIONS: 2, WORKER_CONCURRENCY: 9 }),
    8,
  );
  expect(sink.peakConnections()).toBe(2);
  await sink.close();
  sink = await startSmtpSink({ delayMs: 100 });
  await sendMany(
    createMailer({ SMTP_URL: `${sink.url}?maxConnections=4`, MAIL_FROM: 'a@example.com', WORKER_CONCURRENCY: 1 }),
    8,
  );
  expect(sink.messages).toHaveLength(8);
  expect(sink.peakConnections()).toBe(4);
});
