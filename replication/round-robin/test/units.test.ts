import { describe, expect, it } from 'vitest';
import { regionEndpoint } from '../regionS3.js';
import { replicatorSettings } from '../replicateNotifications.js';
import { decodeEventKey, objectRefs } from '../s3Notifications.js';

const snsOf = (message: unknown) => ({ Records: [{ Sns: { Message: JSON.stringify(message) } }] });

describe('S3 notifications inside SNS events', () => {
  it('names each object, keys decoded as S3 encodes them', () => {
    const event = snsOf({ Records: [
      { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'destinations/a+b%2Bc%C3%A9.json' } } },
      { eventName: 'ObjectRemoved:DeleteMarkerCreated', s3: { bucket: { name: 'b' }, object: { key: 'destinations/x.json' } } },
    ] });
    expect(objectRefs(event)).toEqual([
      { bucket: 'b', key: 'destinations/a b+cé.json', eventName: 'ObjectCreated:Put' },
      { bucket: 'b', key: 'destinations/x.json', eventName: 'ObjectRemoved:DeleteMarkerCreated' },
    ]);
    expect(decodeEventKey('a%2Fb+c')).toBe('a/b c');
  });

  it("ignores S3's test event, and says what is wrong with anything that is not a notification", () => {
    expect(objectRefs(snsOf({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
    expect(() => objectRefs({ Records: [{ Sns: { Message: 'not json' } }] })).toThrow(/not JSON/);
    expect(() => objectRefs(snsOf({ Records: [{ s3: { bucket: {} } }] }))).toThrow(/no bucket name or object key/);
  });
});

describe('configuration from the environment', () => {
  it("uses the local cloud's endpoints when given, the SDK default otherwise", () => {
    const env = { MERIDIAN_REGION_ENDPOINTS: JSON.stringify({ 'us-west-2': { s3: 'http://127.0.0.1:4022' } }) };
    expect(regionEndpoint('us-west-2', 's3', env)).toBe('http://127.0.0.1:4022');
    expect(regionEndpoint('us-west-2', 's3', {})).toBeUndefined();
    expect(() => regionEndpoint('eu-west-1', 's3', env)).toThrow(/no s3 endpoint for eu-west-1/);
    expect(() => regionEndpoint('us-west-2', 's3', { MERIDIAN_REGION_ENDPOINTS: '{' })).toThrow(/not JSON/);
  });

  it('names the missing variable and where its value comes from', () => {
    expect(() => replicatorSettings({ AWS_REGION: 'us-east-1', NEXT_REGION: 'us-west-2' })).toThrow(/NEXT_BUCKET is not set/);
    expect(replicatorSettings({ AWS_REGION: 'us-east-1', NEXT_REGION: 'us-west-2', NEXT_BUCKET: 'b' })).toEqual({ region: 'us-east-1', nextRegion: 'us-west-2', nextBucket: 'b' });
    expect(replicatorSettings({ AWS_REGION: 'us-east-1', NEXT_REGION: 'us-west-2', NEXT_BUCKET: 'b', NEXT_BUCKET_OWNER: '222222222222' })).toMatchObject({ nextBucketOwner: '222222222222' });
  });
});
