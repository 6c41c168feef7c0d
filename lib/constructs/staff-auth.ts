import { Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CognitoUserPoolsAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { staffGroups } from '../../functions/core/admin/staff.js';
import { staffTokenEnv } from '../../contract/environment.js';

const groupDescriptions: Record<(typeof staffGroups)[number], string> = {
  admin: 'Back-office admins: everything, including card reveal, settings, products and recorded orders',
  csr: 'Customer service: orders, actions, notes and reports; no card reveal, settings or products',
};

export interface StaffAuthProps {
  /** Where the dashboard is served: managed login returns there after sign-in and sign-out. */
  readonly dashboardUrl: string;
  /**
   * Prefix of the sign-in domain `<prefix>.auth.<region>.amazoncognito.com`, unique per region.
   * Default: the stack name and the first part of the stack's id, random per stack.
   */
  readonly domainPrefix?: string;
}

/**
 * Staff sign-in for the dashboard (SPEC §5.2): a Cognito user pool with the groups `admin` and
 * `csr`, and the authorizer that guards every staff route. Staff can see card data, so the pool
 * follows PCI DSS v4 §8: no self sign-up, MFA (TOTP) required for everyone, passwords of 14+
 * characters of every class and not one of the last 4, and Cognito's threat protection.
 * Staff sign in on Cognito's managed login pages (which also enrol the authenticator app on
 * first sign-in); the dashboard takes the result with the authorization code grant and PKCE.
 */
export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  /** The managed login domain: the dashboard sends staff there to sign in and out. */
  readonly domain: UserPoolDomain;
  /** The dashboard's app client: its id is the `aud` of the ID tokens the staff APIs accept. */
  readonly dashboardClient: UserPoolClient;
  readonly authorizer: CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
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
    this.domain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? defaultDomainPrefix(Stack.of(this)) },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.dashboardClient = this.userPool.addClient('Dashboard', {
      // A browser keeps no secret: a public client, whose code grant the dashboard binds with PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [props.dashboardUrl],
        logoutUrls: [props.dashboardUrl],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    // Managed login shows an app client's pages only once the client has a style: Cognito's own.
    new CfnManagedLoginBranding(this, 'SignInStyle', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.dashboardClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [this.userPool] });
  }

  /** What the staff functions need to verify tokens themselves (functions/http/auth.ts). */
  get tokenEnvironment(): Record<string, string> {
    return { [staffTokenEnv.issuer]: this.userPool.userPoolProviderUrl, [staffTokenEnv.audience]: this.dashboardClient.userPoolClientId };
  }
}

/**
 * `<stack name>-<8 hex digits>`: prefixes are global per region, so a stack name alone may be
 * taken; the digits are the start of the stack's id (`arn:…:stack/<name>/<uuid>`), random per stack.
 */
const defaultDomainPrefix = (stack: Stack): string =>
  Fn.join('-', [stack.stackName.toLowerCase().slice(0, 54), Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))]);
