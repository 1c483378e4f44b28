import type { S3EventRecord, SNSMessage } from 'aws-lambda';

/**
 * S3 event notifications as they reach a function through SNS: each SNS record's Message is the
 * JSON S3 sent to the topic. What is read of the SNS event (any `SNSEvent` Lambda delivers fits):
 */
export type SnsMessages = { Records: ReadonlyArray<{ Sns: Pick<SNSMessage, 'Message'> }> };

/** An S3 record parsed out of a message: checked field by field, since the JSON comes from outside. */
type UncheckedS3Record = { eventName?: S3EventRecord['eventName']; s3?: { bucket?: { name?: unknown }; object?: { key?: unknown } } };

/** One object an S3 notification was about. The event name is informative only: consumers read current state. */
export interface ObjectRef {
  bucket: string;
  key: string;
  eventName: string;
}

/**
 * The objects named by every S3 record in the event. S3's one-off `s3:TestEvent` (sent when a
 * bucket's notification configuration is saved) carries no Records and yields nothing.
 */
export function objectRefs(event: SnsMessages): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const record of event.Records ?? []) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      throw new Error(`an SNS message is not JSON, so it is not an S3 notification: ${record.Sns.Message.slice(0, 200)}`);
    }
    const records = (message as { Records?: unknown }).Records;
    if (!Array.isArray(records)) continue;
    for (const r of records as UncheckedS3Record[]) {
      const bucket = r.s3?.bucket?.name;
      const key = r.s3?.object?.key;
      if (typeof bucket !== 'string' || typeof key !== 'string') {
        throw new Error(`an S3 notification record has no bucket name or object key: ${JSON.stringify(r).slice(0, 300)}`);
      }
      refs.push({ bucket, key: decodeEventKey(key), eventName: r.eventName ?? '' });
    }
  }
  return refs;
}

/** S3 form-encodes keys in notifications: '+' is a space, the rest percent-encoding. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}
