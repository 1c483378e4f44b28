/**
 * Where a destination's JSON view lives in the search bucket: `destinations/<id>.json`. An id names
 * one object under that prefix and nothing else, so only plain ids are accepted (letters, digits, `-`,
 * `_`, and dots that are not `..`): no `/`, no `../`, nothing that reads as another path.
 */
export const VIEW_PREFIX = 'destinations/';
const VIEW_SUFFIX = '.json';
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function isViewId(id: string): boolean {
  return ID.test(id) && !id.includes('..');
}

/** The object key of a destination's view; throws for an id that could leave the prefix. */
export function viewKey(id: string): string {
  if (!isViewId(id)) throw new Error(`"${id.slice(0, 80)}" is not a destination id (letters, digits, - _ and single dots, at most 128)`);
  return `${VIEW_PREFIX}${id}${VIEW_SUFFIX}`;
}

/** The destination id a view key names, or undefined for any other key. */
export function idFromViewKey(key: string): string | undefined {
  if (!key.startsWith(VIEW_PREFIX) || !key.endsWith(VIEW_SUFFIX)) return undefined;
  const id = key.slice(VIEW_PREFIX.length, -VIEW_SUFFIX.length);
  return isViewId(id) ? id : undefined;
}
