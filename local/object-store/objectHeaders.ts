/** The headers S3 stores with an object (system headers, x-amz-meta-*), read from a request and written to a response. */
import type { IncomingHttpHeaders } from 'node:http';
import { stripAwsChunked } from './awsChunked.js';
import { quoted } from './context.js';
import type { ObjectVersion, StoredHeaders } from './store.js';

export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function storedHeadersFrom(headers: IncomingHttpHeaders): StoredHeaders {
  return {
    contentType: one(headers, 'content-type') ?? DEFAULT_CONTENT_TYPE,
    cacheControl: one(headers, 'cache-control'),
    contentEncoding: stripAwsChunked(one(headers, 'content-encoding')),
    contentDisposition: one(headers, 'content-disposition'),
    contentLanguage: one(headers, 'content-language'),
    expires: one(headers, 'expires'),
  };
}

/** x-amz-meta-* with the prefix removed; names are lower-case as S3 returns them. */
export function userMetadataFrom(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice(11)] = Array.isArray(value) ? value.join(',') : value;
  }
  return metadata;
}

const RESPONSE_OVERRIDES: Array<[string, string]> = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** GET/HEAD headers of a stored version, with response-* query overrides applied. */
export function objectResponseHeaders(v: ObjectVersion, versioned: boolean, query: URLSearchParams): Record<string, string> {
  const h: Record<string, string> = {
    etag: quoted(v.etag),
    'last-modified': new Date(v.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': v.headers.contentType ?? DEFAULT_CONTENT_TYPE,
  };
  if (v.headers.cacheControl !== undefined) h['cache-control'] = v.headers.cacheControl;
  if (v.headers.contentEncoding !== undefined) h['content-encoding'] = v.headers.contentEncoding;
  if (v.headers.contentDisposition !== undefined) h['content-disposition'] = v.headers.contentDisposition;
  if (v.headers.contentLanguage !== undefined) h['content-language'] = v.headers.contentLanguage;
  if (v.headers.expires !== undefined) h['expires'] = v.headers.expires;
  for (const [name, value] of Object.entries(v.metadata)) h[`x-amz-meta-${name}`] = value;
  if (versioned) h['x-amz-version-id'] = v.versionId;
  if (v.tags.length > 0) h['x-amz-tagging-count'] = String(v.tags.length);
  for (const [param, name] of RESPONSE_OVERRIDES) {
    const value = query.get(param);
    if (value !== null) h[name] = value;
  }
  return h;
}
