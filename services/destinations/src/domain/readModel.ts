import type { DestinationEvent, Location } from './events.js';

/**
 * The read model of one destination: a pure function of the set of its events.
 *
 * Why a set and not "apply each event as it arrives": the two regions' builders each see only the
 * events published in their own region, and both write one global read-model table. Folding the
 * destination's whole history (this region's event-store replica, which holds the other region's
 * events once replicated) means a builder in either region computes the same item for the same
 * events, whichever event triggered it, in whatever order, however often. Repeating an event
 * changes nothing; an old event arriving late lands where its timestamp puts it.
 *
 * The inverse optimistic lock (seed notes §7) is the item's version: the newest event folded in
 * (lastEventAt) and how many events were folded (eventCount). A write only replaces an item whose
 * version is older (see isNewer), so a rebuild from fewer or older events never overwrites a newer one.
 */

export type DestinationStatus = 'pending' | 'locationValidated' | 'failed';

/** The version a read-model item carries; the table's conditional write compares it. */
export interface ReadModelVersion {
  /** Epoch ms of the newest event folded in. */
  lastEventAt: number;
  /** Distinct events folded in. */
  eventCount: number;
}

/** The read-model item (stored as is, plus the origin stamp). The search service relies on this shape. */
export interface DestinationView extends ReadModelVersion {
  id: string;
  name: string;
  description?: string;
  location?: Location;
  status: DestinationStatus;
  /** ISO time of the last event that changed what readers see. */
  updatedAt: string;
  /** Region that took that event. */
  updatedIn: string;
  /** A tombstone: removal is a write, never a DynamoDB delete (a REMOVE cannot be attributed to a region). */
  removed: boolean;
  /** The event that set the current location: only an answer to that event may change the status. */
  locationEventId?: string;
}

/** What GET /destinations/{id} answers. */
export interface DestinationResource {
  id: string;
  name: string;
  description?: string;
  location?: Location;
  status: DestinationStatus;
  updatedAt: string;
  updatedIn: string;
}

type Visible = Omit<DestinationView, keyof ReadModelVersion>;

/** The view of a destination from its events (any order, duplicates allowed); undefined before its proposal. */
export function project(events: readonly DestinationEvent[]): DestinationView | undefined {
  const distinct = [...new Map(events.map((e) => [e.id, e])).values()];
  let state: Visible | undefined;
  for (const event of inFoldOrder(distinct)) state = apply(state, event);
  if (!state) return undefined;
  return { ...state, lastEventAt: Math.max(...distinct.map((e) => e.timestamp)), eventCount: distinct.length };
}

/**
 * The fold's order: the proposal first (a region's clock may run behind the other's, but nothing
 * can happen to a destination before it exists), then by timestamp, ties by event id, so every
 * builder folds the same events in the same order.
 */
export function inFoldOrder(events: readonly DestinationEvent[]): DestinationEvent[] {
  const rank = (e: DestinationEvent) => (e.type === 'destinationProposed' ? 0 : 1);
  return [...events].sort((a, b) => rank(a) - rank(b) || a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One step of the fold. Events that cannot apply (before the proposal, after removal, stale answers) change nothing. */
export function apply(state: Visible | undefined, event: DestinationEvent): Visible | undefined {
  const touched = { updatedAt: new Date(event.timestamp).toISOString(), updatedIn: event.tags.region };
  if (event.type === 'destinationProposed') {
    if (state) return state; // one proposal per id; a second one is not a thing that happens
    const { id, name, description, location } = event.destination;
    return withOptional({ id, name, status: 'pending' as const, removed: false, ...touched }, { description, location, locationEventId: location ? event.id : undefined });
  }
  if (!state || state.removed) return state;
  switch (event.type) {
    case 'destinationUpdated': {
      const { name, description, location } = event.destination;
      const next: Visible = { ...state, ...touched };
      if (name !== undefined) next.name = name;
      if (description !== undefined) next.description = description;
      if (location !== undefined) Object.assign(next, { location, status: 'pending', locationEventId: event.id });
      return next;
    }
    case 'destinationRemoved':
      return { ...state, ...touched, removed: true };
    case 'geolocationValidationSucceeded':
    case 'geolocationValidationFailed':
      // An answer about a location that has since been replaced says nothing about the current one.
      if (event.validates !== state.locationEventId) return state;
      return { ...state, ...touched, status: event.type === 'geolocationValidationSucceeded' ? 'locationValidated' : 'failed' };
  }
}

/** True when `candidate` was built from newer events than `stored` (or nothing is stored): the lock's rule. */
export function isNewer(candidate: ReadModelVersion, stored: ReadModelVersion | undefined): boolean {
  if (!stored) return true;
  return candidate.lastEventAt > stored.lastEventAt || (candidate.lastEventAt === stored.lastEventAt && candidate.eventCount > stored.eventCount);
}

/** What readers see; undefined for a removed destination (GET answers 404). */
export function toResource(view: DestinationView): DestinationResource | undefined {
  if (view.removed) return undefined;
  return withOptional(
    { id: view.id, name: view.name, status: view.status, updatedAt: view.updatedAt, updatedIn: view.updatedIn },
    { description: view.description, location: view.location },
  );
}

/** Adds only the defined optional fields: DynamoDB items and JSON bodies carry no undefined attributes. */
function withOptional<T extends object, O extends object>(base: T, optional: O): T & Partial<O> {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) out[key] = value;
  return out as T & Partial<O>;
}
