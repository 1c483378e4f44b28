/**
 * Maps a path-style request (or `bucket.localhost` virtual-host style) to an S3 operation name.
 * Keys are decoded from the raw path and never normalised: `a/../b` is a key like any other.
 */
import type { IncomingMessage } from 'node:http';
import { S3Error } from './s3Errors.js';

export type Operation =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'ListObjectVersions'
  | 'GetBucketVersioning'
  | 'PutBucketVersioning'
  | 'GetBucketNotificationConfiguration'
  | 'PutBucketNotificationConfiguration'
  | 'DeleteObjects'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'ListMultipartUploads'
  | 'PutObjectTagging'
  | 'GetObjectTagging'
  | 'DeleteObjectTagging';

export interface Route {
  operation: Operation;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
}

/** Sub-resources S3 has that this store does not: answered with NotImplemented rather than misread. */
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'encryption', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'logging', 'metrics', 'object-lock', 'ownershipControls', 'policy',
  'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select',
  'torrent', 'website', 'renameObject', 'metadataTable', 'session',
];

export function route(req: IncomingMessage): Route {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
  const method = req.method ?? 'GET';

  let bucket: string | undefined;
  let key: string | undefined;
  const hostBucket = /^(.+)\.localhost(?::\d+)?$/i.exec(req.headers.host ?? '')?.[1];
  if (hostBucket) {
    bucket = hostBucket;
    key = rawPath.length > 1 ? decode(rawPath.slice(1)) : undefined;
  } else {
    const slash = rawPath.indexOf('/', 1);
    const rawBucket = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
    bucket = rawBucket ? decode(rawBucket) : undefined;
    const rawKey = slash === -1 ? '' : rawPath.slice(slash + 1);
    key = rawKey ? decode(rawKey) : undefined;
  }

  const unsupported = UNSUPPORTED_SUBRESOURCES.find((s) => query.has(s));
  if (unsupported) throw new S3Error('NotImplemented', `The ${unsupported} sub-resource is not implemented by the local object store.`);

  if (!bucket) {
    if (method === 'GET') return { operation: 'ListBuckets', bucket, key, query };
    throw notAllowed(method);
  }
  if (key === undefined) {
    if (query.has('tagging')) throw new S3Error('NotImplemented', 'Bucket tagging is not implemented by the local object store.');
    return { operation: bucketOperation(method, query), bucket, key, query };
  }
  return { operation: objectOperation(method, req, query), bucket, key, query };
}

function bucketOperation(method: string, query: URLSearchParams): Operation {
  switch (method) {
    case 'GET':
      if (query.has('uploads')) return 'ListMultipartUploads';
      if (query.has('versioning')) return 'GetBucketVersioning';
      if (query.has('notification')) return 'GetBucketNotificationConfiguration';
      if (query.has('location')) return 'GetBucketLocation';
      if (query.has('versions')) return 'ListObjectVersions';
      if (query.get('list-type') === '2') return 'ListObjectsV2';
      return 'ListObjects';
    case 'PUT':
      if (query.has('versioning')) return 'PutBucketVersioning';
      if (query.has('notification')) return 'PutBucketNotificationConfiguration';
      return 'CreateBucket';
    case 'HEAD':
      return 'HeadBucket';
    case 'DELETE':
      return 'DeleteBucket';
    case 'POST':
      if (query.has('delete')) return 'DeleteObjects';
      throw notAllowed(method);
    default:
      throw notAllowed(method);
  }
}

function objectOperation(method: string, req: IncomingMessage, query: URLSearchParams): Operation {
  const copy = req.headers['x-amz-copy-source'] !== undefined;
  if (query.has('uploadId')) {
    switch (method) {
      case 'PUT':
        return copy ? 'UploadPartCopy' : 'UploadPart';
      case 'POST':
        return 'CompleteMultipartUpload';
      case 'DELETE':
        return 'AbortMultipartUpload';
      case 'GET':
        return 'ListParts';
      default:
        throw notAllowed(method);
    }
  }
  if (query.has('tagging')) {
    if (method === 'PUT') return 'PutObjectTagging';
    if (method === 'GET') return 'GetObjectTagging';
    if (method === 'DELETE') return 'DeleteObjectTagging';
    throw notAllowed(method);
  }
  // GET ?partNumber reads one part of a completed upload: part boundaries are not kept after completion.
  if (query.has('partNumber')) throw new S3Error('NotImplemented', 'Reading an object by part number is not implemented by the local object store.');
  switch (method) {
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      throw notAllowed(method);
    case 'PUT':
      return copy ? 'CopyObject' : 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      throw notAllowed(method);
  }
}

function notAllowed(method: string): S3Error {
  return new S3Error('MethodNotAllowed', `The specified method is not allowed against this resource.`, { Method: method, ResourceType: 'OBJECT' });
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidArgument', 'Could not decode the request path.');
  }
}
