import { describe, expect, it } from 'vitest';
import { inFoldOrder, isNewer, project, toResource } from '../../src/domain/readModel.js';
import type { DestinationEvent } from '../../src/domain/events.js';
import { answered, DEST, proposed, removed, updated } from '../support/events.js';

const PORTO = { lat: 41.1579, lon: -8.6291 };
const LISBON = { lat: 38.7223, lon: -9.1393 };

/** A history with every kind of event, in both regions. */
const history: DestinationEvent[] = [
  proposed('e1', 1_000, { description: 'by the river', location: PORTO }),
  answered('e2', 1_100, 'e1', PORTO),
  updated('e3', 2_000, { name: 'Lisboa', location: LISBON }, 'us-west-2'),
  updated('e4', 2_500, { description: 'seven hills' }),
  answered('e5', 2_600, 'e3', LISBON, 'us-west-2'),
];

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('read model projection', () => {
  it('folds a history into the view the search service relies on', () => {
    expect(project(history)).toEqual({
      id: DEST,
      name: 'Lisboa',
      description: 'seven hills',
      location: LISBON,
      status: 'locationValidated',
      updatedAt: new Date(2_600).toISOString(),
      updatedIn: 'us-west-2',
      removed: false,
      locationEventId: 'e3',
      lastEventAt: 2_600,
      eventCount: 5,
    });
  });

  it('replaying every event a second time changes nothing', () => {
    expect(project([...history, ...history])).toEqual(project(history));
    expect(project(history.flatMap((e) => [e, structuredClone(e)]))).toEqual(project(history));
  });

  it('gives one view for every delivery order', () => {
    const expected = project(history);
    for (const order of permutations(history)) expect(project(order)).toEqual(expected);
  });

  it('an older event delivered after newer ones is not newer than the stored view: the lock refuses the write', () => {
    const stored = project(history)!;
    const rebuiltOnLateDelivery = project([...history, history[0]!])!;
    expect(rebuiltOnLateDelivery).toEqual(stored);
    expect(isNewer(rebuiltOnLateDelivery, stored)).toBe(false);
    // A view from fewer events (a replica that lags) is older too, even with the same newest event.
    const fromLaggingReplica = project(history.filter((e) => e.id !== 'e4'))!;
    expect(isNewer(fromLaggingReplica, stored)).toBe(false);
    expect(isNewer(stored, fromLaggingReplica)).toBe(true);
  });

  it('an old event seen late (replicated after newer ones) takes the place its timestamp gives it', () => {
    const withoutOld = project(history.filter((e) => e.id !== 'e4'))!;
    expect(withoutOld.description).toBe('by the river');
    const all = project(history)!;
    expect(all.description).toBe('seven hills');
    expect(isNewer(all, withoutOld)).toBe(true);
  });

  it('is undefined before the proposal, and the proposal comes first whatever the clocks say', () => {
    expect(project([updated('u', 5, { name: 'x' })])).toBeUndefined();
    const skewed = [updated('u', 900, { name: 'Gaia' }, 'us-west-2'), proposed('p', 1_000)];
    expect(inFoldOrder(skewed).map((e) => e.id)).toEqual(['p', 'u']);
    expect(project(skewed)?.name).toBe('Gaia');
  });

  it('is pending until the current location is answered; an answer about a replaced location is ignored', () => {
    const p = proposed('p', 1_000, { location: PORTO });
    expect(project([p])?.status).toBe('pending');
    const u = updated('u', 1_050, { location: { lat: 95, lon: 0 } });
    const lateAnswerForPorto = answered('a1', 1_100, 'p', PORTO);
    expect(project([p, u, lateAnswerForPorto])?.status).toBe('pending');
    expect(project([p, u, lateAnswerForPorto, answered('a2', 1_200, 'u', { lat: 95, lon: 0 })])?.status).toBe('failed');
  });

  it('an update without a location keeps the status; one with a location resets it to pending', () => {
    const base = [proposed('p', 1, { location: PORTO }), answered('a', 2, 'p', PORTO)];
    expect(project([...base, updated('u', 3, { name: 'n' })])?.status).toBe('locationValidated');
    expect(project([...base, updated('u', 3, { location: LISBON })])?.status).toBe('pending');
  });

  it('a destination without a location stays pending: nothing validates it', () => {
    expect(project([proposed('p', 1)])).toMatchObject({ status: 'pending', removed: false });
    expect(project([proposed('p', 1)])).not.toHaveProperty('location');
  });

  it('removal is a tombstone and final: later updates change nothing visible', () => {
    const view = project([proposed('p', 1), removed('r', 2), updated('u', 3, { name: 'after' })])!;
    expect(view).toMatchObject({ removed: true, name: 'Porto', updatedAt: new Date(2).toISOString(), lastEventAt: 3, eventCount: 3 });
    expect(toResource(view)).toBeUndefined();
  });

  it('the resource is the view without internals', () => {
    expect(toResource(project(history)!)).toEqual({
      id: DEST,
      name: 'Lisboa',
      description: 'seven hills',
      location: LISBON,
      status: 'locationValidated',
      updatedAt: new Date(2_600).toISOString(),
      updatedIn: 'us-west-2',
    });
  });

  it('ties on time are broken by event id, so both regions fold the same order', () => {
    const a = updated('a', 5, { name: 'A' }, 'us-east-1');
    const b = updated('b', 5, { name: 'B' }, 'us-west-2');
    expect(project([proposed('p', 1), a, b])?.name).toBe('B');
    expect(project([proposed('p', 1), b, a])?.name).toBe('B');
  });
});
