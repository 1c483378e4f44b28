import type { BatchItemFailures } from '../../../../replication/global-tables/publishFromOrigin.js';

/** Lambda's partial batch response: redeliver from this record on (nothing when undefined). */
export function failedFrom(sequenceNumber: string | undefined): BatchItemFailures {
  return { batchItemFailures: sequenceNumber === undefined ? [] : [{ itemIdentifier: sequenceNumber }] };
}
