import type { S3Client } from '@aws-sdk/client-s3';
import { headObject, readObject, sameState } from '../../../../replication/round-robin/objectState.js';
import { objectRefs, type SnsMessages } from '../../../../replication/round-robin/s3Notifications.js';
import type { Log } from '../../../toolkit/logger.js';
import type { SearchView } from '../adapters/searchView.js';
import { parseView } from '../domain/destinationView.js';
import { idFromViewKey } from '../domain/viewKeys.js';

export interface IndexerDeps {
  s3: S3Client;
  search: SearchView;
  log: Log;
}

export type IndexOutcome = 'indexed' | 'removed' | 'skipped';

/**
 * This region's bucket notifications → this region's search engine. The notification only says which
 * view changed: the indexer reads the view as it is now and makes the engine agree (present → put,
 * gone → remove), so a late, repeated or out-of-order notification converges on the bucket's state.
 * If the view changes while it is being indexed (two deliveries racing), it throws and the
 * redelivery indexes the newer state.
 */
export async function indexNotifications(deps: IndexerDeps, event: SnsMessages): Promise<Array<{ key: string; outcome: IndexOutcome }>> {
  const done: Array<{ key: string; outcome: IndexOutcome }> = [];
  for (const ref of objectRefs(event)) {
    done.push({ key: ref.key, outcome: await indexObject(deps, ref) });
  }
  return done;
}

async function indexObject(deps: IndexerDeps, ref: { bucket: string; key: string }): Promise<IndexOutcome> {
  const id = idFromViewKey(ref.key);
  if (id === undefined) {
    deps.log.error('notification for an object that is not a destination view; skipped', { key: ref.key });
    return 'skipped';
  }
  const state = await readObject(deps.s3, ref.bucket, ref.key);
  let outcome: IndexOutcome;
  if (state.kind === 'present') {
    const view = parseView(Buffer.from(state.body).toString('utf8'));
    if (!view) {
      // Retrying cannot make these bytes a view: report, and keep whatever the engine has.
      deps.log.error('object is not a destination view; not indexed', { key: ref.key });
      return 'skipped';
    }
    await deps.search.put({ id, name: view.name, description: view.description ?? '' });
    outcome = 'indexed';
  } else {
    await deps.search.remove(id);
    outcome = 'removed';
  }
  if (!sameState(state, await headObject(deps.s3, ref.bucket, ref.key))) {
    throw new Error(`s3://${ref.bucket}/${ref.key} changed while it was indexed; the redelivered notification indexes its current state`);
  }
  return outcome;
}
