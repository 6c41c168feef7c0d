/**
 * What a payment gateway's SDK resolves to in a bundle built for another gateway (see
 * `bundleAliases` in lib/constructs/node-function.ts): such a deployment never calls it, and
 * this says so if it ever does.
 */
export default class GatewaySdkNotDeployed {
  constructor() {
    throw new Error('this deployment was built for another payment gateway; deploy with -c paymentGateway=stripe to use Stripe');
  }
}
