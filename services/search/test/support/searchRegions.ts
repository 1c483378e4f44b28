import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSearchEngine, type SearchEngine } from '../../../../local/search-engine/index.js';
import { s3Client, startRing, type Ring, type RingRegion } from '../../../../replication/round-robin/test/ring.js';
import type { SearchView } from '../../src/adapters/searchView.js';
import { searchViewFromEnv } from '../../src/adapters/searchViewFromEnv.js';
import { viewBucket, type ViewBucket } from '../../src/adapters/viewBucket.js';
import { indexNotifications } from '../../src/app/indexer.js';
import { capturingLogger } from '../../../toolkit/test/support/capturingLogger.js';

/**
 * Regions of the search service on real local components, wired as the local cloud wires a deployed
 * services/search: the round-robin ring of replication/ (per region an object store with the versioned
 * search bucket notifying a topic on created and removed views, real topics delivering to the
 * replicator), plus per region a search engine and the indexer subscribed to the same topic (the
 * handlers' own logic). Regions form a ring in the order given.
 */
export interface SearchRegion extends RingRegion {
  engine: SearchEngine;
  views: ViewBucket;
  search: SearchView;
}

export interface SearchRegions extends Pick<Ring, 'stopStore' | 'startStore' | 'close'> {
  regions: SearchRegion[];
  region(name: string): SearchRegion;
}

/** A client of a test region's object store. */
export const s3For = s3Client;

export async function startSearchRegions(names: string[]): Promise<SearchRegions> {
  const engines = new Map<string, { engine: SearchEngine; search: SearchView; dataDir: string }>();
  for (const name of names) {
    const dataDir = mkdtempSync(join(tmpdir(), `meridian-search-engine-${name}-`));
    const engine = await startSearchEngine({ port: 0, dataDir });
    const search = searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: engine.url, SEARCH_INDEX: 'destinations-test' });
    engines.set(name, { engine, search, dataDir });
  }
  const ring = await startRing(names, {
    functions: {
      indexer: async (region, event) => {
        // A fresh client per delivery (a cold function); the port survives a store restart.
        const s3 = s3Client(region.port, region.name);
        try {
          await indexNotifications({ s3, search: engines.get(region.name)!.search, log: capturingLogger() }, event);
        } finally {
          s3.destroy();
        }
      },
    },
  });
  // The ring's own region objects, extended: a restarted store stays visible through them.
  const regions = ring.regions.map((r) => {
    const { engine, search } = engines.get(r.name)!;
    return Object.assign(r, { engine, search, views: viewBucket(r.s3, r.bucket) });
  });
  return {
    regions,
    region: (name) => ring.region(name) as SearchRegion,
    stopStore: (name) => ring.stopStore(name),
    startStore: (name) => ring.startStore(name),
    async close() {
      await ring.close();
      for (const { engine, search, dataDir } of engines.values()) {
        await search.close();
        await engine.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The suites' one poll-until helper. */
export { until } from '../../../../local/test/support/regionClients.js';
