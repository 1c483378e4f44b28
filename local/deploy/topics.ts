import { CreateTopicCommand, DeleteTopicCommand, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { parseArn } from '../../regions/arn.js';
import type { RegionClients } from './regionClients.js';

/** Returns the topic ARN; creating an existing topic returns it again, as SNS does. */
export async function applyTopic(clients: RegionClients, name: string): Promise<string> {
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name }));
  return TopicArn!;
}

export async function deleteTopic(clients: RegionClients, arn: string): Promise<void> {
  await clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
}

/** Subscribes a function; the same function again gets the same subscription back. */
export async function subscribeFunction(clients: RegionClients, topicArn: string, functionArn: string): Promise<string> {
  const { SubscriptionArn } = await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: functionArn, ReturnSubscriptionArn: true }));
  return SubscriptionArn!;
}

export async function unsubscribe(clients: RegionClients, subscriptionArn: string): Promise<void> {
  await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })).catch((e: Error) => {
    if (e.name !== 'NotFoundException' && e.name !== 'NotFound') throw e;
  });
}

/** A topic's ARN ends in its name: `arn:aws:sns:<region>:<account>:<name>`. */
export const topicNameFromArn = (arn: string) => parseArn(arn)?.resource ?? arn;
