import { PluginConfigError } from '../errors.js';
import { isRecord, type CfResource, type CfTemplate } from './cfTemplate.js';
import type { AutoscalingEntry, Capacity } from './pluginConfig.js';

/**
 * Global tables (2019.11.21): one `AWS::DynamoDB::GlobalTable` with a replica in every configured region,
 * created by the home region's stack (the region of latency rank 1, deployed first). Other regions' stacks
 * create no table; their references to it are rewritten (replicaReferences.ts).
 */

/** A table is global when custom.autoscaling marks it `global: true` or it is written as a GlobalTable. */
export function globalTableIds(template: CfTemplate, autoscaling: AutoscalingEntry[]): string[] {
  const ids = new Set<string>();
  autoscaling.forEach((entry, i) => {
    const type = template.Resources[entry.table]?.Type;
    if (type !== 'AWS::DynamoDB::Table' && type !== 'AWS::DynamoDB::GlobalTable') {
      throw new PluginConfigError(`custom.autoscaling[${i}].table`, `"${entry.table}" must be the logical id of an AWS::DynamoDB::Table in resources${type ? ` (it is a ${type})` : ''}`);
    }
    if (entry.global) ids.add(entry.table);
  });
  for (const [id, r] of Object.entries(template.Resources)) if (r.Type === 'AWS::DynamoDB::GlobalTable') ids.add(id);
  return [...ids];
}

/**
 * The table's name, the same in every region (replicas share it, and other regions find theirs by it).
 * A table without one gets `<stackName>-<LogicalId>`, the name the local target gives it too.
 */
export function ensureTableName(resource: CfResource, logicalId: string, stackName: string): unknown {
  resource.Properties ??= {};
  const name = resource.Properties.TableName ?? `${stackName}-${logicalId}`;
  if (JSON.stringify(name).includes('AWS::Region')) {
    throw new PluginConfigError(`resources.${logicalId}.Properties.TableName`, 'must be the same in every region (a global table has one name), so it cannot depend on AWS::Region');
  }
  resource.Properties.TableName = name;
  return name;
}

/** Replaces the table at `logicalId` with a GlobalTable of replicas in `regions`, keeping its logical id (Refs and GetAtts stay valid). */
export function toGlobalTable(template: CfTemplate, logicalId: string, entry: AutoscalingEntry | undefined, regions: string[], stackName: string): void {
  const resource = template.Resources[logicalId]!;
  ensureTableName(resource, logicalId, stackName);
  const at = `resources.${logicalId}`;
  if (entry?.read?.actions.length || entry?.write?.actions.length) {
    throw new PluginConfigError(
      `custom.autoscaling (table ${logicalId})`,
      'scheduled actions cannot be used on a global table: its replicas scale by the GlobalTable resource\'s target tracking; remove actions or global: true',
    );
  }
  const properties = resource.Type === 'AWS::DynamoDB::GlobalTable' ? completeGlobalTable(resource.Properties!, regions, at) : fromTable(resource.Properties!, entry, regions, at);
  for (const replica of (properties.Replicas as Record<string, unknown>[])) protectReplica(replica);
  template.Resources[logicalId] = { ...resource, Type: 'AWS::DynamoDB::GlobalTable', Properties: properties };
}

/**
 * Every replica can be restored to any second of the last 35 days (point-in-time recovery) and cannot be
 * deleted by accident (deletion protection; CloudFormation then fails to delete it until a deploy sets
 * DeletionProtectionEnabled: false for it). A value the service sets itself is kept.
 */
function protectReplica(replica: Record<string, unknown>): void {
  replica.PointInTimeRecoverySpecification ??= { PointInTimeRecoveryEnabled: true };
  replica.DeletionProtectionEnabled ??= true;
}

/** Every replica shares this stream view: triggers compare old and new images, and filter by origin. */
const STREAM = { StreamViewType: 'NEW_AND_OLD_IMAGES' };

const TABLE_ONLY = new Set(['TableName', 'AttributeDefinitions', 'KeySchema', 'LocalSecondaryIndexes', 'TimeToLiveSpecification']);
const PER_REPLICA = new Set(['PointInTimeRecoverySpecification', 'Tags', 'ContributorInsightsSpecification', 'TableClass', 'DeletionProtectionEnabled']);
const HANDLED = new Set([...TABLE_ONLY, ...PER_REPLICA, 'BillingMode', 'ProvisionedThroughput', 'GlobalSecondaryIndexes', 'StreamSpecification', 'SSESpecification']);

