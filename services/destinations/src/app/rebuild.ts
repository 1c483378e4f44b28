import type { DestinationEvent } from '../domain/events.js';
import { project } from '../domain/readModel.js';
import type { Logger } from '../logger.js';
import type { EventStore, ReadModelStore } from './ports.js';

export interface RebuildDeps {
  events: Pick<EventStore, 'history'>;
  readModel: Pick<ReadModelStore, 'save'>;
  log: Logger;
}

/**
 * Folds a destination's whole history in this region's event store (plus events just delivered, in
 * case the store has not got them yet) and saves the view under the inverse optimistic lock.
 */
export async function rebuildDestination(deps: RebuildDeps, destinationId: string, delivered: DestinationEvent[] = []): Promise<void> {
  const view = project([...(await deps.events.history(destinationId)), ...delivered]);
  if (!view) {
    deps.log.warn('no proposal for these events yet; nothing to build', { destinationId });
    return;
  }
  const outcome = await deps.readModel.save(view);
  deps.log.debug(outcome === 'written' ? 'read model written' : 'read model already as new', { destinationId, lastEventAt: view.lastEventAt, eventCount: view.eventCount });
}
