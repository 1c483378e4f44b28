/** S3 event notification messages in AWS's shape (event structure version 2.1). */

export type S3EventName =
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectRemoved:Delete'
  | 'ObjectRemoved:DeleteMarkerCreated'
  | 'ObjectTagging:Put'
  | 'ObjectTagging:Delete';

export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: S3EventName;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: {
      /** URL-encoded as S3 does it (spaces as '+'). */
      key: string;
      /** Absent on ObjectRemoved events, as on AWS. */
      size?: number;
      eTag?: string;
      /** Present when the bucket has versioning configured. */
      versionId?: string;
      sequencer: string;
    };
  };
}

export interface S3EventMessage {
  Records: S3EventRecord[];
}

/** What happened to one object, before it is matched against a bucket's configurations. */
export interface ObjectEvent {
  eventName: S3EventName;
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
  sequencer: string;
  eventTime: string;
}

/** Who asked and which request did it: the parts of a record that come from the request. */
export interface RequestOrigin {
  region: string;
  accountId: string;
  principalId: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
}

export function eventRecord(event: ObjectEvent, origin: RequestOrigin, configurationId: string): S3EventRecord {
  // Built in AWS's field order, so a logged record reads like a real one.
  const object: S3EventRecord['s3']['object'] = {
    key: eventKey(event.key),
    ...(event.size !== undefined && { size: event.size }),
    ...(event.etag !== undefined && { eTag: event.etag }),
    ...(event.versionId !== undefined && { versionId: event.versionId }),
    sequencer: event.sequencer,
  };
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: origin.region,
    eventTime: event.eventTime,
    eventName: event.eventName,
    userIdentity: { principalId: origin.principalId },
    requestParameters: { sourceIPAddress: origin.sourceIp },
    responseElements: { 'x-amz-request-id': origin.requestId, 'x-amz-id-2': origin.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: event.bucket, ownerIdentity: { principalId: origin.accountId }, arn: `arn:aws:s3:::${event.bucket}` },
      object,
    },
  };
}

/** S3 form-encodes keys in events: spaces become '+', '/' stays, the rest is percent-encoded. */
export function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** Hex, fixed width, so it compares correctly both as a string and as a number. */
export function sequencerHex(counter: number): string {
  return counter.toString(16).toUpperCase().padStart(18, '0');
}
