import { destinationProposed, destinationRemoved, destinationUpdated, geolocationAnswer } from '../../src/domain/eventFactory.js';
import type { Location } from '../../src/domain/events.js';
import { checkGeolocation } from '../../src/domain/geolocation.js';

/** Events with readable ids and explicit times, for tests of the fold and the consumers. */
export const DEST = '5b7c1c6e-2f0a-4d7e-9a53-1d2b3c4d5e6f';
const origin = (id: string, timestamp: number, region = 'us-east-1') => ({ id, timestamp, tags: { region, user: 'anonymous' } });

export const proposed = (id: string, t: number, fields: { name?: string; description?: string; location?: Location } = {}, region?: string) =>
  destinationProposed(DEST, { name: 'Porto', ...fields }, origin(id, t, region));
export const updated = (id: string, t: number, fields: { name?: string; description?: string; location?: Location }, region?: string) =>
  destinationUpdated(DEST, fields, origin(id, t, region));
export const removed = (id: string, t: number, region?: string) => destinationRemoved(DEST, origin(id, t, region));
export const answered = (id: string, t: number, validates: string, location: Location, region?: string) =>
  geolocationAnswer(DEST, validates, location, checkGeolocation(location), origin(id, t, region));
