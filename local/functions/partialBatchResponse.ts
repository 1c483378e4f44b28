/**
 * Reads a handler's partial batch response ({batchItemFailures: [{itemIdentifier}]}) the way Lambda
 * does: returns the index of the first failed record, undefined when the batch succeeded, and 0 (the
 * whole batch failed) when the response names an identifier that is empty or not in the batch.
 */
export function firstFailedIndex(result: unknown, itemIdentifiers: readonly string[]): number | undefined {
  if (typeof result !== 'object' || result === null || !('batchItemFailures' in result)) return undefined;
  const failures = result.batchItemFailures;
  if (failures === null || failures === undefined) return undefined;
  if (!Array.isArray(failures)) return 0;
  let first: number | undefined;
  for (const failure of failures as unknown[]) {
    const id = typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure ? failure.itemIdentifier : undefined;
    const index = typeof id === 'string' && id !== '' ? itemIdentifiers.indexOf(id) : -1;
    if (index < 0) return 0;
    first = first === undefined ? index : Math.min(first, index);
  }
  return first;
}
