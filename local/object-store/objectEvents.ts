/** Turns a committed-in-this-transaction object change into outbox messages for matching topic rules. */
import type { RequestContext } from './context.js';
import { requestOrigin } from './context.js';
import type { ObjectEvent } from './eventRecords.js';
import { eventRecord, sequencerHex } from './eventRecords.js';
import { loadNotificationConfig, matchingTopicRules } from './notifications.js';
import type { Bucket } from './store.js';

export type ObjectChange = Omit<ObjectEvent, 'bucket' | 'sequencer' | 'eventTime'>;

/** Call inside the write's transaction, so the message commits (or not) with the write. */
export function enqueueObjectEvent(ctx: RequestContext, bucket: Bucket, change: ObjectChange): void {
  const { store, outbox } = ctx.services;
  if (!outbox) return;
  const rules = matchingTopicRules(loadNotificationConfig(bucket.notification), change.eventName, change.key);
  if (rules.length === 0) return;
  const event: ObjectEvent = {
    ...change,
    bucket: bucket.name,
    sequencer: sequencerHex(store.nextCounter('sequencer')),
    eventTime: new Date().toISOString(),
  };
  const origin = requestOrigin(ctx);
  for (const rule of rules) {
    store.enqueue(rule.arn, bucket.name, JSON.stringify({ Records: [eventRecord(event, origin, rule.id)] }));
  }
}
