/**
 * The domain events of a destination, as stored in the event store and published on the event
 * stream. Every event has the book's contract {id, type, timestamp, partitionKey, tags}
 * (seed notes §1); partitionKey is the destination id, so one destination's events stay in order on
 * one shard. tags.user carries the caller's identity from the start (DESIGN: commands get
 * authentication later; the event shape must not change then).
 */

export interface Location {
  lat: number;
  lon: number;
}

export interface EventTags {
  /** The region that took the command (or ran the validator). */
  region: string;
  /** Who caused the event: the caller of the command; 'anonymous' until commands require authentication. */
  user: string;
}

interface EventBase<T extends string> {
  id: string;
  type: T;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The destination id. */
  partitionKey: string;
  tags: EventTags;
}

export interface DestinationProposed extends EventBase<'destinationProposed'> {
  destination: { id: string; name: string; description?: string; location?: Location };
}

/** Only the fields the command changed are present. */
export interface DestinationUpdated extends EventBase<'destinationUpdated'> {
  destination: { id: string; name?: string; description?: string; location?: Location };
}

export interface DestinationRemoved extends EventBase<'destinationRemoved'> {
  destination: { id: string };
}

/** The validator's answer to the event (proposal or update) that set `location`. */
export interface GeolocationValidationSucceeded extends EventBase<'geolocationValidationSucceeded'> {
  destination: { id: string };
  /** Id of the event whose location was checked. */
  validates: string;
  location: Location;
}

export interface GeolocationValidationFailed extends EventBase<'geolocationValidationFailed'> {
  destination: { id: string };
  validates: string;
  location: Location;
  reason: string;
}

export type CommandEvent = DestinationProposed | DestinationUpdated | DestinationRemoved;
export type ValidationEvent = GeolocationValidationSucceeded | GeolocationValidationFailed;
export type DestinationEvent = CommandEvent | ValidationEvent;
export type DestinationEventType = DestinationEvent['type'];

export const COMMAND_EVENT_TYPES = ['destinationProposed', 'destinationUpdated', 'destinationRemoved'] as const satisfies readonly CommandEvent['type'][];
export const VALIDATION_EVENT_TYPES = ['geolocationValidationSucceeded', 'geolocationValidationFailed'] as const satisfies readonly ValidationEvent['type'][];
export const EVENT_TYPES: readonly DestinationEventType[] = [...COMMAND_EVENT_TYPES, ...VALIDATION_EVENT_TYPES];

/** The location an event asks the validator to check, if any. */
export function locationToValidate(event: DestinationEvent): Location | undefined {
  return event.type === 'destinationProposed' || event.type === 'destinationUpdated' ? event.destination.location : undefined;
}
