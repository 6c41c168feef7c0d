import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CognitoUserPoolsAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { AccountRecovery, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { staffGroups } from '../../functions/core/admin/staff.js';

const groupDescriptions: Record<(typeof staffGroups)[number], string> = {
  admin: 'Back-office admins: everything, including card reveal, settings, products and recorded orders',
  csr: 'Customer service: orders, actions, notes and reports; no card reveal, settings or products',
};

/**
 * Staff sign-in for the dashboard (SPEC §5.2): a Cognito user pool with the groups `admin` and
 * `csr`, and the authorizer that guards every staff route. Staff can see card data, so the pool
 * follows PCI DSS v4 §8: no self sign-up, MFA (TOTP) required for everyone, passwords of 14+
 * characters of every class and not one of the last 4, and Cognito's threat protection.
 */
export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  /** The dashboard's app client: its id is the `aud` of the ID tokens the staff APIs accept. */
  readonly dashboardClient: UserPoolClient;
  readonly authorizer: CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 4,
        tempPasswordValidity: Duration.days(1),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of staffGroups) {
      this.userPool.addGroup(`${group}Group`, { groupName: group, description: groupDescriptions[group] });
    }
    this.dashboardClient = this.userPool.addClient('Dashboard', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [this.userPool] });
  }

  /** What the staff functions need to verify tokens themselves (functions/http/auth.ts). */
  get tokenEnvironment(): Record<string, string> {
    return { STAFF_TOKEN_ISSUER: this.userPool.userPoolProviderUrl, STAFF_TOKEN_AUDIENCE: this.dashboardClient.userPoolClientId };
  }
}
