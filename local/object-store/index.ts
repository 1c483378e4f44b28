/**
 * The local object store: an S3 REST subset (path style) that `@aws-sdk/client-s3` talks to unchanged,
 * durable across kill -9, with versioning and bucket notifications delivered through `onNotification`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { close, listen } from '../http/server.js';
import { BlobStore } from './blobs.js';
import type { S3EventMessage } from './eventRecords.js';
import { createHandler } from './handler.js';
import { NotificationOutbox } from './outbox.js';
import { MetadataStore } from './store.js';

export type { S3EventMessage, S3EventName, S3EventRecord } from './eventRecords.js';

export interface ObjectStoreOptions {
  /** e.g. 'us-east-1': goes into event records, HeadBucket and GetBucketLocation. */
  region: string;
  /** Owner id in event records and listings. */
  accountId: string;
  /** 0 = ephemeral (tests). */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Durable state: survives kill -9 of the process; reopening gives the same content. */
  dataDir: string;
  /** Largest object accepted (EntityTooLarge beyond it). Default 64 MiB. */
  maxObjectSize?: number;
  /** Called for each bucket notification that matches a TopicConfiguration; the caller fans out to the topic. */
  onNotification?: (n: { topicArn: string; bucket: string; message: S3EventMessage }) => void | Promise<void>;
  /** Where delivery failures and internal errors are reported. Default console.error. */
  log?: (message: string) => void;
}

export interface ObjectStore {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_OBJECT_SIZE = 64 * 1024 * 1024;

export async function startObjectStore(opts: ObjectStoreOptions): Promise<ObjectStore> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const store = new MetadataStore(join(opts.dataDir, 'objects.sqlite'));
  const blobs = new BlobStore(join(opts.dataDir, 'blobs'));
  // Blobs written but never committed (a crash in between) are unreachable: reclaim them.
  blobs.sweep((id) => store.isBlobReferenced(id));
  const outbox = opts.onNotification ? new NotificationOutbox(store, opts.onNotification, log) : undefined;
  const server = createServer(
    createHandler(
      { store, blobs, outbox, region: opts.region, accountId: opts.accountId, maxObjectSize: opts.maxObjectSize ?? DEFAULT_MAX_OBJECT_SIZE },
      log,
    ),
  );
  const host = opts.host ?? '127.0.0.1';
  try {
    await listen(server, opts.port, host);
  } catch (e) {
    store.close();
    throw e;
  }
  outbox?.kick(); // messages left by a previous run
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        await close(server);
        await outbox?.close();
        store.close();
      })();
      return closing;
    },
  };
}
