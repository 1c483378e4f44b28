import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  type TopicConfiguration,
} from '@aws-sdk/client-s3';
import { DeployError } from './errors.js';
import type { RegionClients } from './regionClients.js';

type Props = Record<string, unknown>;

/** Creates the bucket (or keeps it, with its objects) and applies versioning and topic notifications. */
export async function applyBucket(clients: RegionClients, name: string, props: Props): Promise<void> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: name })).catch((e) => {
    if (!(e instanceof BucketAlreadyOwnedByYou)) throw e;
  });
  const versioning = (props.VersioningConfiguration as { Status?: string } | undefined)?.Status;
  if (versioning === 'Enabled' || versioning === 'Suspended') {
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: versioning } }));
  }
  const notifications = props.NotificationConfiguration as Props | undefined;
  if (notifications?.LambdaConfigurations || notifications?.QueueConfigurations) {
    throw new DeployError(`bucket ${name}: only TopicConfigurations notify locally; send the events to an SNS topic and subscribe the function`);
  }
  const topics = (notifications?.TopicConfigurations as Props[] | undefined) ?? [];
  await clients.s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: name,
    NotificationConfiguration: { TopicConfigurations: topics.map(topicConfiguration) },
  }));
}

export async function deleteBucket(clients: RegionClients, name: string): Promise<void> {
  // As CloudFormation does: a bucket that still holds objects is not deleted (and says so).
  await clients.s3.send(new DeleteBucketCommand({ Bucket: name })).catch((e: Error) => {
    if (e.name === 'NoSuchBucket') return;
    throw new DeployError(`bucket ${name} was not deleted: ${e.message}`);
  });
}

function topicConfiguration(c: Props): TopicConfiguration {
  const rules = ((c.Filter as { S3Key?: { Rules?: { Name: string; Value: string }[] } } | undefined)?.S3Key?.Rules ?? []).map((r) => ({
    Name: r.Name.toLowerCase() as 'prefix' | 'suffix',
    Value: r.Value,
  }));
  return {
    TopicArn: String(c.Topic),
    Events: [String(c.Event)] as TopicConfiguration['Events'],
    ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}),
  };
}
