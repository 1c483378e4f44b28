import type { Delivered } from '../adapters/kinesisRecords.js';
import { geolocationAnswer } from '../domain/eventFactory.js';
import { locationToValidate, type DestinationEvent } from '../domain/events.js';
import { checkGeolocation } from '../domain/geolocation.js';
import { derivedId } from '../domain/ids.js';
import type { BatchItemFailures } from '../../../../replication/global-tables/publishFromOrigin.js';
import type { Logger } from '../logger.js';
import { failedFrom } from './batchFailures.js';
import { CONSUMER_CONCURRENCY, settleAll } from './concurrency.js';
import type { Clock, EventStore } from './ports.js';

/**
 * Answers every proposal or update that carries a location with geolocationValidationSucceeded or
 * geolocationValidationFailed, appended to the event store so that the answer, too, is published
 * once by the stream trigger. The answer's id is derived from the event it answers: a redelivered
 * event gets the same answer id, and the store's conditional put keeps the first one only.
 */
export interface LocationValidatorDeps {
  store: EventStore;
  region: string;
  clock: Clock;
  log: Logger;
}

export const ANSWER_ID_NAMESPACE = 'destinations/geolocation-validation';

export function createLocationValidator(deps: LocationValidatorDeps): (records: Delivered[]) => Promise<BatchItemFailures> {
  const answer = async (event: DestinationEvent) => {
    const location = locationToValidate(event);
    if (!location) return;
    const verdict = checkGeolocation(location);
    const origin = { id: derivedId(ANSWER_ID_NAMESPACE, event.id), timestamp: deps.clock.now(), tags: { region: deps.region, user: event.tags.user } };
    const outcome = await deps.store.append(geolocationAnswer(event.partitionKey, event.id, location, verdict, origin));
    deps.log.debug(outcome === 'appended' ? 'location answered' : 'location already answered', { destinationId: event.partitionKey, validates: event.id, valid: verdict.valid });
  };

  return async (records) => {
    for (const record of records) {
      if ('problem' in record) deps.log.error('skipped a record that is not a destination event', { sequenceNumber: record.sequenceNumber, problem: record.problem });
    }
    const events = records.filter((r): r is Extract<Delivered, { event: DestinationEvent }> => 'event' in r);
    // Answers are independent of each other: several at a time; redelivery from the first failure
    // repeats some answered ones, which the store's conditional put turns into nothing.
    const results = await settleAll(events, CONSUMER_CONCURRENCY, (r) => answer(r.event));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed < 0) return failedFrom(undefined);
    deps.log.warn('could not answer; the batch resumes from this record', { error: (results[failed] as PromiseRejectedResult).reason, sequenceNumber: events[failed]!.sequenceNumber });
    return failedFrom(events[failed]!.sequenceNumber);
  };
}
