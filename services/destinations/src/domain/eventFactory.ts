import type { ProposalInput, UpdateInput } from './commandInput.js';
import type {
  DestinationProposed,
  DestinationRemoved,
  DestinationUpdated,
  EventTags,
  GeolocationValidationFailed,
  GeolocationValidationSucceeded,
  Location,
} from './events.js';
import type { GeolocationVerdict } from './geolocation.js';

/** Where and when an event is made, and by whom: supplied by the caller so these stay pure. */
export interface EventOrigin {
  id: string;
  timestamp: number;
  tags: EventTags;
}

export function destinationProposed(destinationId: string, input: ProposalInput, origin: EventOrigin): DestinationProposed {
  return { ...base(origin, destinationId), type: 'destinationProposed', destination: { id: destinationId, ...input } };
}

export function destinationUpdated(destinationId: string, changes: UpdateInput, origin: EventOrigin): DestinationUpdated {
  return { ...base(origin, destinationId), type: 'destinationUpdated', destination: { id: destinationId, ...changes } };
}

export function destinationRemoved(destinationId: string, origin: EventOrigin): DestinationRemoved {
  return { ...base(origin, destinationId), type: 'destinationRemoved', destination: { id: destinationId } };
}

/** The validator's answer to the event `validates` that set `location`. */
export function geolocationAnswer(
  destinationId: string,
  validates: string,
  location: Location,
  verdict: GeolocationVerdict,
  origin: EventOrigin,
): GeolocationValidationSucceeded | GeolocationValidationFailed {
  const common = { ...base(origin, destinationId), destination: { id: destinationId }, validates, location };
  return verdict.valid
    ? { ...common, type: 'geolocationValidationSucceeded' }
    : { ...common, type: 'geolocationValidationFailed', reason: verdict.reason };
}

function base(origin: EventOrigin, destinationId: string) {
  return { id: origin.id, timestamp: origin.timestamp, partitionKey: destinationId, tags: { ...origin.tags } };
}
