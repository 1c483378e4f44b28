import { DynamoDBClient, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { drillKey, healthTableName } from '../../regions/health/src/drillSwitch.js';
import { HealthDrillError, type HealthDrillState } from '../control/controlledCloud.js';
import { localCredentials } from '../credentials.js';
import type { RegionProcess } from './regionProcess.js';

/**
 * `meridian health <region> fail|pass`, locally: the drill item of the region's health table (the
 * health function reads it on every check; on AWS the switch is an SSM parameter). Written into that
 * region's own replica: the key names the region, so replication to the others changes nothing there.
 */
export async function setHealthDrill(region: RegionProcess, state: HealthDrillState, stage: string): Promise<void> {
  if (region.state !== 'up') throw new HealthDrillError(`${region.region} is ${region.state}: a region that is down is failed already; \`meridian recover ${region.region}\` brings it back`);
  const client = new DynamoDBClient({
    region: region.region,
    endpoint: `http://127.0.0.1:${region.config.local.ports.dynamodb}`,
    credentials: localCredentials,
    maxAttempts: 2,
  });
  try {
    await client.send(new PutItemCommand({
      TableName: healthTableName(stage),
      Item: { ...drillKey(region.region), failing: { BOOL: state === 'fail' }, at: { S: new Date().toISOString() } },
    }));
  } catch (e) {
    if (e instanceof ResourceNotFoundException) {
      throw new HealthDrillError(`no health service (stage ${stage}) in ${region.region}: deploy regions/health there first (\`meridian dp ${region.region} regions/health\`)`);
    }
    throw e;
  } finally {
    client.destroy();
  }
}
