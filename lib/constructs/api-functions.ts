import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RouteTarget } from '../../contract/routes.js';
import { type Access, type AccessResources, accessEnvironment, grantAccess, readsSecrets } from './access.js';
import { secretsExtension } from './fulfillment.js';
import { type BundleBudget, NodeFunction } from './node-function.js';

export type ApiTarget = Exclude<RouteTarget, 'local'>;

/**
 * What each API function may touch (its routes in contract/routes.ts, its entry in
 * functions/<name>/index.ts). The storefront holds cards but never opens one; the admin API
 * deletes held cards and settles through the gateway (capture at ship, void at cancel)
 * without a card key; card reveal (and charging a held card) opens held cards only.
 */
export const apiFunctionAccess: Record<ApiTarget, readonly Access[]> = {
  // Its emails (an offline submission's receipt and staff notice) go through the outbox.
  storefront: ['orders', 'sealCards', 'startCheckout', 'announceEmails', 'fingerprint', 'paymentMetrics', 'knowGateway'],
  admin: [
    'orders',
    'purgeCards',
    'startCheckout',
    'sendEmail',
    'callGateway',
    // Idempotent staff requests (recorded orders) are fingerprinted too.
    'fingerprint',
    'paymentMetrics',
    'publishOrderEvents',
    'pushFulfillment',
    'runMonitor',
    'verifyStaffTokens',
    'checkSender',
  ],
  // Charging a held card: an approved charge queues the payment receipt and announces it and the order.
  cardReveal: ['orders', 'openHeldCards', 'callGateway', 'publishOrderEvents', 'verifyStaffTokens'],
};

interface ApiFunctionDefinition {
  readonly entry: string;
  readonly handler: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly budget: BundleBudget;
  /** From the bundle bench's resident set and CPU time (README: Lean functions). */
  readonly memorySize: number;
}

const definitions: Record<ApiTarget, ApiFunctionDefinition> = {
  storefront: {
    entry: 'functions/storefront-api/index.ts',
    handler: 'handler',
    description: 'Storefront routes: catalog, checkout, order tracking',
    // API Gateway gives up after 29 s; the function must not outlive the request.
    timeout: Duration.seconds(29),
    budget: 'cardsOrGateway',
    // The customer waits on it: CPU (which grows with memory) over the 67 MB it needs (bench/bundles.ts).
    memorySize: 1024,
  },
  admin: {
    entry: 'functions/admin-api/index.ts',
    handler: 'adminApi',
    description: 'Back-office routes: orders, actions, reports, settings, products, audit trail',
    timeout: Duration.seconds(29),
    budget: 'cardsOrGateway',
    memorySize: 512,
  },
  cardReveal: {
    entry: 'functions/card-reveal/index.ts',
    handler: 'revealCard',
    description: 'Reveals or charges a held card for an admin; audited',
    timeout: Duration.seconds(10),
    budget: 'cardsOrGateway',
    memorySize: 512,
  },
};

export interface ApiFunctionsProps {
  readonly resources: AccessResources;
  /** What every function reads (tables, sender, links). */
  readonly environment: Record<string, string>;
}

/** The Lambdas behind the REST API, one per route target, each granted its row of `apiFunctionAccess`. */
export class ApiFunctions extends Construct {
  readonly functions: Record<ApiTarget, NodeFunction>;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const build = (target: ApiTarget) => {
      const { entry, handler, description, timeout, budget, memorySize } = definitions[target];
      const access = apiFunctionAccess[target];
      const fn = new NodeFunction(this, target, {
        entry,
        handler,
        description,
        timeout,
        budget,
        memorySize,
        environment: { ...props.environment, ...accessEnvironment(props.resources, access) },
        paramsAndSecrets: readsSecrets(props.resources, access) ? secretsExtension() : undefined,
      });
      grantAccess(fn, access, props.resources);
      return [target, fn] as const;
    };
    this.functions = Object.fromEntries((Object.keys(definitions) as ApiTarget[]).map(build)) as Record<ApiTarget, NodeFunction>;
  }
}
