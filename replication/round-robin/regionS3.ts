import { S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client for a named region. In the local cloud MERIDIAN_REGION_ENDPOINTS (JSON
 * `{"<region>": {"s3": url, ...}}`) names every region's endpoints, and it must be used even for
 * this region's own S3: the SDK would otherwise send every client, whatever its region, to this
 * region's AWS_ENDPOINT_URL_S3. On AWS the variable is unset and the SDK's regional default applies.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Fail fast: a region that does not answer makes the handler throw, and the topic redelivers later. */
const TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 10_000 };

export function s3ClientForRegion(region: string, env: Env): S3Client {
  const endpoint = regionEndpoint(region, 's3', env);
  if (endpoint === undefined) return new S3Client({ region, requestHandler: TIMEOUTS, maxAttempts: 2 });
  // Local endpoints are host:port, not bucket.host: path-style addressing.
  return new S3Client({ region, endpoint, forcePathStyle: true, requestHandler: TIMEOUTS, maxAttempts: 2 });
}

/** The local cloud's endpoint of `service` in `region`, or undefined on AWS (variable unset). */
export function regionEndpoint(region: string, service: string, env: Env): string | undefined {
  const raw = env.MERIDIAN_REGION_ENDPOINTS;
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('MERIDIAN_REGION_ENDPOINTS is not JSON; it must look like {"us-west-2": {"s3": "http://127.0.0.1:4022"}}');
  }
  const endpoints = (parsed as Record<string, Record<string, unknown> | undefined> | null)?.[region];
  const url = endpoints?.[service];
  if (typeof url !== 'string' || url === '') {
    throw new Error(`MERIDIAN_REGION_ENDPOINTS has no ${service} endpoint for ${region}; the local cloud lists every region it runs — is ${region} in config/?`);
  }
  return url;
}
