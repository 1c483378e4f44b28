/** A subscriber is a function the runtime resolves by ARN; delivery hands it an SNS Lambda event. */
export type SubscriberEndpoint = { protocol: 'lambda'; functionArn: string };

export type MessageAttributes = Record<string, { Type: string; Value: string }>;

/** One record of the event AWS hands a Lambda function subscribed to a topic. */
export interface SnsEventRecord {
  EventSource: 'aws:sns';
  EventVersion: '1.0';
  EventSubscriptionArn: string;
  Sns: {
    Type: 'Notification';
    MessageId: string;
    TopicArn: string;
    /** null when the publisher gave none, as in AWS's events. */
    Subject: string | null;
    Message: string;
    Timestamp: string;
    SignatureVersion: string;
    Signature: string;
    SigningCertUrl: string;
    UnsubscribeUrl: string;
    MessageAttributes: MessageAttributes;
  };
}

export interface SnsEvent {
  Records: SnsEventRecord[];
}

export interface TopicsDeliveryTarget {
  deliver(functionArn: string, event: SnsEvent): Promise<void>;
}

/** A delivery that failed every attempt: kept for the caller to inspect instead of retried forever. */
export interface DeliveryFault {
  subscriptionArn: string;
  functionArn: string;
  topicArn: string;
  messageId: string;
  message: string;
  /** The event each attempt delivered, to replay it by hand. */
  event: SnsEvent;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface Subscription {
  subscriptionArn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
}
