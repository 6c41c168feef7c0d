import type { CfnElement, Stack } from 'aws-cdk-lib';
import { NodeFunction } from '../../lib/constructs/node-function.js';

type Resource = { Type: string; Properties: Record<string, any> };

/**
 * The project's own functions (NodeFunction) in a synthesized template, keyed by handler export
 * (`handler` for the storefront, the step name for checkout steps). CDK's own handlers, such as
 * the one deploying the dashboard's files, are left out.
 */
export const projectFunctions = <R extends Resource>(stack: Stack, resources: Record<string, R>) => {
  const ids = new Set(
    stack.node
      .findAll()
      .filter((construct) => construct instanceof NodeFunction)
      .map((fn) => stack.getLogicalId(fn.node.defaultChild as CfnElement)),
  );
  return new Map(
    Object.entries(resources)
      .filter(([id]) => ids.has(id))
      .map(([id, fn]) => [String(fn.Properties.Handler).replace('index.', ''), { id, ...fn }]),
  );
};
