/**
 * AWS list prices the cost model uses, us-east-1, in USD, in one place with the date they were
 * taken from the public price pages. Re-check them before relying on the model.
 */
export const prices = {
  asOf: '2024-11-14',
  region: 'us-east-1',
  /** Per GB-second, arm64 (the functions' architecture). */
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** REST API, first 333 million requests a month. */
  apiGatewayRestRequest: 3.5 / 1e6,
  /** Web ACL request inspection. */
  wafRequest: 0.6 / 1e6,
  stepFunctionsExpressRequest: 1.0 / 1e6,
  /** Express workflows bill memory in 64 MB steps and duration in 100 ms steps. */
  stepFunctionsExpressGbSecond: 0.00001667,
  /** On-demand, after the November 2024 price cut. */
  dynamoDbWriteRequestUnit: 0.625 / 1e6,
  dynamoDbReadRequestUnit: 0.125 / 1e6,
  kmsRequest: 0.03 / 10_000,
  sesEmail: 0.1 / 1000,
  eventBridgeCustomEvent: 1.0 / 1e6,
  cloudWatchLogsIngestedGb: 0.5,
  xRayTraceRecorded: 5.0 / 1e6,
} as const;
