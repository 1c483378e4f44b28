import type { DestinationEvent } from '../domain/events.js';
import { isNewer, project, type ReadModelVersion } from '../domain/readModel.js';
import type { Log } from '../../../toolkit/logger.js';
import type { EventStore, ReadModelStore } from './ports.js';

export interface RebuildDeps {
  events: Pick<EventStore, 'history'>;
  readModel: Pick<ReadModelStore, 'save'>;
  log: Log;
}

export interface RebuildConditions {
  /** Write only if the view is newer than this version (what the read model is known to hold). */
  ifNewerThan?: ReadModelVersion;
  /** Write only if the destination has an event taken in this region. */
  ifTouchedIn?: string;
}

/**
 * Folds a destination's whole history in this region's event store (plus events just delivered, in
 * case the store has not got them yet) and saves the view under the inverse optimistic lock, when
 * the conditions hold.
 */
export async function rebuildDestination(deps: RebuildDeps, destinationId: string, delivered: DestinationEvent[] = [], only: RebuildConditions = {}): Promise<void> {
  const history = [...(await deps.events.history(destinationId)), ...delivered];
  if (only.ifTouchedIn !== undefined && !history.some((e) => e.tags.region === only.ifTouchedIn)) return;
  const view = project(history);
  if (!view) {
    deps.log.warn('no proposal for these events yet; nothing to build', { destinationId });
    return;
  }
  // The caller saw the stored item's version (a read-model stream record): spare the write the lock would refuse.
  if (only.ifNewerThan && !isNewer(view, only.ifNewerThan)) return;
  const outcome = await deps.readModel.save(view);
  deps.log.debug(outcome === 'written' ? 'read model written' : 'read model already as new', { destinationId, lastEventAt: view.lastEventAt, eventCount: view.eventCount });
}
