import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localCredentials } from '../../../../local/credentials.js';
import { cloudStatus } from '../../../../local/test/support/cloudProcess.js';
import { regionConfig, type MeridianConfig } from '../../../../regions/config.js';
import { apiBase, until } from '../../../../local/test/support/regionClients.js';

/** What the search e2e tests need of a running local cloud with destinations and search deployed (stage local). */
export const EAST = 'us-east-1';
export const WEST = 'us-west-2';

export interface SearchResult {
  id: string;
  name: string;
  description: string;
  url: string;
}

export interface SearchCloud {
  config: MeridianConfig;
  /** `where`: a region name, or 'front-door'. */
  base(where: string): string;
  search(where: string, text: string, size?: number): Promise<SearchResult[]>;
  propose(region: string, body: { name: string; description?: string }): Promise<string>;
  remove(region: string, id: string): Promise<void>;
  /** The user metadata of a destination's view object in a region's search bucket, or undefined when there is none. */
  viewMetadata(region: string, id: string): Promise<Record<string, string> | undefined>;
  bucket(region: string): string;
  close(): void;
}

export function searchCloud(config: MeridianConfig): SearchCloud {
  const s3 = Object.fromEntries(config.regions.map((r) => [r.region, new S3Client({
    region: r.region,
    endpoint: `http://127.0.0.1:${r.local.ports.objects}`,
    forcePathStyle: true,
    credentials: localCredentials,
  })]));
  const base = (where: string) => apiBase(config, where);
  const send = async (where: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base(where)}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    config,
    base,
    async search(where, text, size = 10) {
      const res = await send(where, 'GET', `/search?q=${encodeURIComponent(text)}&size=${size}`);
      if (res.status !== 200) throw new Error(`GET /search in ${where}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as SearchResult[];
    },
    async propose(region, body) {
      const res = await send(region, 'POST', '/destinations', body);
      if (res.status !== 202) throw new Error(`POST /destinations in ${region}: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { id: string }).id;
    },
    async remove(region, id) {
      const res = await send(region, 'DELETE', `/destinations/${id}`);
      if (res.status !== 202) throw new Error(`DELETE /destinations/${id} in ${region}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async viewMetadata(region, id) {
      try {
        const head = await s3[region]!.send(new HeadObjectCommand({ Bucket: regionConfig(config, region).names.searchBucket, Key: `destinations/${id}.json` }));
        return head.Metadata ?? {};
      } catch (err) {
        if ((err as Error).name === 'NotFound') return undefined;
        throw err;
      }
    },
    bucket: (region) => regionConfig(config, region).names.searchBucket,
    close() {
      for (const c of Object.values(s3)) c.destroy();
    },
  };
}

/** Fails with what is missing when the running cloud has not deployed both services into every region. */
export async function requireSearchDeployed(config: MeridianConfig): Promise<void> {
  const status = await cloudStatus(config);
  const missing = (status?.regions ?? []).flatMap((r) =>
    ['destinations', 'search'].filter((s) => !r.deployed?.services.some((d) => d.service === s)).map((s) => `${s} in ${r.region}`));
  if (!status || missing.length > 0) {
    throw new Error(`not deployed: ${status ? missing.join(', ') : 'no local cloud answers'}; the local cloud deploys services/*/serverless.yml at start (see \`npx meridian status\` and the cloud log)`);
  }
}

/** The shared poll (local/test/support), with this suite's patience: a whole cloud is slower than one region. */
export const eventually = <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => until(what, probe, ms);
