import { EVENT_TYPES, type DestinationEvent, type DestinationEventType, type Location } from './events.js';

/**
 * Checks that a value read back from the event stream or the event store is a destination event
 * this code understands. Consumers get at-least-once delivery of whatever is on the stream; a
 * record that is not one of these events is reported (with the reason) and skipped, never thrown
 * on forever.
 */
export function parseEvent(value: unknown): { ok: true; event: DestinationEvent } | { ok: false; reason: string } {
  if (!isRecord(value)) return bad('not a JSON object');
  const { id, type, timestamp, partitionKey, tags, destination } = value;
  if (typeof id !== 'string' || id === '') return bad('id must be a non-empty string');
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) return bad('type is not a destination event type');
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return bad('timestamp must be epoch milliseconds');
  if (typeof partitionKey !== 'string' || partitionKey === '') return bad('partitionKey must be a non-empty string');
  if (!isRecord(tags) || typeof tags.region !== 'string' || typeof tags.user !== 'string') return bad('tags must carry region and user');
  if (!isRecord(destination) || destination.id !== partitionKey) return bad('destination.id must equal partitionKey');
  const problem = checkPayload(type as DestinationEventType, value, destination);
  if (problem) return bad(problem);
  return { ok: true, event: value as unknown as DestinationEvent };
}

function checkPayload(type: DestinationEventType, event: Record<string, unknown>, destination: Record<string, unknown>): string | undefined {
  switch (type) {
    case 'destinationProposed':
      if (typeof destination.name !== 'string') return 'a proposal needs destination.name';
      return checkOptionalFields(destination);
    case 'destinationUpdated':
      if (destination.name !== undefined && typeof destination.name !== 'string') return 'destination.name must be a string';
      return checkOptionalFields(destination);
    case 'destinationRemoved':
      return undefined;
    case 'geolocationValidationSucceeded':
    case 'geolocationValidationFailed':
      if (typeof event.validates !== 'string') return 'a validation answer names the event it validates';
      if (!isLocation(event.location)) return 'a validation answer carries the location it checked';
      if (type === 'geolocationValidationFailed' && typeof event.reason !== 'string') return 'a failed validation carries a reason';
      return undefined;
  }
}

function checkOptionalFields(destination: Record<string, unknown>): string | undefined {
  if (destination.description !== undefined && typeof destination.description !== 'string') return 'destination.description must be a string';
  if (destination.location !== undefined && !isLocation(destination.location)) return 'destination.location must be {lat, lon} numbers';
  return undefined;
}

function isLocation(value: unknown): value is Location {
  return isRecord(value) && typeof value.lat === 'number' && typeof value.lon === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
