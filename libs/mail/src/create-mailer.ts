import { createTransport } from 'nodemailer';

/** Settings for {@link createMailer}; names match the config variables. */
export interface MailSettings {
  SMTP_URL: string;
  MAIL_FROM: string;
  /** Pooled SMTP connections; unset: one per job the worker runs at once (WORKER_CONCURRENCY). */
  SMTP_MAX_CONNECTIONS?: number | undefined;
  WORKER_CONCURRENCY?: number | undefined;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID (derived from the event), so a receiver can recognise a repeat. */
  messageId: string;
}

export interface Mailer {
  /** Sends over SMTP; resolves once the server accepted the message. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * A pooled nodemailer SMTP transport. Given a URL, nodemailer takes its options from the URL's
 * query alone (a second argument would be message defaults), so the pool settings go there,
 * unless SMTP_URL already sets them.
 */
export function createMailer(settings: MailSettings): Mailer {
  const url = new URL(settings.SMTP_URL);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) {
    url.searchParams.set('maxConnections', String(settings.SMTP_MAX_CONNECTIONS ?? settings.WORKER_CONCURRENCY ?? 5));
  }
  const transport = createTransport(url.toString());
  return {
    async send(message) {
      await transport.sendMail({
        from: settings.MAIL_FROM,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
      });
    },
    close: () => transport.close(),
  };
}
