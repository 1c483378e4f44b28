import { Client, errors } from '@elastic/elasticsearch';
import { INDEX_MAPPINGS, once, searchBody, SearchUnavailableError, toHits, type SearchView } from './searchView.js';

/** The search view through @elastic/elasticsearch (an Elasticsearch cluster; the local engine speaks it too). */
export function elasticsearchView(client: Client, index: string): SearchView {
  const engine = 'elasticsearch';
  const ensureIndex = once(async () => {
    try {
      if (await client.indices.exists({ index })) return;
      await client.indices.create({ index, mappings: INDEX_MAPPINGS });
    } catch (err) {
      if (errorType(err) === 'resource_already_exists_exception') return;
      throw unavailable(err, `create index ${index}`);
    }
  });
  return {
    engine,
    ensureIndex,
    async put(doc) {
      await ensureIndex();
      try {
        await client.index({ index, id: doc.id, document: doc });
      } catch (err) {
        throw unavailable(err, `index ${doc.id}`);
      }
    },
    async remove(id) {
      try {
        await client.delete({ index, id });
      } catch (err) {
        if (err instanceof errors.ResponseError && err.statusCode === 404) return;
        throw unavailable(err, `remove ${id}`);
      }
    },
    async search(text, size) {
      try {
        const r = await client.search({ index, ...searchBody(text, size) });
        return toHits(r.hits.hits as Parameters<typeof toHits>[0]);
      } catch (err) {
        if (errorType(err) === 'index_not_found_exception') return [];
        throw unavailable(err, 'search');
      }
    },
    close: () => client.close(),
  };

  function unavailable(err: unknown, what: string): Error {
    const reason = err instanceof errors.ResponseError ? `${err.statusCode ?? '?'} ${errorType(err) ?? err.message}` : (err as Error).message;
    return new SearchUnavailableError(`${engine} search engine: ${what} failed (${reason})`, { cause: err });
  }
}

function errorType(err: unknown): string | undefined {
  if (!(err instanceof errors.ResponseError)) return undefined;
  return (err.body as { error?: { type?: string } } | undefined)?.error?.type;
}
