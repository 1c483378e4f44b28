import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { RegionConfig } from '../../regions/config.js';
import { localCredentials } from '../credentials.js';

/** The real SDK clients a deploy uses, pointed at one local region: the deployer is just another API caller. */
export interface RegionClients {
  dynamodb: DynamoDBClient;
  kinesis: KinesisClient;
  s3: S3Client;
  sns: SNSClient;
  destroy(): void;
}

export function regionClients(rc: RegionConfig): RegionClients {
  const at = (port: number) => ({ region: rc.region, credentials: localCredentials, endpoint: `http://127.0.0.1:${port}` });
  const { ports } = rc.local;
  const clients = {
    dynamodb: new DynamoDBClient(at(ports.dynamodb)),
    kinesis: new KinesisClient(at(ports.streams)),
    s3: new S3Client({ ...at(ports.objects), forcePathStyle: true }),
    sns: new SNSClient(at(ports.topics)),
  };
  return { ...clients, destroy: () => Object.values(clients).forEach((c) => c.destroy()) };
}
