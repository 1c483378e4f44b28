import { CreateStreamCommand, DeleteStreamCommand, ResourceInUseException, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { parseArn } from '../../regions/arn.js';
import type { RegionClients } from './regionClients.js';

export async function applyKinesisStream(clients: RegionClients, name: string, props: Record<string, unknown>): Promise<void> {
  const shards = Number(props.ShardCount ?? 1);
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards })).catch((e) => {
    // Exists already: records and checkpoints stay (resharding is not modelled locally).
    if (!(e instanceof ResourceInUseException)) throw e;
  });
}

export async function deleteKinesisStream(clients: RegionClients, name: string): Promise<void> {
  await clients.kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true })).catch((e) => {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  });
}

export const kinesisArn = (region: string, accountId: string, name: string) => `arn:aws:kinesis:${region}:${accountId}:stream/${name}`;

export function streamFromArn(text: string): string | undefined {
  const arn = parseArn(text);
  return arn?.service === 'kinesis' && arn.resource.startsWith('stream/') ? arn.resource.slice('stream/'.length) || undefined : undefined;
}
