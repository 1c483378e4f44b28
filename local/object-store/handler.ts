/** The HTTP entry point: request ids, routing to an operation, and S3-shaped errors for everything that throws. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  getBucketNotification,
  getBucketVersioning,
  headBucket,
  listBuckets,
  putBucketNotification,
  putBucketVersioning,
} from './bucketOperations.js';
import type { RequestContext, Services } from './context.js';
import { copyObject } from './copyObject.js';
import { deleteObject, deleteObjects } from './deleteObject.js';
import { getObject } from './getObject.js';
import { listObjectsV1, listObjectsV2, listObjectVersions } from './listObjects.js';
import { completeMultipartUpload } from './completeMultipartUpload.js';
import { listMultipartUploads, listParts } from './multipartListings.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart, uploadPartCopy } from './multipartUpload.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './objectTagging.js';
import { putObject } from './putObject.js';
import type { Operation } from './router.js';
import { route } from './router.js';
import { errorXml, S3Error } from './s3Errors.js';

const OPERATIONS: Record<Operation, (ctx: RequestContext) => void | Promise<void>> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  ListObjects: listObjectsV1,
  ListObjectsV2: listObjectsV2,
  ListObjectVersions: listObjectVersions,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  GetBucketNotificationConfiguration: getBucketNotification,
  PutBucketNotificationConfiguration: putBucketNotification,
  DeleteObjects: deleteObjects,
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: getObject,
  HeadObject: getObject,
  DeleteObject: deleteObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  PutObjectTagging: putObjectTagging,
  GetObjectTagging: getObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
};

export function createHandler(services: Services, log: (message: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const hostId = randomBytes(24).toString('base64');
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', hostId);
    res.setHeader('x-meridian-region', services.region);
    res.setHeader('server', 'MeridianS3');
    const ctx: RequestContext = { req, res, services, requestId, hostId, bucket: undefined, key: undefined, query: new URLSearchParams() };
    try {
      const r = route(req);
      Object.assign(ctx, { bucket: r.bucket, key: r.key, query: r.query });
      await OPERATIONS[r.operation](ctx);
    } catch (err) {
      const error = err instanceof S3Error ? err : new S3Error('InternalError');
      if (!(err instanceof S3Error)) log(`object-store: ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(ctx, error);
    }
  };
}

function sendError(ctx: RequestContext, error: S3Error): void {
  const { req, res } = ctx;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The body may not have been read (an early NoSuchBucket): close instead of draining an unknown upload.
  if (!req.complete) res.setHeader('connection', 'close');
  if (error.status === 304) {
    res.writeHead(304, error.headers);
    res.end();
    return;
  }
  const body = req.method === 'HEAD' ? undefined : Buffer.from(errorXml(error, ctx.requestId, ctx.hostId), 'utf8');
  res.writeHead(error.status, { ...error.headers, 'content-type': 'application/xml', ...(body && { 'content-length': body.length }) });
  res.end(body);
}
