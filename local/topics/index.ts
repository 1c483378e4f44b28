import { createServer } from 'node:http';
import { admitHost } from '../http/hostGuard.js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { close, listen } from '../http/server.js';
import { openSqlite } from '../storage/sqlite.js';
import { DeliveryWorker } from './deliveryWorker.js';
import { handleSnsRequest } from './httpHandler.js';
import { ASYNC_INVOCATION_RETRY_POLICY, type RetryPolicy } from '../functions/retryPolicy.js';
import { TopicStore } from './store.js';
import { TopicService } from './topicService.js';
import type { DeliveryFault, MessageAttributes, Subscription, SubscriberEndpoint, TopicsDeliveryTarget } from './types.js';

export type { DeliveryFault, MessageAttributes, SnsEvent, SnsEventRecord, Subscription, SubscriberEndpoint, TopicsDeliveryTarget } from './types.js';
export type { RetryPolicy } from '../functions/retryPolicy.js';

export interface TopicsOptions {
  region: string;
  accountId: string;
  /** 0 picks an ephemeral port. */
  port: number;
  host?: string;
  /** Names besides the loopback ones this endpoint answers to (config/meridian.yml network.allowedHosts). */
  allowedHosts?: readonly string[];
  /** The region's state directory; topics keep `topics.sqlite` in it. */
  dataDir: string;
  /** Hands an SNS Lambda event to the function runtime; a rejection counts as a failed attempt. */
  deliver: TopicsDeliveryTarget['deliver'];
  /** Default: Lambda's for asynchronous invocation, 2 retries, 1 s then 2 s after the failure. */
  retry?: Partial<RetryPolicy>;
  /** How long close() waits for deliveries in flight (they stay pending if unfinished); default 5 s. */
  closeGraceMs?: number;
}

export interface Topics {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Returns the ARN arn:aws:sns:<region>:<account>:<name>; idempotent. */
  createTopic(name: string): string;
  /** Returns the SubscriptionArn; subscribing the same function again returns the same ARN. */
  subscribe(topicArn: string, endpoint: SubscriberEndpoint): string;
  unsubscribe(subscriptionArn: string): void;
  subscriptions(topicArn?: string): Subscription[];
  /** Resolves with the MessageId once the message is stored as pending for every subscriber. */
  publish(topicArn: string, message: string, opts?: { subject?: string; attributes?: MessageAttributes }): Promise<string>;
  /** Deliveries that used up their attempts, oldest first. */
  faults(): DeliveryFault[];
  /** Deliveries not yet done (delivered or faulted). */
  pendingCount(): number;
  /** Resolves once every pending delivery is delivered or recorded as a fault. */
  whenIdle(): Promise<void>;
}

/** Starts one region's topics: the in-process SNS API plus its Query-protocol HTTP endpoint. */
export async function startTopics(opts: TopicsOptions): Promise<Topics> {
  const db = openSqlite(join(opts.dataDir, 'topics.sqlite'));
  const now = Date.now;
  const store = new TopicStore(db);
  const worker = new DeliveryWorker(store, opts.deliver, { ...ASYNC_INVOCATION_RETRY_POLICY, ...opts.retry }, now);
  const host = opts.host ?? '127.0.0.1';
  let url = '';
  const service = new TopicService(store, worker, opts.region, opts.accountId, () => url, now);

  const server = createServer((req, res) => {
    if (admitHost(req, res, opts.allowedHosts)) void handleSnsRequest(service, req, res);
  });
  try {
    await listen(server, opts.port, host);
  } catch (err) {
    db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  // Deliveries pending from before a restart start again now.
  worker.kick();

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    createTopic: (name) => service.createTopic(name),
    subscribe: (topicArn, endpoint) => service.subscribe(topicArn, endpoint),
    unsubscribe: (arn) => service.unsubscribe(arn),
    subscriptions: (topicArn) => service.subscriptions(topicArn),
    publish: async (topicArn, message, o = {}) => service.publish({ topicArn, message, subject: o.subject, attributes: o.attributes }),
    faults: () => store.faults(),
    pendingCount: () => store.pendingCount(),
    whenIdle: () => worker.whenIdle(),
    close: () =>
      (closed ??= (async () => {
        await close(server);
        await worker.stop(opts.closeGraceMs ?? 5000);
        db.close();
      })()),
  };
}
