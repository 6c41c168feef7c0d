import { Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { cardSecurityEnv, type PaymentGatewayName, paymentEnv, paymentGateways } from '../../contract/environment.js';

export const isPaymentGateway = (value: unknown): value is PaymentGatewayName => paymentGateways.includes(value as PaymentGatewayName);

export interface PaymentSecretsProps {
  readonly gateway: PaymentGatewayName;
}

/**
 * The secrets of taking cards: the gateway's credentials (created empty, filled in by the
 * merchant: see README "Deploy to AWS") and the key of PAN and idempotency fingerprints
 * (generated). Each is readable only by the functions granted it here.
 */
export class PaymentSecrets extends Construct {
  readonly gateway: PaymentGatewayName;
  readonly gatewayCredentials: Secret;
  readonly fingerprintKey: Secret;

  constructor(scope: Construct, id: string, props: PaymentSecretsProps) {
    super(scope, id);
    this.gateway = props.gateway;
    this.gatewayCredentials = new Secret(this, 'GatewayCredentials', {
      description: `Credentials of the ${props.gateway} payment gateway, as JSON (see README: Deploy to AWS)`,
    });
    Validations.of(this.gatewayCredentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: "The gateway issues these credentials: they are rotated in the gateway's dashboard and then put here, which Secrets Manager rotation cannot do.",
    });
    this.fingerprintKey = new Secret(this, 'FingerprintKey', {
      description: 'HMAC-SHA256 key of card and idempotency fingerprints (SPEC §12)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.fingerprintKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Every stored fingerprint (idempotency records, decline counters) is keyed with it: a rotation is a planned change after the 24 h those live, not a schedule.',
    });
  }

  /** Which gateway, and where its credentials are: for code that builds the gateway adapter. */
  get gatewayEnvironment(): Record<string, string> {
    return { [paymentEnv.gateway]: this.gateway, [paymentEnv.secretArn]: this.gatewayCredentials.secretArn };
  }

  get fingerprintEnvironment(): Record<string, string> {
    return { [cardSecurityEnv.fingerprintSecretArn]: this.fingerprintKey.secretArn };
  }

  /** For functions that call the gateway (read through the secrets extension). */
  grantGateway(fn: IGrantable): void {
    this.gatewayCredentials.grantRead(fn);
  }

  /** For functions that fingerprint cards or requests (read through the secrets extension). */
  grantFingerprint(fn: IGrantable): void {
    this.fingerprintKey.grantRead(fn);
  }
}
