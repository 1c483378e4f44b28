/**
 * The JSON view of a destination that search serves and indexes: what a reader of the destination
 * sees, from the destinations read model. Nothing of how it is stored (the lock/version fields, the
 * origin stamp, the tombstone flag) leaks into it.
 */
export interface Location {
  lat: number;
  lon: number;
}

export interface DestinationView {
  id: string;
  name: string;
  description?: string;
  location?: Location;
  status: string;
  /** ISO time of the last change a reader can see. */
  updatedAt: string;
  /** The region that made that change. */
  updatedIn: string;
}

/** What a read-model change means for the view: write it, delete it, or nothing a reader would see. */
export type ViewChange = { kind: 'put'; view: DestinationView } | { kind: 'delete'; id: string } | { kind: 'unchanged' };

/**
 * The read-model item before and after a change (plain objects) → the view's change. A tombstone
 * (`removed: true`) deletes the view; a change of fields readers do not see (the read model's version,
 * a re-write) leaves it alone, so it is not rewritten and replicated round the ring for nothing.
 */
export function viewChange(item: Record<string, unknown>, before: Record<string, unknown> | undefined): ViewChange {
  const id = item.id;
  if (typeof id !== 'string') throw new Error('a read-model item has no string id');
  const wasRemoved = before === undefined || before.removed === true;
  if (item.removed === true) return wasRemoved && before !== undefined ? { kind: 'unchanged' } : { kind: 'delete', id };
  const view = destinationView(item);
  if (!wasRemoved && JSON.stringify(destinationView(before)) === JSON.stringify(view)) return { kind: 'unchanged' };
  return { kind: 'put', view };
}

/** The view of a read-model item, fields in a fixed order so equal views serialise equally. */
export function destinationView(item: Record<string, unknown>): DestinationView {
  const text = (name: string): string | undefined => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const id = text('id');
  if (id === undefined) throw new Error('a read-model item has no string id');
  const location = locationOf(item.location);
  const description = text('description');
  return {
    id,
    name: text('name') ?? '',
    ...(description !== undefined ? { description } : {}),
    ...(location ? { location } : {}),
    status: text('status') ?? 'pending',
    updatedAt: text('updatedAt') ?? '',
    updatedIn: text('updatedIn') ?? '',
  };
}

function locationOf(value: unknown): Location | undefined {
  const v = value as { lat?: unknown; lon?: unknown } | null | undefined;
  return typeof v?.lat === 'number' && typeof v.lon === 'number' ? { lat: v.lat, lon: v.lon } : undefined;
}

/** A view read back from the bucket; undefined when the bytes are not a view (never indexed, never served as one). */
export function parseView(json: string): DestinationView | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || typeof (value as { id?: unknown }).id !== 'string') return undefined;
  return destinationView(value as Record<string, unknown>);
}
