import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { originOf } from '../../../../replication/global-tables/originFilter.js';
import { failedFrom } from '../../../toolkit/streamBatch.js';
import type { ReadModelVersion } from '../domain/readModel.js';
import { CONSUMER_CONCURRENCY, settleAll } from './concurrency.js';
import { rebuildDestination, type RebuildDeps } from './rebuild.js';

/**
 * Makes the regions' read models converge on the projection of *all* of a destination's events.
 *
 * The builder runs where an event was published, on that region's event-store replica. Both
 * regions write one global read-model table whose replication is last-writer-wins on whole items,
 * so with commands for one destination in both regions at once, the item that wins can be one
 * built before the other region's event had arrived: identical everywhere, yet missing an event
 * (a status stuck at pending, an update lost) with nothing left to trigger a rebuild.
 *
 * This function closes that gap. It listens to both global tables' streams and, for records that
 * came from another region only, rebuilds the destination from this region's store:
 *   - an event replicated in (event store): this region now knows more than the builder that ran
 *     elsewhere may have known;
 *   - a read-model item replicated in: it may have overwritten a more complete local one.
 * The rebuild is the builder's own fold under the same lock, so it writes only a strictly newer
 * view, and only for a destination that has an event taken in this region: without one, everything
 * this region knows came from elsewhere, and the regions that took those events build them (so the
 * usual command, taken in one region, is built there only, and written to the read model once).
 * It publishes nothing and validates nothing (those stay with the origin region), so every event is
 * still published and answered once.
 */
export function createReadModelConvergence(deps: RebuildDeps & { region: string }): (records: readonly DynamoDBRecord[]) => Promise<DynamoDBBatchResponse> {
  return async (records) => {
    const firstRecord = new Map<string, string | undefined>();
    const storedVersion = new Map<string, ReadModelVersion>();
    for (const record of records) {
      const image = record.dynamodb?.NewImage;
      const origin = originOf(image);
      if (record.eventName === 'REMOVE' || origin === undefined || origin === deps.region) continue;
      // Event-store items are keyed by partitionKey, read-model items by id: both are the destination id.
      const destinationId = image?.partitionKey?.S ?? image?.id?.S;
      if (destinationId === undefined) continue;
      if (!firstRecord.has(destinationId)) firstRecord.set(destinationId, record.dynamodb?.SequenceNumber);
      // A replicated read-model item says what the table holds now; an event-store item says nothing about it.
      const version = versionOf(image);
      if (version) storedVersion.set(destinationId, version);
      else storedVersion.delete(destinationId);
    }
    const destinations = [...firstRecord];
    const results = await settleAll(destinations, CONSUMER_CONCURRENCY, ([destinationId]) => {
      const stored = storedVersion.get(destinationId);
      return rebuildDestination(deps, destinationId, [], { ifTouchedIn: deps.region, ...(stored ? { ifNewerThan: stored } : {}) });
    });
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed < 0) return failedFrom(undefined);
    const [destinationId, sequenceNumber] = destinations[failed]!;
    const error = (results[failed] as PromiseRejectedResult).reason as unknown;
    deps.log.warn('could not converge; the batch resumes from this destination', { error, destinationId });
    if (sequenceNumber === undefined) throw error;
    return failedFrom(sequenceNumber);
  };
}

function versionOf(image: Record<string, { N?: string }> | undefined): ReadModelVersion | undefined {
  const lastEventAt = Number(image?.lastEventAt?.N);
  const eventCount = Number(image?.eventCount?.N);
  return Number.isFinite(lastEventAt) && Number.isFinite(eventCount) && image?.id !== undefined ? { lastEventAt, eventCount } : undefined;
}
