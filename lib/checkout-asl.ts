import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { type CheckoutStep, checkoutSteps } from '../contract/checkout-steps.js';
import { CheckoutWorkflow } from './constructs/checkout-workflow.js';

/**
 * The checkout workflow as Amazon States Language, taken from CDK synthesis so the local
 * twin runs exactly the definition AWS runs. Task resources become placeholder Lambda ARNs
 * named after their state; the twin binds local handlers to those states by name.
 */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly [field: string]: unknown;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly [field: string]: unknown;
}

const placeholderAccount = '000000000000';
const placeholderRegion = 'us-east-1';

export const placeholderFunctionArn = (name: string): string => `arn:aws:lambda:${placeholderRegion}:${placeholderAccount}:function:${name}`;

/** The workflow built alone in a scratch app with placeholder functions, normalized. */
export function synthesizeCheckoutAsl(): AslDefinition {
  const outdir = mkdtempSync(join(tmpdir(), 'checkout-asl-'));
  try {
    // Only the definition is wanted: skip the built-in template validation (seconds of WASM).
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'CheckoutAsl');
    const steps = Object.fromEntries(checkoutSteps.map((step) => [step, LambdaFunction.fromFunctionArn(stack, step, placeholderFunctionArn(step))])) as Record<
      CheckoutStep,
      IFunction
    >;
    new CheckoutWorkflow(stack, 'Checkout', { steps });
    return normalizeAsl(aslFromTemplate(app.synth().getStackByName(stack.stackName).template));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * The definition of the one state machine in a synthesized template, with intrinsics
 * resolved: pseudo parameters to placeholder values, a Lambda's `Arn` to a placeholder
 * ARN named after its logical id, anything else to `<logicalId>` / `<logicalId>.<attribute>`.
 */
export function aslFromTemplate(template: unknown): AslDefinition {
  const resources = (template as { Resources?: Record<string, TemplateResource> }).Resources ?? {};
  const stateMachines = Object.values(resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
  if (stateMachines.length !== 1) throw new Error(`expected one state machine in the template, found ${stateMachines.length}`);
  const definition = stateMachines[0]!.Properties?.DefinitionString;
  if (definition === undefined) throw new Error('the state machine has no DefinitionString');
  return JSON.parse(resolveIntrinsic(definition, resources)) as AslDefinition;
}

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': placeholderRegion,
  'AWS::AccountId': placeholderAccount,
  'AWS::URLSuffix': 'amazonaws.com',
};

function resolveIntrinsic(value: unknown, resources: Record<string, TemplateResource>): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveIntrinsic(part, resources)).join(separator);
  }
  if ('Ref' in intrinsic) {
    const name = intrinsic.Ref as string;
    return pseudoParameters[name] ?? name;
  }
  if ('Fn::GetAtt' in intrinsic) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    const isFunctionArn = resources[logicalId]?.Type === 'AWS::Lambda::Function' && attribute === 'Arn';
    return isFunctionArn ? placeholderFunctionArn(logicalId) : `${logicalId}.${attribute}`;
  }
  throw new Error(`unsupported intrinsic in the state machine definition: ${JSON.stringify(value)}`);
}

const lambdaArn = /^arn:[^:]+:lambda:/;

/**
 * A copy in which every Task invoking a Lambda function directly names the placeholder
 * function of its own state, so the twin's ASL and the stack's ASL compare exactly.
 */
export function normalizeAsl(asl: AslDefinition): AslDefinition {
  return { ...asl, States: normalizeStates(asl.States) };
}

function normalizeStates(states: Record<string, AslState>): Record<string, AslState> {
  return Object.fromEntries(Object.entries(states).map(([name, state]) => [name, normalizeState(name, state)]));
}

function normalizeState(name: string, state: AslState): AslState {
  const normalized: Record<string, unknown> = { ...state };
  if (state.Type === 'Task' && state.Resource && lambdaArn.test(state.Resource)) {
    normalized.Resource = placeholderFunctionArn(name);
  }
  if (Array.isArray(state.Branches)) normalized.Branches = (state.Branches as AslDefinition[]).map(normalizeAsl);
  for (const nested of ['Iterator', 'ItemProcessor'] as const) {
    if (state[nested]) normalized[nested] = normalizeAsl(state[nested] as AslDefinition);
  }
  return normalized as AslState;
}
