import { Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  type IAuthorizer,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type MethodOptions,
  RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { type RouteDefinition, type RouteTarget, routes } from '../../contract/routes.js';

export interface OrdersApiProps {
  readonly storefront: IFunction;
  /** Serves the admin routes; until it exists they are not deployed. */
  readonly admin?: IFunction;
  /** Serves card reveal, the one staff route allowed to decrypt cards. */
  readonly cardReveal?: IFunction;
  /** Guards `staff` routes (Cognito user pool); required once a staff route is deployed. */
  readonly authorizer?: IAuthorizer;
}

/** Requests per second per stage; a small store's whole traffic with headroom. */
const stageRateLimit = 50;
const stageBurstLimit = 100;
/** WAF blocks an IP above this many requests in any 5 minutes. */
const requestsPerIpPer5Minutes = 1000;
/**
 * Card submissions (`POST /checkout`, `POST /orders/{id}/payment`) per IP in 5 minutes: a
 * shopper needs a handful; card testing needs hundreds (SPEC §12, with the decline counters).
 */
const cardSubmissionsPerIpPer5Minutes = 100;
/** The card-submitting routes as WAF sees the path (the stage name first, e.g. `/v1/checkout`). */
const cardSubmissionPath = '/(checkout|orders/[^/]+/payment)$';

const errorEnvelope = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/**
 * Answers API Gateway produces itself, rewritten into the SPEC §5 error envelope so that
 * clients see one error shape whether the gateway or a handler rejected the request.
 */
const gatewayErrors = [
  { type: ResponseType.THROTTLED, status: '429', code: 'rate_limited', message: 'Too many requests, slow down.' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: '404', code: 'not_found', message: 'No such route.' },
  { type: ResponseType.UNAUTHORIZED, status: '401', code: 'unauthorized', message: 'Sign in to continue.' },
  { type: ResponseType.ACCESS_DENIED, status: '403', code: 'forbidden', message: 'You may not do that.' },
  { type: ResponseType.WAF_FILTERED, status: '403', code: 'forbidden', message: 'The request was blocked.' },
  { type: ResponseType.REQUEST_TOO_LARGE, status: '413', code: 'payload_too_large', message: 'The request body is too large.' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: '400', code: 'validation_failed', message: 'Required request parameters are missing.' },
  { type: ResponseType.BAD_REQUEST_BODY, status: '400', code: 'validation_failed', message: 'The request body is invalid.' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, status: '415', code: 'unsupported_media_type', message: 'Send application/json.' },
  { type: ResponseType.DEFAULT_5XX, status: undefined, code: 'internal', message: 'Something went wrong on our side.' },
];

/**
 * The REST API, generated from the shared route table (contract/routes.ts) with a Lambda proxy
 * integration per target. Stage: access logs, execution error logs without request data
 * (bodies carry card numbers), X-Ray, throttling, and a WAF web ACL.
 */
export class OrdersApi extends Construct {
  readonly restApi: RestApi;
  /**
   * The stage's name as a plain string. `restApi.deploymentStage.stageName` is a reference to the
   * stage, which depends on every method and so on the functions behind them: whatever the
   * functions depend on (the dashboard's distribution) must not reference it.
   */
  readonly stageName = 'v1';

  constructor(scope: Construct, id: string, props: OrdersApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.restApi = new RestApi(this, 'RestApi', {
      description: 'Order backend: storefront and admin routes',
      cloudWatchRole: true,
      deployOptions: {
        stageName: this.stageName,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: stageRateLimit,
        throttlingBurstLimit: stageBurstLimit,
      },
    });
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level role API Gateway needs to write stage logs; AWS maintains its log-only permissions.',
    });

    for (const { type, status, code, message } of gatewayErrors) {
      this.restApi.addGatewayResponse(type.responseType, {
        type,
        statusCode: status,
        templates: { 'application/json': errorEnvelope(code, message) },
      });
    }

    // Only path parameters are declared, so the gateway checks those; bodies, headers and
    // query strings are validated by the handlers (zod) so that AWS and the local twin
    // answer with the same error envelope and details.
    const requestValidator = new RequestValidator(this, 'RequestValidator', {
      restApi: this.restApi,
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    // `local` routes (the twin's sign-in) have no function here: they do not exist in AWS.
    const targets: Partial<Record<RouteTarget, IFunction>> = { storefront: props.storefront, admin: props.admin, cardReveal: props.cardReveal };
    const integrations = new Map<IFunction, LambdaIntegration>();
    for (const route of routes as readonly RouteDefinition[]) {
      const fn = targets[route.target];
      if (!fn) continue;
      if (!integrations.has(fn)) integrations.set(fn, new LambdaIntegration(fn));
      const method = this.restApi.root.resourceForPath(route.path).addMethod(route.method, integrations.get(fn), {
        operationName: route.operation,
        requestValidator,
        requestParameters: Object.fromEntries(pathParameters(route.path).map((name) => [`method.request.path.${name}`, true])),
        ...this.authorization(route, props.authorizer),
      });
      if (route.auth === 'public') {
        Validations.of(method).acknowledge(
          {
            id: 'AwsSolutions-APIG4',
            reason: `${route.operation} is a public storefront route (SPEC §5.1); order routes check the order token in the handler.`,
          },
          { id: 'AwsSolutions-COG4', reason: `${route.operation} is a public storefront route (SPEC §5.1); customers have no accounts.` },
        );
      }
    }

    this.protectWithWaf();
  }

  private authorization(route: RouteDefinition, authorizer: IAuthorizer | undefined): MethodOptions {
    if (route.auth === 'public') return {};
    if (!authorizer) throw new Error(`${route.operation} is a staff route: pass an authorizer before deploying it`);
    return { authorizer, authorizationType: authorizer.authorizationType };
  }

  private protectWithWaf(): void {
    const visibility = (metricName: string) => ({ metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true });
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('ordersApi'),
      customResponseBodies: {
        rateLimited: { contentType: 'APPLICATION_JSON', content: errorEnvelope('rate_limited', 'Too many requests, slow down.') },
      },
      rules: [
        {
          name: 'AwsCommonRules',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // The rule set blocks bodies over 8 KB; checkout bodies may reach 64 KiB and
              // the handler answers 413 above that (SPEC §5).
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('awsCommonRules'),
        },
        {
          name: 'CardSubmissionsPerIp',
          priority: 1,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rateLimited' } } },
          statement: {
            rateBasedStatement: {
              limit: cardSubmissionsPerIpPer5Minutes,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: 'POST',
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                    {
                      regexMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        regexString: cardSubmissionPath,
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('cardSubmissionsPerIp'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 2,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rateLimited' } } },
          statement: { rateBasedStatement: { limit: requestsPerIpPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rateLimitPerIp'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
  }
}

const pathParameters = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
