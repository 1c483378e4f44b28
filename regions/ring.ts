import type { MeridianConfig } from './config.js';
import { regionConfig } from './config.js';

/** The region after `region` on the ring (config/<region>.yml `next`). */
export function nextRegion(config: MeridianConfig, region: string): string {
  return regionConfig(config, region).next;
}

/** Every region in ring order, starting at `origin`. */
export function ringFrom(config: MeridianConfig, origin: string): string[] {
  const order = [origin];
  for (let at = nextRegion(config, origin); at !== origin; at = nextRegion(config, at)) order.push(at);
  return order;
}
