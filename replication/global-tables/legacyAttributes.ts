import type { Item } from './attributeValues.js';

/**
 * Global tables version 2017.11.29 ("legacy") wrote these attributes on every item, in every
 * replica, including the origin; consumers such as the book's origin filter read them.
 * Current tables (2019.11.21) add nothing, and neither does Meridian in current mode.
 */
export const LEGACY_ATTRIBUTES = ['aws:rep:updateregion', 'aws:rep:updatetime', 'aws:rep:deleting'] as const;

export function stampLegacy(item: Item, region: string, writtenAtMs: number): Item {
  return {
    ...item,
    'aws:rep:updateregion': { S: region },
    // Seconds with a fraction, as the legacy service wrote them (e.g. 1534819304.087001).
    'aws:rep:updatetime': { N: String(writtenAtMs / 1000) },
    'aws:rep:deleting': { BOOL: false },
  };
}
