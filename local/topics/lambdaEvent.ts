import { createHash } from 'node:crypto';
import type { MessageAttributes, SnsEvent } from './types.js';

export interface Notification {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  attributes: MessageAttributes;
  publishedMs: number;
}

export interface EventContext {
  region: string;
  /** Where the local Unsubscribe link points: this region's topics endpoint. */
  endpointUrl: string;
}

/**
 * The event AWS hands a Lambda subscriber, field for field. The signature is a stand-in (a digest of
 * the notification, base64): nothing local holds SNS's signing key, and Lambda consumers do not verify it.
 */
export function snsLambdaEvent(n: Notification, subscriptionArn: string, ctx: EventContext): SnsEvent {
  const timestamp = new Date(n.publishedMs).toISOString();
  const signature = createHash('sha256')
    .update([n.message, n.messageId, n.subject ?? '', timestamp, n.topicArn, 'Notification'].join('\n'))
    .digest('base64');
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: n.messageId,
          TopicArn: n.topicArn,
          Subject: n.subject ?? null,
          Message: n.message,
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: signature,
          SigningCertUrl: `https://sns.${ctx.region}.amazonaws.com/SimpleNotificationService-local.pem`,
          UnsubscribeUrl: `${ctx.endpointUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
          MessageAttributes: n.attributes,
        },
      },
    ],
  };
}
