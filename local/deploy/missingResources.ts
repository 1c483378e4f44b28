import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import type { DeployedResource, DeploymentRecord } from './deploymentRecords.js';
import type { RegionClients } from './regionClients.js';

/** What a skipped deploy would wrongly assume is there: a resource or subscription of the record, by name. */
export interface Missing {
  type: string;
  name: string;
}

/**
 * What the record says this service created here but the region no longer has: deleted by hand through
 * the SDK or the CLI, or lost with part of `.meridian/`. A deploy must not call such a service
 * unchanged. One cheap read per resource (a few ms in all), in parallel.
 */
export async function missingResources(clients: RegionClients, record: Pick<DeploymentRecord, 'resources' | 'subscriptions'>): Promise<Missing[]> {
  const resources = await Promise.all(record.resources.map(async (r) => ((await exists(clients, r)) ? undefined : { type: r.type, name: r.physicalId })));
  const topics = [...new Set(record.subscriptions.map((s) => s.topicArn))];
  const listed = new Set((await Promise.all(topics.map((arn) => subscriptionArns(clients, arn)))).flat());
  const subscriptions = record.subscriptions
    .filter((s) => !listed.has(s.subscriptionArn))
    .map((s) => ({ type: 'AWS::SNS::Subscription', name: `${s.functionName} on ${s.topicArn}` }));
  return [...resources.filter((m): m is Missing => m !== undefined), ...subscriptions];
}

async function exists(clients: RegionClients, r: DeployedResource): Promise<boolean> {
  switch (r.type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return found(clients.dynamodb.send(new DescribeTableCommand({ TableName: r.physicalId })));
    case 'AWS::Kinesis::Stream':
      return found(clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: r.physicalId })));
    case 'AWS::SNS::Topic':
      return found(clients.sns.send(new GetTopicAttributesCommand({ TopicArn: r.physicalId })));
    case 'AWS::S3::Bucket':
      return found(clients.s3.send(new HeadBucketCommand({ Bucket: r.physicalId })));
    default:
      return true; // nothing of its own to look for (a subscription is checked with its topic)
  }
}

async function subscriptionArns(clients: RegionClients, topicArn: string): Promise<string[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken })).catch((e: Error) => {
      if (isNotFound(e)) return { Subscriptions: [], NextToken: undefined };
      throw e;
    });
    arns.push(...(page.Subscriptions ?? []).flatMap((s) => (s.SubscriptionArn ? [s.SubscriptionArn] : [])));
    NextToken = page.NextToken;
  } while (NextToken);
  return arns;
}

/** True when the call answers; false when the service says the thing does not exist; other errors propagate. */
async function found(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

function isNotFound(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return ['ResourceNotFoundException', 'NotFoundException', 'NotFound', 'NoSuchBucket'].includes(e.name) || status === 404;
}
