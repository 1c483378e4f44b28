import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isFromRegion } from '../../../../replication/global-tables/originFilter.js';
import type { Log } from '../../../toolkit/logger.js';
import { fromImage } from '../adapters/dynamoImage.js';
import type { ViewBucket } from '../adapters/viewBucket.js';
import { viewChange, type ViewChange } from '../domain/destinationView.js';
import { isViewId } from '../domain/viewKeys.js';

export interface ViewListenerDeps {
  views: ViewBucket;
  /** The region this listener runs in: only writes taken here make a view here. */
  region: string;
  log: Log;
}

/** Destinations whose views are written at once: a stream shard delivers one batch at a time, so a batch must not be written one object after another. */
const CONCURRENCY = 16;

/**
 * Destinations read-model stream → this region's search bucket. Only records whose write was taken in
 * this region make a view (the read model is a global table: the other regions see the same write on
 * their own streams, and get the view by round-robin replication instead). A tombstone deletes the view.
 *
 * One destination's changes are applied in stream order; different destinations in parallel. At the
 * first failure, that record and every later one of the batch are reported failed, so the stream
 * retries from there: a destination's later change never overtakes an earlier one, and the other
 * destinations' views written meanwhile are written again, which changes nothing.
 */
export async function applyReadModelChanges(deps: ViewListenerDeps, event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const records = event.Records ?? [];
  const byDestination = new Map<string, Array<{ index: number; change: ViewChange }>>();
  for (const [index, record] of records.entries()) {
    const change = changeOf(deps, record);
    if (!change || change.kind === 'unchanged') continue;
    const id = change.kind === 'put' ? change.view.id : change.id;
    byDestination.set(id, [...(byDestination.get(id) ?? []), { index, change }]);
  }

  let firstFailure = records.length;
  const groups = [...byDestination.values()];
  const worker = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      for (const { index, change } of group) {
        try {
          if (change.kind === 'put') await deps.views.put(change.view);
          else if (change.kind === 'delete') await deps.views.delete(change.id);
        } catch (error) {
          deps.log.error('writing a view failed; the stream retries from this record', { record: index, error: String(error) });
          firstFailure = Math.min(firstFailure, index);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, worker));
  return { batchItemFailures: records.slice(firstFailure).map((r) => ({ itemIdentifier: sequenceNumber(r) })) };
}

/** What a record means for this region's views; undefined when it is not this region's to write. */
function changeOf(deps: ViewListenerDeps, record: DynamoDBRecord): ViewChange | undefined {
  if (!isFromRegion(record, deps.region) || !record.dynamodb?.NewImage) return undefined;
  const item = fromImage(record.dynamodb.NewImage);
  if (typeof item.id !== 'string' || !isViewId(item.id)) {
    // Retrying cannot make this id a key; say so and go on.
    deps.log.error('read-model item with an id that cannot name a view; skipped', { id: String(item.id).slice(0, 200) });
    return undefined;
  }
  return viewChange(item, record.dynamodb.OldImage ? fromImage(record.dynamodb.OldImage) : undefined);
}

function sequenceNumber(record: DynamoDBRecord): string {
  return record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
}
