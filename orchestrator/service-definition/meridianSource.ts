import { loadConfig, regionConfig, sourcesFromEnv } from '../../regions/config.js';

/**
 * What `${meridian:...}` can read: this region's configuration (`region.next`, `region.accountId`,
 * `region.names.searchBucket`, ...), the next region of the ring (`next.names.searchBucket`), the list
 * of regions and the recovery account. Built from regions/config.ts, the one reader of config/.
 */
export function meridianValues(region: string, configDir: string | undefined): Record<string, unknown> {
  const sources = sourcesFromEnv();
  const config = loadConfig(configDir === undefined ? sources : { ...sources, configDir });
  const here = regionConfig(config, region);
  return {
    region: here,
    next: regionConfig(config, here.next),
    regions: config.regions.map((r) => r.region),
    recovery: { account: config.recovery.account, accountId: config.recovery.accountId },
  };
}
