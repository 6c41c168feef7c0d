import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface NotificationsProps {
  /** Sender of every customer email and CSR page. */
  readonly fromEmail: string;
  /** Verify the whole domain of `fromEmail` (DKIM records to publish) instead of the one address. */
  readonly verifyDomain?: boolean;
}

/** The SES identity mail is sent from; send grants are scoped to it. */
export class Notifications extends Construct {
  readonly identity: EmailIdentity;
  /** What SES verifies, and so what every sender must belong to: the address, or its domain. */
  readonly verifiedIdentity: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const domain = props.fromEmail.split('@')[1];
    if (!domain) throw new Error(`fromEmail must be an email address, got "${props.fromEmail}"`);
    this.verifiedIdentity = props.verifyDomain ? domain : props.fromEmail;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: props.verifyDomain ? Identity.domain(domain) : Identity.email(props.fromEmail),
    });
  }
}
