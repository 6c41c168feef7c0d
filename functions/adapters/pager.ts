import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Email, Mailer, Pager } from '../core/ports.js';

/** AWS: one SNS message per page; the topic's subscriptions (the CSR emails) decide who gets it. */
export class SnsPager implements Pager {
  private readonly client = new SNSClient({});

  constructor(private readonly topicArn: string) {}

  async page(_from: string, message: Email): Promise<void> {
    if (!this.topicArn) throw new Error('no pages topic configured (PAGES_TOPIC_ARN)');
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects: ASCII, no line breaks, at most 100 characters.
        Subject: message.subject.replace(/[^\x20-\x7E]/g, '?').slice(0, 100),
        Message: message.text,
      }),
    );
  }
}

/** The twin: a page is an email to the CSR list through the local SES. */
export class MailPager implements Pager {
  constructor(private readonly mailer: Mailer) {}

  async page(from: string, message: Email): Promise<void> {
    await this.mailer.send(from, message);
  }
}
