/** Bucket operations: create/head/delete/list, location, versioning and notification configuration. */
import { bucketNameProblem } from './bucketNames.js';
import type { RequestContext } from './context.js';
import { requireBucket, sendEmpty, sendXml } from './context.js';
import { notificationXml, parseNotificationXml, loadNotificationConfig } from './notifications.js';
import { readSmallBody } from './requestBody.js';
import { S3Error } from './s3Errors.js';
import type { XmlNode } from './xml.js';
import { childText, document, el, escapeXml, node, parseXml, XmlParseError } from './xml.js';

const CONFIG_BODY_LIMIT = 1024 * 1024;

async function readXmlBody(ctx: RequestContext, rootName: string, optional = false): Promise<XmlNode | undefined> {
  const data = await readSmallBody(ctx, CONFIG_BODY_LIMIT);
  const text = data.toString('utf8').trim();
  if (!text) {
    if (optional) return undefined;
    throw new S3Error('MalformedXML');
  }
  try {
    const root = parseXml(text);
    if (root.name !== rootName) throw new S3Error('MalformedXML');
    return root;
  } catch (e) {
    if (e instanceof XmlParseError) throw new S3Error('MalformedXML');
    throw e;
  }
}

export function listBuckets(ctx: RequestContext): void {
  const buckets = ctx.services.store.listBuckets().map((b) =>
    node('Bucket', el('Name', b.name), el('CreationDate', b.createdAt), el('BucketRegion', ctx.services.region)),
  );
  sendXml(
    ctx,
    200,
    document('ListAllMyBucketsResult', node('Owner', el('ID', ctx.services.accountId), el('DisplayName', 'meridian')), node('Buckets', ...buckets)),
  );
}

export async function createBucket(ctx: RequestContext): Promise<void> {
  const name = ctx.bucket ?? '';
  const problem = bucketNameProblem(name);
  if (problem) throw new S3Error('InvalidBucketName', problem, { BucketName: name });
  const config = await readXmlBody(ctx, 'CreateBucketConfiguration', true);
  const constraint = config ? childText(config, 'LocationConstraint')?.trim() : undefined;
  const region = ctx.services.region;
  // A bucket asked for in another region means the caller talks to the wrong local region: say so.
  if (constraint && constraint !== region) {
    throw new S3Error('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`);
  }
  // us-east-1 keeps S3's legacy answer: creating a bucket you already own there succeeds (and changes nothing).
  if (!ctx.services.store.createBucket(name, new Date().toISOString()) && region !== 'us-east-1') {
    throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
  }
  sendEmpty(ctx, 200, { location: `/${name}` });
}

export function headBucket(ctx: RequestContext): void {
  requireBucket(ctx);
  sendEmpty(ctx, 200, { 'x-amz-bucket-region': ctx.services.region, 'x-amz-access-point-alias': 'false' });
}

export function deleteBucket(ctx: RequestContext): void {
  const { store, blobs } = ctx.services;
  const parts = store.transaction(() => {
    const bucket = requireBucket(ctx);
    if (store.bucketHasVersions(bucket.name)) throw new S3Error('BucketNotEmpty', undefined, { BucketName: bucket.name });
    store.deleteBucket(bucket.name);
    // S3 deletes a bucket with multipart uploads in progress, and the uploads with it.
    return store.uploads.inBucket(bucket.name).flatMap((u) => store.uploads.remove(u.uploadId));
  });
  for (const p of parts) blobs.remove(p.blob);
  sendEmpty(ctx, 204);
}

export function getBucketLocation(ctx: RequestContext): void {
  requireBucket(ctx);
  // S3 reports us-east-1 as an empty constraint.
  const region = ctx.services.region === 'us-east-1' ? undefined : ctx.services.region;
  sendXml(ctx, 200, document('LocationConstraint', escapeXml(region ?? '')));
}

export function getBucketVersioning(ctx: RequestContext): void {
  const bucket = requireBucket(ctx);
  sendXml(ctx, 200, document('VersioningConfiguration', el('Status', bucket.versioning)));
}

export async function putBucketVersioning(ctx: RequestContext): Promise<void> {
  requireBucket(ctx);
  const root = (await readXmlBody(ctx, 'VersioningConfiguration')) as XmlNode;
  const status = childText(root, 'Status')?.trim();
  if (status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  const { store } = ctx.services;
  store.transaction(() => store.setVersioning(requireBucket(ctx).name, status));
  sendEmpty(ctx, 200);
}

export function getBucketNotification(ctx: RequestContext): void {
  const bucket = requireBucket(ctx);
  sendXml(ctx, 200, notificationXml(loadNotificationConfig(bucket.notification)));
}

export async function putBucketNotification(ctx: RequestContext): Promise<void> {
  requireBucket(ctx);
  const data = await readSmallBody(ctx, CONFIG_BODY_LIMIT);
  const config = parseNotificationXml(data.toString('utf8'));
  const { store } = ctx.services;
  store.transaction(() => store.setNotification(requireBucket(ctx).name, config.rules.length || config.eventBridge ? JSON.stringify(config) : undefined));
  sendEmpty(ctx, 200);
}
