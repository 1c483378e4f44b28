/**
 * Object tags: x-amz-tagging on PUT, CreateMultipartUpload and CopyObject, and Put/Get/DeleteObjectTagging
 * (AWS CLI v2 reads a source's tags before every multipart copy). Validated as S3 validates them.
 */
import type { RequestContext } from './context.js';
import { header, requireBucket, requireKey, sendEmpty, sendXml } from './context.js';
import { resolveVersion } from './getObject.js';
import { enqueueObjectEvent } from './objectEvents.js';
import { readSmallBody } from './requestBody.js';
import { S3Error } from './s3Errors.js';
import type { ObjectVersion, Tag } from './store.js';
import { childNamed, childrenNamed, childText, document, el, node, parseXml, XmlParseError } from './xml.js';

const MAX_TAGS = 10;

function checkTags(tags: Tag[]): Tag[] {
  if (tags.length > MAX_TAGS) throw new S3Error('BadRequest', `Object tags cannot be greater than ${MAX_TAGS}`);
  const keys = new Set<string>();
  for (const { Key, Value } of tags) {
    if ([...Key].length < 1 || [...Key].length > 128) throw new S3Error('InvalidTag', 'The TagKey you have provided is too long, max 128');
    if ([...Value].length > 256) throw new S3Error('InvalidTag', 'The TagValue you have provided is too long, max 256');
    if (Key.toLowerCase().startsWith('aws:')) throw new S3Error('InvalidTag', 'Your TagKey cannot be prefixed with aws:');
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(Key) || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(Value)) {
      throw new S3Error('InvalidTag', 'The TagKey or TagValue you have provided contains characters S3 does not allow in tags.');
    }
    if (keys.has(Key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    keys.add(Key);
  }
  return tags;
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query encoding); no header, no tags. */
export function tagsFromHeader(ctx: RequestContext): Tag[] {
  const value = header(ctx, 'x-amz-tagging');
  if (value === undefined || value === '') return [];
  return checkTags([...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value })));
}

export function parseTaggingXml(xml: string): Tag[] {
  let root;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlParseError) throw new S3Error('MalformedXML');
    throw e;
  }
  const tagSet = root.name === 'Tagging' ? childNamed(root, 'TagSet') : undefined;
  if (!tagSet) throw new S3Error('MalformedXML');
  return checkTags(
    childrenNamed(tagSet, 'Tag').map((t) => {
      const Key = childText(t, 'Key');
      if (Key === undefined) throw new S3Error('MalformedXML');
      return { Key, Value: childText(t, 'Value') ?? '' };
    }),
  );
}

function taggedVersion(ctx: RequestContext): ObjectVersion {
  const key = requireKey(ctx);
  return resolveVersion(ctx, requireBucket(ctx), key, ctx.query.get('versionId'));
}

function versionHeader(ctx: RequestContext, v: ObjectVersion): Record<string, string> {
  return requireBucket(ctx).versioning !== undefined ? { 'x-amz-version-id': v.versionId } : {};
}

export function getObjectTagging(ctx: RequestContext): void {
  const v = taggedVersion(ctx);
  const tags = v.tags.map((t) => node('Tag', el('Key', t.Key), el('Value', t.Value)));
  sendXml(ctx, 200, document('Tagging', node('TagSet', ...tags)), versionHeader(ctx, v));
}

async function setTagging(ctx: RequestContext, tags: Tag[], eventName: 'ObjectTagging:Put' | 'ObjectTagging:Delete'): Promise<ObjectVersion> {
  const { store } = ctx.services;
  const v = store.transaction(() => {
    const found = taggedVersion(ctx);
    store.setTags(found.seq, tags);
    const bucket = requireBucket(ctx);
    enqueueObjectEvent(ctx, bucket, { eventName, key: found.key, ...(bucket.versioning && { versionId: found.versionId }) });
    return found;
  });
  ctx.services.outbox?.kick();
  return v;
}

export async function putObjectTagging(ctx: RequestContext): Promise<void> {
  taggedVersion(ctx); // NoSuchKey before reading a body for nothing
  const tags = parseTaggingXml((await readSmallBody(ctx, 64 * 1024)).toString('utf8'));
  const v = await setTagging(ctx, tags, 'ObjectTagging:Put');
  sendEmpty(ctx, 200, versionHeader(ctx, v));
}

export async function deleteObjectTagging(ctx: RequestContext): Promise<void> {
  const v = await setTagging(ctx, [], 'ObjectTagging:Delete');
  sendEmpty(ctx, 204, versionHeader(ctx, v));
}
