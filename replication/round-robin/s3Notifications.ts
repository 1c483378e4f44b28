/**
 * S3 event notifications as they reach a function through SNS: each SNS record's Message is the
 * JSON S3 sent to the topic. Small interfaces of our own (no @types/aws-lambda): only the fields read.
 */
export interface SnsLambdaEvent {
  Records: Array<{ Sns: { Message: string; TopicArn?: string } }>;
}

interface S3EventRecord {
  eventName?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string } };
}

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
export function objectRefs(event: SnsLambdaEvent): ObjectRef[] {
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
    for (const r of records as S3EventRecord[]) {
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
