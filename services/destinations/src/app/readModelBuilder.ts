import type { Delivered } from '../adapters/kinesisRecords.js';
import type { DestinationEvent } from '../domain/events.js';
import { project } from '../domain/readModel.js';
import type { BatchItemFailures } from '../../../../replication/global-tables/publishFromOrigin.js';
import type { Logger } from '../logger.js';
import { failedFrom } from './batchFailures.js';
import type { EventStore, ReadModelStore } from './ports.js';

/**
 * Keeps the global read-model table current. For each destination in a batch it folds the
 * destination's whole history from this region's event store (plus the delivered events, in case
 * a replica lags), and saves the result under the inverse optimistic lock. Rebuilding from the
 * history rather than patching the stored item is what makes both regions' builders agree on one
 * item when commands for one destination arrive in both regions at once (see domain/readModel.ts).
 */
export interface ReadModelBuilderDeps {
  events: Pick<EventStore, 'history'>;
  readModel: Pick<ReadModelStore, 'save'>;
  log: Logger;
}

export function createReadModelBuilder(deps: ReadModelBuilderDeps): (records: Delivered[]) => Promise<BatchItemFailures> {
  const rebuild = async (destinationId: string, delivered: DestinationEvent[]) => {
    const view = project([...(await deps.events.history(destinationId)), ...delivered]);
    if (!view) {
      deps.log.warn('no proposal for these events yet; nothing to build', { destinationId });
      return;
    }
    const outcome = await deps.readModel.save(view);
    deps.log.debug(outcome === 'written' ? 'read model written' : 'read model already as new', { destinationId, lastEventAt: view.lastEventAt, eventCount: view.eventCount });
  };

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
        await rebuild(destinationId, group.events);
      } catch (error) {
        // Redelivering from this destination's first record repeats some finished work: harmless, it is idempotent.
        deps.log.warn('could not build; the batch resumes from this destination', { error, destinationId });
        return failedFrom(group.first);
      }
    }
    return failedFrom(undefined);
  };
}
