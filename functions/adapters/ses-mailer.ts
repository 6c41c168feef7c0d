import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { Email, Mailer } from '../core/ports.js';

/** SES in AWS; `SES_ENDPOINT` points at the SES-compatible local server in the twin. */
export class SesMailer implements Mailer {
  private readonly client: SESClient;

  constructor(endpoint = process.env.SES_ENDPOINT) {
    this.client = new SESClient(endpoint ? { endpoint } : {});
  }

  async send(from: string, email: Email): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        Source: from,
        Destination: { ToAddresses: [...email.to] },
        Message: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      }),
    );
  }
}
