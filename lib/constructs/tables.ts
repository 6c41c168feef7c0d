import { type CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { cardCvcTable, cardVaultTable, type KeyAttribute, ordersTable, type TableDefinition, tables } from '../../contract/tables.js';

/** What a function may do to held cards, item by item: never Scan, Query or batch operations. */
export type VaultAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem';

/** A function's item rights on the held cards and, apart, on the CVCs of cards being authorized. */
export interface VaultRights {
  readonly cards: readonly VaultAction[];
  readonly cvcs: readonly VaultAction[];
}

/** Partition-key prefix of the staff audit trail in the orders table (functions/adapters/dynamo/audit-trail.ts). */
const auditPartitionPrefix = 'AUDIT#';

const attribute = ({ name, type }: KeyAttribute) => ({ name, type: type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

/**
 * The DynamoDB tables, built from the shared definitions in contract/tables.ts.
 *
 * The tables use the AWS managed key for at-rest encryption. Card data is already
 * encrypted field-level under the card key; putting that key on the vault tables as well
 * would hand kms:Decrypt to every function that touches the vault (SPEC §7.6).
 */
export class DataTables extends Construct {
  readonly orders: Table;
  readonly cardVault: Table;
  readonly cardCvc: Table;
  /** Each table's physical name under its definition's `envVar`. */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const built = new Map(tables.map((definition) => [definition, this.build(definition)] as const));
    const get = (definition: TableDefinition) => {
      const table = built.get(definition);
      if (!table) throw new Error(`table ${definition.id} is missing from contract/tables.ts`);
      return table;
    };
    this.orders = get(ordersTable);
    this.cardVault = get(cardVaultTable);
    this.cardCvc = get(cardCvcTable);
    Validations.of(this.cardCvc).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason: 'CVCs must not be stored after the authorization (PCI DSS 3.3.1.2): no backup may keep a deleted one.',
    });
    this.environment = Object.fromEntries([...built].map(([definition, table]) => [definition.envVar, table.tableName]));
  }

  /**
   * Item read/write on the orders table and its indexes (queries by status, email, date),
   * except that audit items can never be changed or deleted: they are only ever put under a
   * fresh key (PCI DSS 10.3.2).
   */
  grantOrdersReadWrite(fn: IFunction): void {
    this.orders.grantReadWriteData(fn);
    if (!fn.role) throw new Error(`${fn.node.path} has no role to grant to`);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'AuditItemsAreAppendOnly',
        effect: Effect.DENY,
        actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [this.orders.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${auditPartitionPrefix}*`] } },
      }),
    );
    const ordersLogicalId = Stack.of(this).getLogicalId(this.orders.node.defaultChild as CfnElement);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${ordersLogicalId}.Arn>/index/*]`,
      reason: 'The wildcard covers only the global secondary indexes of the orders table.',
    });
  }

  /** Item-level rights on the card vault and the CVC table, exactly the actions the function's code uses. */
  grantVault(fn: IFunction, rights: VaultRights): void {
    if (rights.cards.length) fn.addToRolePolicy(new PolicyStatement({ actions: [...rights.cards], resources: [this.cardVault.tableArn] }));
    if (rights.cvcs.length) fn.addToRolePolicy(new PolicyStatement({ actions: [...rights.cvcs], resources: [this.cardCvc.tableArn] }));
  }

  private build(definition: TableDefinition): Table {
    const table = new Table(this, definition.id, {
      partitionKey: attribute(definition.partitionKey),
      sortKey: attribute(definition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: definition.pointInTimeRecovery },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        ...(index.projectedAttributes.length
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projectedAttributes] }
          : { projectionType: ProjectionType.KEYS_ONLY }),
      });
    }
    return table;
  }
}
