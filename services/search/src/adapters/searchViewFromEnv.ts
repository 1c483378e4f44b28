import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { elasticsearchView } from './elasticsearchView.js';
import { openSearchView } from './openSearchView.js';
import type { SearchView } from './searchView.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A request the engine has not answered by then fails, and the handler answers 503 (or is retried). */
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The search view of this region, chosen by MERIDIAN_SEARCH_ENGINE (local | opensearch | elasticsearch,
 * from config/<region>.yml; the local cloud sets local) at MERIDIAN_SEARCH_ENDPOINT. Amazon OpenSearch
 * Service is signed with SigV4 using the function's role (the SDK's default credential chain).
 */
export function searchViewFromEnv(env: Env): SearchView {
  const engine = env.MERIDIAN_SEARCH_ENGINE || 'local';
  const endpoint = env.MERIDIAN_SEARCH_ENDPOINT;
  if (!endpoint) {
    throw new Error(`MERIDIAN_SEARCH_ENDPOINT is not set: give config/<region>.yml search.endpoint (the ${engine} engine's URL); the local cloud sets it itself`);
  }
  const node = endpoint.includes('://') ? endpoint : `https://${endpoint}`;
  const index = env.SEARCH_INDEX || 'destinations';
  switch (engine) {
    case 'local':
      // The local engine speaks Elasticsearch's API and checks no signature.
      return openSearchView(new OpenSearchClient({ node, requestTimeout: REQUEST_TIMEOUT_MS, maxRetries: 1 }), index, 'local');
    case 'opensearch': {
      const region = env.AWS_REGION;
      if (!region) throw new Error('AWS_REGION is not set: SigV4 signing for Amazon OpenSearch Service needs the region');
      const credentials = defaultProvider();
      const signer = AwsSigv4Signer({ region, service: 'es', getCredentials: () => credentials() });
      return openSearchView(new OpenSearchClient({ ...signer, node, requestTimeout: REQUEST_TIMEOUT_MS, maxRetries: 1 }), index, 'opensearch');
    }
    case 'elasticsearch':
      return elasticsearchView(new ElasticClient({ node, requestTimeout: REQUEST_TIMEOUT_MS, maxRetries: 1 }), index);
    default:
      throw new Error(`MERIDIAN_SEARCH_ENGINE is "${engine}"; it must be local, opensearch or elasticsearch (config/<region>.yml search.engine)`);
  }
}