function fromTable(table: Record<string, unknown>, entry: AutoscalingEntry | undefined, regions: string[], at: string): Record<string, unknown> {
  const unsupported = Object.keys(table).filter((k) => !HANDLED.has(k));
  if (unsupported.length > 0) {
    throw new PluginConfigError(`${at}.Properties`, `${unsupported.join(', ')} cannot be carried over to a global table's replicas; remove ${unsupported.length > 1 ? 'them' : 'it'} or the table's global: true`);
  }
  const global: Record<string, unknown> = {};
  for (const key of TABLE_ONLY) if (table[key] !== undefined) global[key] = table[key];
  global.StreamSpecification = STREAM;

  const throughput = isRecord(table.ProvisionedThroughput) ? table.ProvisionedThroughput : undefined;
  const provisioned = table.BillingMode === 'PROVISIONED' || (table.BillingMode === undefined && (throughput !== undefined || entry?.write !== undefined));
  global.BillingMode = provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST';
  const write = provisioned ? writeSettings(entry?.write, throughput, `${at}.Properties.ProvisionedThroughput`) : undefined;
  const read = provisioned ? readSettings(entry?.read, throughput, `${at}.Properties.ProvisionedThroughput`) : undefined;
  if (write) global.WriteProvisionedThroughputSettings = write;

  const indexes = Array.isArray(table.GlobalSecondaryIndexes) ? table.GlobalSecondaryIndexes.filter(isRecord) : [];
  if (indexes.length > 0) {
    global.GlobalSecondaryIndexes = indexes.map((gsi) => {
      const index: Record<string, unknown> = { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection };
      const own = isRecord(gsi.ProvisionedThroughput) ? gsi.ProvisionedThroughput : throughput;
      if (provisioned) index.WriteProvisionedThroughputSettings = writeSettings(entry?.write, own, `${at}.Properties.GlobalSecondaryIndexes`);
      return index;
    });
  }

  const sse = isRecord(table.SSESpecification) ? table.SSESpecification : undefined;
  if (sse?.KMSMasterKeyId !== undefined) {
    throw new PluginConfigError(`${at}.Properties.SSESpecification.KMSMasterKeyId`, 'a KMS key lives in one region, but a global table has a replica in each; remove it to use the AWS managed key of each region');
  }
  if (sse) global.SSESpecification = sse;

  const replica: Record<string, unknown> = {};
  for (const key of PER_REPLICA) if (table[key] !== undefined) replica[key] = table[key];
  if (read) replica.ReadProvisionedThroughputSettings = read;
  if (read && indexes.length > 0) {
    replica.GlobalSecondaryIndexes = indexes.map((gsi) => ({ IndexName: gsi.IndexName, ReadProvisionedThroughputSettings: read }));
  }
  global.Replicas = regions.map((Region) => ({ Region, ...structuredClone(replica) }));
  return global;
}

/** A GlobalTable written by hand: replicas in every configured region (copying the first one's settings) and the stream Meridian needs. */
function completeGlobalTable(properties: Record<string, unknown>, regions: string[], at: string): Record<string, unknown> {
  // CloudFormation's current schema no longer requires these (a replica can join an existing table), but a table Meridian creates needs both.
  for (const key of ['KeySchema', 'AttributeDefinitions']) {
    if (!Array.isArray(properties[key]) || (properties[key] as unknown[]).length === 0) {
      throw new PluginConfigError(`${at}.Properties.${key}`, `is required: the global table is created by this stack, so it needs its key (KeySchema and the AttributeDefinitions of its key attributes)`);
    }
  }
  const replicas = Array.isArray(properties.Replicas) ? properties.Replicas.filter(isRecord) : [];
  const template = replicas[0] ?? {};
  const missing = regions.filter((r) => !replicas.some((x) => x.Region === r));
  const copy = ({ Region: _region, ...rest }: Record<string, unknown>) => structuredClone(rest);
  return { ...properties, StreamSpecification: STREAM, Replicas: [...replicas, ...missing.map((Region) => ({ Region, ...copy(template) }))] };
}

/** GlobalTable write capacity is always target-tracked: a fixed capacity becomes minimum = maximum. */
function writeSettings(capacity: Capacity | undefined, throughput: Record<string, unknown> | undefined, at: string): Record<string, unknown> {
  if (capacity) return { WriteCapacityAutoScalingSettings: autoScaling(capacity) };
  const units = throughput?.WriteCapacityUnits;
  if (typeof units !== 'number') throw new PluginConfigError(at, 'a provisioned global table needs WriteCapacityUnits, or custom.autoscaling write settings');
  return { WriteCapacityAutoScalingSettings: autoScaling({ minimum: units, maximum: units, usage: 0.7, actions: [] }) };
}

function readSettings(capacity: Capacity | undefined, throughput: Record<string, unknown> | undefined, at: string): Record<string, unknown> {
  if (capacity) return { ReadCapacityAutoScalingSettings: autoScaling(capacity) };
  const units = throughput?.ReadCapacityUnits;
  if (typeof units !== 'number') throw new PluginConfigError(at, 'a provisioned global table needs ReadCapacityUnits, or custom.autoscaling read settings');
  return { ReadCapacityUnits: units };
}

function autoScaling(capacity: Capacity): Record<string, unknown> {
  return {
    MinCapacity: capacity.minimum,
    MaxCapacity: capacity.maximum,
    TargetTrackingScalingPolicyConfiguration: { TargetValue: Math.round(capacity.usage * 100), ScaleInCooldown: 60, ScaleOutCooldown: 60 },
  };
}
