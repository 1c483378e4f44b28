import { isFromRegion } from '../../../../replication/global-tables/originFilter.js';
import { fromImage } from '../adapters/dynamoImage.js';
import type { ViewBucket } from '../adapters/viewBucket.js';
import { viewChange } from '../domain/destinationView.js';
import { isViewId } from '../domain/viewKeys.js';
import type { BatchResponse, DynamoDbStreamEvent } from '../http/lambdaEvents.js';
import type { Log } from './log.js';

export interface ViewListenerDeps {
  views: ViewBucket;
  /** The region this listener runs in: only writes taken here make a view here. */
  region: string;
  log: Log;
}

/**
 * Destinations read-model stream → this region's search bucket. Only records whose write was taken in
 * this region make a view (the read model is a global table: the other regions see the same write on
 * their own streams, and get the view by round-robin replication instead). A tombstone deletes the view.
 *
 * Records are applied in order; at the first failure the rest of the batch is reported failed, so the
 * stream retries from there and no later change of a destination overtakes an earlier one.
 */
export async function applyReadModelChanges(deps: ViewListenerDeps, event: DynamoDbStreamEvent): Promise<BatchResponse> {
  const records = event.Records ?? [];
  for (const [i, record] of records.entries()) {
    if (!isFromRegion(record, deps.region) || !record.dynamodb?.NewImage) continue;
    const item = fromImage(record.dynamodb.NewImage);
    if (typeof item.id !== 'string' || !isViewId(item.id)) {
      // Retrying cannot make this id a key; say so and go on.
      deps.log.error('read-model item with an id that cannot name a view; skipped', { id: String(item.id).slice(0, 200) });
      continue;
    }
    const before = record.dynamodb.OldImage ? fromImage(record.dynamodb.OldImage) : undefined;
    try {
      const change = viewChange(item, before);
      if (change.kind === 'put') await deps.views.put(change.view);
      else if (change.kind === 'delete') await deps.views.delete(change.id);
    } catch (error) {
      deps.log.error('writing a view failed; the stream retries from this record', { id: item.id, error: String(error) });
      return { batchItemFailures: records.slice(i).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? r.eventID ?? '' })) };
    }
  }
  return { batchItemFailures: [] };
}
