import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import type { Log } from '../../../toolkit/logger.js';
import { decodeRecord, HEALTH_PROBE, type KinesisRecord } from '../adapters/kinesisRecords.js';
import { geolocationAnswer } from '../domain/eventFactory.js';
import { locationToValidate, type DestinationEvent } from '../domain/events.js';
import { checkGeolocation } from '../domain/geolocation.js';
import { derivedId } from '../domain/ids.js';
import { CONSUMER_CONCURRENCY, concurrencyLimit } from './concurrency.js';
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
  log: Log;
}

export const ANSWER_ID_NAMESPACE = 'destinations/geolocation-validation';

export function createLocationValidator(deps: LocationValidatorDeps): (records: readonly KinesisRecord[]) => Promise<KinesisStreamBatchResponse> {
  const answer = async (event: DestinationEvent) => {
    const location = locationToValidate(event);
    if (!location) return;
    const verdict = checkGeolocation(location);
    const origin = { id: derivedId(ANSWER_ID_NAMESPACE, event.id), timestamp: deps.clock.now(), tags: { region: deps.region, user: event.tags.user } };
    const outcome = await deps.store.append(geolocationAnswer(event.partitionKey, event.id, location, verdict, origin));
    deps.log.debug(outcome === 'appended' ? 'location answered' : 'location already answered', { destinationId: event.partitionKey, validates: event.id, valid: verdict.valid });
  };

  const slot = concurrencyLimit(CONSUMER_CONCURRENCY);
  const handleRecord = async (record: KinesisRecord) => {
    const delivered = decodeRecord(record);
    if ('problem' in delivered) {
      // Retrying cannot make it an event: skipped, so it does not hold up the shard.
      deps.log[delivered.problem === HEALTH_PROBE ? 'debug' : 'error']('skipped a record that is not a destination event', { sequenceNumber: delivered.sequenceNumber, problem: delivered.problem });
      return;
    }
    try {
      await slot(() => answer(delivered.event));
    } catch (error) {
      deps.log.warn('could not answer; the batch resumes from this record', { error, sequenceNumber: delivered.sequenceNumber });
      throw error;
    }
  };

  /*
   * Answers are independent of each other (the read model matches an answer to the event it
   * validates, whatever their order), so Powertools' batch processor fits: every record is handled,
   * every failed one reported, and Lambda redelivers from the lowest of them. The answered records
   * among the redelivered ones cost a conditional put that changes nothing.
   */
  return (records) =>
    processPartialResponse({ Records: [...records] }, handleRecord, new BatchProcessor(EventType.KinesisDataStreams), {
      // A batch that failed whole is reported record by record like any other, not thrown: the
      // same redelivery, without Lambda bisecting the batch.
      throwOnFullBatchFailure: false,
    });
}
