import { createTransport } from 'nodemailer';

/** Settings for {@link createMailer}; names match the config variables. */
export interface MailSettings {
  SMTP_URL: string;
  MAIL_FROM: string;
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

/** A pooled nodemailer SMTP transport. */
export function createMailer(settings: MailSettings): Mailer {
  const transport = createTransport(settings.SMTP_URL, { pool: true, maxConnections: 5 } as never);
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
