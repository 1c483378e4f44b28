/** What every handler gets: the request, its ids, the store, and helpers to answer in S3's shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobStore } from './blobs.js';
import type { RequestOrigin } from './eventRecords.js';
import type { NotificationOutbox } from './outbox.js';
import { S3Error } from './s3Errors.js';
import type { Bucket, MetadataStore } from './store.js';

export interface Services {
  store: MetadataStore;
  blobs: BlobStore;
  /** Absent when nobody listens for notifications: then nothing is enqueued. */
  outbox: NotificationOutbox | undefined;
  region: string;
  accountId: string;
  maxObjectSize: number;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  services: Services;
  requestId: string;
  hostId: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

export function sendXml(ctx: RequestContext, status: number, xml: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(xml, 'utf8');
  ctx.res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': body.length });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
}

export function sendEmpty(ctx: RequestContext, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { ...headers, 'content-length': 0 });
  ctx.res.end();
}

export function requireBucket(ctx: RequestContext): Bucket {
  const name = ctx.bucket ?? '';
  const bucket = ctx.services.store.getBucket(name);
  if (!bucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
  return bucket;
}

export function requireKey(ctx: RequestContext): string {
  if (ctx.key === undefined) throw new S3Error('InvalidRequest', 'A key is required');
  return ctx.key;
}

/** The parts of an event record that describe the request. */
export function requestOrigin(ctx: RequestContext): RequestOrigin {
  const credential = /Credential=([^/,\s]+)\//.exec(header(ctx, 'authorization') ?? '')?.[1];
  return {
    region: ctx.services.region,
    accountId: ctx.services.accountId,
    // No IAM here: the signing access key stands in for the caller's principal.
    principalId: credential ? `AWS:${credential}` : ctx.services.accountId,
    sourceIp: (ctx.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    requestId: ctx.requestId,
    hostId: ctx.hostId,
  };
}

/** HTTP dates are whole seconds; stored times are truncated to match so listings and HEAD agree. */
export function nowToTheSecond(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}

export function quoted(etag: string): string {
  return `"${etag}"`;
}
