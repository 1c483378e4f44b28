import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Whether the region is failed on purpose (a drill): `meridian health <region> fail|pass`. */
export type DrillSwitch = () => Promise<boolean>;

export const drillKey = (region: string) => ({ id: { S: `drill#${region}` } });

/**
 * The local cloud's switch: an item of the health table (`drill#<region>`, `failing: true`), which the
 * control API writes. The table is global, so the key names the region; a read of one item per probe.
 */
export function tableDrillSwitch(dynamodb: DynamoDBClient, table: string, region: string): DrillSwitch {
  return async () => {
    const read = await dynamodb.send(new GetItemCommand({ TableName: table, Key: drillKey(region), ConsistentRead: true }));
    return read.Item?.['failing']?.BOOL === true;
  };
}

/**
 * AWS's switch: an SSM parameter (`fail` fails the region; missing or anything else passes), read at most
 * once per `cacheMs` by each warm function, so a drill takes effect within cacheMs plus the health
 * checks' detection time, and Route 53's probes cost no SSM call each.
 */
export function ssmDrillSwitch(ssm: SSMClient, name: string, cacheMs: number, now: () => number = Date.now): DrillSwitch {
  let cached: { failing: boolean; until: number } | undefined;
  return async () => {
    if (cached && now() < cached.until) return cached.failing;
    let failing = false;
    try {
      const answer = await ssm.send(new GetParameterCommand({ Name: name }));
      failing = answer.Parameter?.Value?.trim() === 'fail';
    } catch (e) {
      if ((e as Error).name !== 'ParameterNotFound') throw e;
    }
    cached = { failing, until: now() + cacheMs };
    return failing;
  };
}

/**
 * `MERIDIAN_HEALTH_DRILL` says where the switch is: `table` (the local cloud sets it for every function) or
 * `ssm:<parameter name>` (serverless.yml, for AWS).
 */
export function parseDrillSetting(value: string): { kind: 'table' } | { kind: 'ssm'; name: string } {
  if (value === 'table') return { kind: 'table' };
  if (value.startsWith('ssm:/') && value.length > 5) return { kind: 'ssm', name: value.slice(4) };
  throw new Error(`MERIDIAN_HEALTH_DRILL is "${value}"; it must be "table" or "ssm:/<parameter name>" (regions/health/serverless.yml)`);
}

/** The health table's name for a stage, as serverless.yml's custom.table makes it (the local cloud writes the drill item there). */
export const healthTableName = (stage: string) => `health-${stage}-probes`;
