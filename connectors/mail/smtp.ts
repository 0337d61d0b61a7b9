import { createTransport, type Transporter } from 'nodemailer';
import type { AlertMailer } from '../../core/alerts/alerts';

/**
 * Alert emails through the mail server SMTP_URL names (smtp://user:pass@host:port; smtps:// for TLS
 * from the start). The URL holds a password: it is handed to nodemailer and never logged or echoed
 * (nodemailer's own logger is off unless the URL asks for it, and its errors name the server's answer, not the credentials).
 */
export class SmtpAlertMailer implements AlertMailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = createTransport(smtpUrl);
  }

  async send(message: { to: string; subject: string; text: string }): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.transport.close();
  }
}
