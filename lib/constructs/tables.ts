import { type CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { cardVaultTable, type KeyAttribute, ordersTable, type TableDefinition, tables } from '../../contract/tables.js';

const attribute = ({ name, type }: KeyAttribute) => ({ name, type: type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

/**
 * The DynamoDB tables, built from the shared definitions in contract/tables.ts.
 *
 * Both tables use the AWS managed key for at-rest encryption. Card data is already
 * encrypted field-level under the card key; putting that key on the vault table as well
 * would hand kms:Decrypt to every function that touches the vault (SPEC §7.6).
 */
export class DataTables extends Construct {
  readonly orders: Table;
  readonly cardVault: Table;
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
    this.environment = Object.fromEntries([...built].map(([definition, table]) => [definition.envVar, table.tableName]));
  }

  /** Item read/write on the orders table and its indexes (queries by status, email, date). */
  grantOrdersReadWrite(fn: IFunction): void {
    this.orders.grantReadWriteData(fn);
    if (!fn.role) throw new Error(`${fn.node.path} has no role to grant to`);
    const ordersLogicalId = Stack.of(this).getLogicalId(this.orders.node.defaultChild as CfnElement);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${ordersLogicalId}.Arn>/index/*]`,
      reason: 'The wildcard covers only the global secondary indexes of the orders table.',
    });
  }

  private build(definition: TableDefinition): Table {
    const table = new Table(this, definition.id, {
      partitionKey: attribute(definition.partitionKey),
      sortKey: attribute(definition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}
