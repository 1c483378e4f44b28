import { HEALTH_PROBE, type Delivered } from '../adapters/kinesisRecords.js';
import type { DestinationEvent } from '../domain/events.js';
import { failedFrom, type StreamBatchResponse } from '../../../toolkit/streamBatch.js';
import { CONSUMER_CONCURRENCY, settleAll } from './concurrency.js';
import { rebuildDestination, type RebuildDeps } from './rebuild.js';

/**
 * Keeps the global read-model table current from this region's event stream. For each destination
 * in a batch it rebuilds the view from the destination's whole history in this region's event
 * store rather than patching the stored item: builders in both regions then compute the same item
 * for the same events, whichever event triggered them (see domain/readModel.ts).
 */
export function createReadModelBuilder(deps: RebuildDeps): (records: Delivered[]) => Promise<StreamBatchResponse> {
  return async (records) => {
    // One rebuild per destination per batch, several destinations at a time.
    const byDestination = new Map<string, { first: string; events: DestinationEvent[] }>();
    for (const record of records) {
      if ('problem' in record) {
        deps.log[record.problem === HEALTH_PROBE ? 'debug' : 'error']('skipped a record that is not a destination event', { sequenceNumber: record.sequenceNumber, problem: record.problem });
        continue;
      }
      const group = byDestination.get(record.event.partitionKey) ?? { first: record.sequenceNumber, events: [] };
      group.events.push(record.event);
      byDestination.set(record.event.partitionKey, group);
    }
    const groups = [...byDestination];
    const results = await settleAll(groups, CONSUMER_CONCURRENCY, ([destinationId, group]) => rebuildDestination(deps, destinationId, group.events));
    // Groups are in order of first appearance: the first failed one has the earliest record to resume from.
    // Redelivering from there repeats some finished work: harmless, it is idempotent.
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed < 0) return failedFrom(undefined);
    const [destinationId, group] = groups[failed]!;
    deps.log.warn('could not build; the batch resumes from this destination', { error: (results[failed] as PromiseRejectedResult).reason, destinationId });
    return failedFrom(group.first);
  };
}
