import type { Delivered } from '../adapters/kinesisRecords.js';
import type { DestinationEvent } from '../domain/events.js';
import type { BatchItemFailures } from '../../../../replication/global-tables/publishFromOrigin.js';
import { failedFrom } from './batchFailures.js';
import { rebuildDestination, type RebuildDeps } from './rebuild.js';

/**
 * Keeps the global read-model table current from this region's event stream. For each destination
 * in a batch it rebuilds the view from the destination's whole history in this region's event
 * store rather than patching the stored item: builders in both regions then compute the same item
 * for the same events, whichever event triggered them (see domain/readModel.ts).
 */
export function createReadModelBuilder(deps: RebuildDeps): (records: Delivered[]) => Promise<BatchItemFailures> {
  return async (records) => {
    // One rebuild per destination per batch, in order of first appearance.
    const byDestination = new Map<string, { first: string; events: DestinationEvent[] }>();
    for (const record of records) {
      if ('problem' in record) {
        deps.log.error('skipped a record that is not a destination event', { sequenceNumber: record.sequenceNumber, problem: record.problem });
        continue;
      }
      const group = byDestination.get(record.event.partitionKey) ?? { first: record.sequenceNumber, events: [] };
      group.events.push(record.event);
      byDestination.set(record.event.partitionKey, group);
    }
    for (const [destinationId, group] of byDestination) {
      try {
        await rebuildDestination(deps, destinationId, group.events);
      } catch (error) {
        // Redelivering from this destination's first record repeats some finished work: harmless, it is idempotent.
        deps.log.warn('could not build; the batch resumes from this destination', { error, destinationId });
        return failedFrom(group.first);
      }
    }
    return failedFrom(undefined);
  };
}
