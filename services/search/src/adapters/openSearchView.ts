import { Client, errors } from '@opensearch-project/opensearch';
import { INDEX_MAPPINGS, once, searchBody, SearchUnavailableError, toHits, type SearchView } from './searchView.js';

/**
 * The search view through @opensearch-project/opensearch: Amazon OpenSearch Service (give it a client
 * with the SigV4 signer, see searchViewFromEnv.ts) and the local engine (no signing).
 */
export function openSearchView(client: Client, index: string, engine = 'opensearch'): SearchView {
  const ensureIndex = once(async () => {
    try {
      const exists = await client.indices.exists({ index });
      if (exists.body) return;
      await client.indices.create({ index, body: { mappings: INDEX_MAPPINGS } });
    } catch (err) {
      // Another writer created it first: that is what we wanted.
      if (errorType(err) === 'resource_already_exists_exception') return;
      throw unavailable(err, engine, `create index ${index}`);
    }
  });
  return {
    engine,
    ensureIndex,
    async put(doc) {
      await ensureIndex();
      try {
        await client.index({ index, id: doc.id, body: doc });
      } catch (err) {
        throw unavailable(err, engine, `index ${doc.id}`);
      }
    },
    async remove(id) {
      try {
        await client.delete({ index, id });
      } catch (err) {
        if (status(err) === 404) return; // not there (or no index yet): already removed
        throw unavailable(err, engine, `remove ${id}`);
      }
    },
    async search(text, size) {
      try {
        const r = await client.search({ index, body: searchBody(text, size) });
        return toHits((r.body as { hits: { hits: Parameters<typeof toHits>[0] } }).hits.hits);
      } catch (err) {
        if (errorType(err) === 'index_not_found_exception') return [];
        throw unavailable(err, engine, 'search');
      }
    },
    close: () => client.close(),
  };
}

function status(err: unknown): number | undefined {
  return err instanceof errors.ResponseError ? (err.statusCode ?? undefined) : undefined;
}

function errorType(err: unknown): string | undefined {
  if (!(err instanceof errors.ResponseError)) return undefined;
  return (err.body as { error?: { type?: string } } | undefined)?.error?.type;
}

function unavailable(err: unknown, engine: string, what: string): Error {
  const reason = err instanceof errors.ResponseError ? `${err.statusCode ?? '?'} ${errorType(err) ?? err.message}` : (err as Error).message;
  return new SearchUnavailableError(`${engine} search engine: ${what} failed (${reason})`, { cause: err });
}
