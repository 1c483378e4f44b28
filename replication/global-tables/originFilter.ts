import type { DynamoDBRecord } from 'aws-lambda';
import { canonicalItem, type StreamItem } from './attributeValues.js';
import { LEGACY_ATTRIBUTES } from './legacyAttributes.js';

/**
 * Which region a global-table write came from, so a stream trigger publishes each write's domain
 * event once, system-wide: only the region that took the write publishes it.
 *
 * Legacy tables (2017.11.29) carry `aws:rep:updateregion` on every item. Current tables
 * (2019.11.21) carry nothing, so every Meridian writer stamps the item with ORIGIN_ATTRIBUTE.
 * The legacy attribute wins when present: on a legacy table it is AWS's own word.
 */
export const ORIGIN_ATTRIBUTE = 'meridian:origin';
export const LEGACY_ORIGIN_ATTRIBUTE = 'aws:rep:updateregion';

type Image = StreamItem;

/** The fields of a DynamoDB stream record (as Lambda delivers it) the filter reads. */
export type OriginRecord = Pick<DynamoDBRecord, 'eventName' | 'dynamodb'>;

/** The region an item image says it was written in, or undefined when it carries neither attribute. */
export function originOf(image: Image | undefined): string | undefined {
  return image?.[LEGACY_ORIGIN_ATTRIBUTE]?.S ?? image?.[ORIGIN_ATTRIBUTE]?.S;
}

/**
 * True when the record's write was taken in `region`. A REMOVE is never "from here": a current
 * table's stream cannot say which region deleted an item, so services delete by writing a tombstone
 * (a MODIFY that carries its origin) and let TTL or a sweeper drop it later.
 */
export function isFromRegion(record: OriginRecord, region: string): boolean {
  if (record.eventName === 'REMOVE') return false;
  const { NewImage, OldImage } = record.dynamodb ?? {};
  if (originOf(NewImage) !== region) return false;
  // A legacy table stamps aws:rep:* onto the origin's item after the write: that second record is
  // replication bookkeeping, not a second domain write.
  return !(record.eventName === 'MODIFY' && OldImage && NewImage && sameApartFromLegacy(OldImage, NewImage));
}

function sameApartFromLegacy(a: Image, b: Image): boolean {
  const strip = (image: Image): Image => {
    const copy = { ...image };
    for (const name of LEGACY_ATTRIBUTES) delete copy[name];
    return copy;
  };
  return canonicalItem(strip(a)) === canonicalItem(strip(b));
}

/** Adds the origin stamp to an item about to be written in `region` (plain objects, as lib-dynamodb takes them). */
export function stampOrigin<T extends Record<string, unknown>>(item: T, region: string): T & { [ORIGIN_ATTRIBUTE]: string } {
  return { ...item, [ORIGIN_ATTRIBUTE]: region };
}
