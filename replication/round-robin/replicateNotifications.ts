import { objectRefs, type SnsMessages } from './s3Notifications.js';
import { replicateObject, type Outcome, type RingHop } from './roundRobinReplicator.js';
import type { Env } from './regionS3.js';

/** Where this region's replicator sends copies: from the service's environment. */
export interface ReplicatorSettings {
  region: string;
  nextRegion: string;
  nextBucket: string;
  /** NEXT_BUCKET_OWNER, the next region's account id: writes there carry it as ExpectedBucketOwner. */
  nextBucketOwner?: string;
}

export function replicatorSettings(env: Env): ReplicatorSettings {
  const need = (name: string, why: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set: ${why}`);
    return value;
  };
  const owner = env.NEXT_BUCKET_OWNER;
  return {
    region: need('AWS_REGION', 'the function runtime sets it to the region the function runs in'),
    nextRegion: need('NEXT_REGION', 'set it to the next region of the ring (${meridian:region.next})'),
    nextBucket: need('NEXT_BUCKET', "set it to the next region's bucket (e.g. ${meridian:next.names.searchBucket})"),
    ...(owner === undefined || owner === '' ? {} : { nextBucketOwner: owner }),
  };
}

/**
 * Replicates every object an SNS-wrapped S3 notification names. All are attempted; if any failed
 * (the next region unreachable, a race to retry), this throws afterwards so the topic redelivers the
 * message, and the ones that succeeded are no-ops the second time.
 */
export async function replicateNotifications(hop: RingHop, event: SnsMessages): Promise<Array<{ key: string; outcome: Outcome }>> {
  const done: Array<{ key: string; outcome: Outcome }> = [];
  const failures: Array<{ key: string; error: unknown }> = [];
  for (const ref of objectRefs(event)) {
    try {
      done.push({ key: ref.key, outcome: await replicateObject(hop, ref) });
    } catch (error) {
      failures.push({ key: ref.key, error });
    }
  }
  if (failures.length > 0) {
    const first = failures[0]!;
    const reason = first.error instanceof Error ? first.error.message : String(first.error);
    throw new Error(
      `replicating ${failures.map((f) => f.key).join(', ')} to ${hop.nextBucket} failed (${reason}); the notification will be redelivered`,
      { cause: first.error },
    );
  }
  return done;
}
