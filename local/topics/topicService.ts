import { randomUUID } from 'node:crypto';
import { formatArn, parseFunctionArn } from '../../regions/arn.js';
import { SnsError, invalidParameter, topicNotFound } from './errors.js';
import type { DeliveryWorker } from './deliveryWorker.js';
import { snsLambdaEvent } from './lambdaEvent.js';
import type { TopicRow, TopicStore } from './store.js';
import type { MessageAttributes, Subscription, SubscriberEndpoint } from './types.js';

const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_ATTRIBUTES = 10;
/** Attributes SetTopicAttributes accepts (SNS's documented names). */
const SETTABLE = /^(DisplayName|Policy|DeliveryPolicy|KmsMasterKeyId|TracingConfig|SignatureVersion|ContentBasedDeduplication|ArchivePolicy|DataProtectionPolicy|FifoThroughputScope|FifoTopic|\w+(SuccessFeedbackRoleArn|SuccessFeedbackSampleRate|FailureFeedbackRoleArn))$/;

export interface PublishInput {
  topicArn: string;
  message: string;
  subject?: string | undefined;
  attributes?: MessageAttributes | undefined;
}

/** The SNS semantics of one region, shared by the in-process API and the Query endpoint. */
export class TopicService {
  constructor(
    private readonly store: TopicStore,
    private readonly worker: DeliveryWorker,
    private readonly region: string,
    readonly accountId: string,
    private readonly endpointUrl: () => string,
    private readonly now: () => number,
  ) {}

  topicArn(name: string): string {
    return formatArn({ service: 'sns', region: this.region, accountId: this.accountId, resource: name });
  }

  /** Idempotent, as in SNS: creating an existing topic returns its ARN. */
  createTopic(name: string, attributes: Record<string, string> = {}): string {
    const fifo = name.endsWith('.fifo');
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(fifo ? name.slice(0, -5) : name)) {
      throw invalidParameter('Topic Name');
    }
    for (const key of Object.keys(attributes)) if (!SETTABLE.test(key)) throw invalidParameter(`Attributes Reason: Unknown attribute ${key}`);
    const arn = this.topicArn(name);
    this.store.createTopic(arn, name, attributes, this.now());
    return arn;
  }

  requireTopic(arn: string): TopicRow {
    const topic = this.store.findTopic(arn);
    if (!topic) throw topicNotFound();
    return topic;
  }

  deleteTopic(arn: string): void {
    // SNS answers DeleteTopic of a missing topic with success.
    this.store.deleteTopic(arn);
  }

  listTopics(): string[] {
    return this.store.listTopics().map((t) => t.arn);
  }

  topicAttributes(arn: string): Record<string, string> {
    const topic = this.requireTopic(arn);
    const subscriptions = this.store.subscriptionsOf(arn).length;
    return {
      TopicArn: arn,
      Owner: this.accountId,
      DisplayName: '',
      SubscriptionsConfirmed: String(subscriptions),
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
      Policy: JSON.stringify(defaultPolicy(arn, this.accountId)),
      EffectiveDeliveryPolicy: JSON.stringify(DEFAULT_DELIVERY_POLICY),
      ...(topic.name.endsWith('.fifo') ? { FifoTopic: 'true', ContentBasedDeduplication: 'false' } : {}),
      ...topic.attributes,
    };
  }

  setTopicAttribute(arn: string, name: string, value: string): void {
    const topic = this.requireTopic(arn);
    if (!SETTABLE.test(name) || name === 'FifoTopic') throw invalidParameter(`AttributeName`);
    this.store.setTopicAttributes(arn, { ...topic.attributes, [name]: value });
  }

  /** Subscribing the same endpoint twice returns the existing subscription, as SNS does. */
  subscribe(topicArn: string, endpoint: SubscriberEndpoint): string {
    this.requireTopic(topicArn);
    if (endpoint.protocol !== 'lambda') throw invalidParameter(`Protocol ${String(endpoint.protocol)}: the local cloud delivers to lambda only`);
    if (parseFunctionArn(endpoint.functionArn) === undefined) {
      throw invalidParameter('Lambda endpoint ARN');
    }
    const existing = this.store.findSubscriptionTo(topicArn, 'lambda', endpoint.functionArn);
    if (existing) return existing.subscriptionArn;
    const subscriptionArn = `${topicArn}:${randomUUID()}`;
    this.store.addSubscription({ subscriptionArn, topicArn, protocol: 'lambda', endpoint: endpoint.functionArn }, this.now());
    return subscriptionArn;
  }

  unsubscribe(subscriptionArn: string): void {
    if (!this.store.findSubscription(subscriptionArn)) throw new SnsError('NotFound', 'Subscription does not exist', 404);
    this.store.removeSubscription(subscriptionArn);
  }

  subscriptions(topicArn?: string): Subscription[] {
    if (topicArn !== undefined) this.requireTopic(topicArn);
    return this.store.subscriptionsOf(topicArn);
  }

  /** Persists one pending delivery per subscriber before returning the MessageId; delivery follows. */
  publish(input: PublishInput): string {
    this.requireTopic(input.topicArn);
    validateMessage(input);
    const messageId = randomUUID();
    const notification = {
      messageId,
      topicArn: input.topicArn,
      subject: input.subject,
      message: input.message,
      attributes: input.attributes ?? {},
      publishedMs: this.now(),
    };
    const deliveries = this.store.subscriptionsOf(input.topicArn).map((s) => ({
      subscriptionArn: s.subscriptionArn,
      functionArn: s.endpoint,
      event: snsLambdaEvent(notification, s.subscriptionArn, { region: this.region, endpointUrl: this.endpointUrl() }),
    }));
    if (deliveries.length > 0) {
      this.store.enqueue(deliveries, notification.publishedMs);
      this.worker.kick();
    }
    return messageId;
  }
}

function validateMessage(input: PublishInput): void {
  if (input.message.length === 0) throw invalidParameter('Empty message');
  if (Buffer.byteLength(input.message) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  if (input.subject !== undefined && (input.subject.length === 0 || input.subject.length > 100 || !/^[\x20-\x7e]+$/.test(input.subject))) {
    throw invalidParameter('Subject');
  }
  const attributes = Object.entries(input.attributes ?? {});
  if (attributes.length > MAX_ATTRIBUTES) throw invalidParameter('Too many message attributes');
  for (const [name, { Type, Value }] of attributes) {
    if (!/^(String|Number|Binary)(\..+)?$/.test(Type)) {
      throw invalidParameter(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (Type.startsWith('Number') && !Number.isFinite(Number(Value))) {
      throw invalidParameter(`Could not cast message attribute '${name}' value to number.`);
    }
  }
}

const DEFAULT_DELIVERY_POLICY = {
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
};

function defaultPolicy(topicArn: string, accountId: string): unknown {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  };
}
