/**
 * The local object store: an S3 REST subset (path style) that `@aws-sdk/client-s3` talks to unchanged,
 * durable across kill -9, with versioning and bucket notifications delivered through `onNotification`.
 */
import { admitHost } from '../http/hostGuard.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { close, listen } from '../http/server.js';
import { DEFAULT_ABANDONED_UPLOAD_AGE_MS, startAbandonedUploadSweeper } from './abandonedUploads.js';
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
  /** Names besides the loopback ones this endpoint answers to (config/meridian.yml network.allowedHosts). */
  allowedHosts?: readonly string[];
  /** Durable state: survives kill -9 of the process; reopening gives the same content. */
  dataDir: string;
  /** Largest single PUT, and largest part of a multipart upload (EntityTooLarge beyond it). Default 5 GiB, as S3. */
  maxObjectSize?: number;
  /** Multipart uploads neither completed nor aborted this long after they began are removed with their parts. Default 24 h. */
  abandonedUploadAgeMs?: number;
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

/** Bodies stream to disk, so the limit is S3's own rather than what memory allows. */
export const DEFAULT_MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024;

export async function startObjectStore(opts: ObjectStoreOptions): Promise<ObjectStore> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const store = new MetadataStore(join(opts.dataDir, 'objects.sqlite'));
  const blobs = new BlobStore(join(opts.dataDir, 'blobs'));
  // Blobs written but never committed (a crash in between) are unreachable: reclaim them.
  blobs.sweep((id) => store.isBlobReferenced(id));
  const sweeper = startAbandonedUploadSweeper(store, blobs, opts.abandonedUploadAgeMs ?? DEFAULT_ABANDONED_UPLOAD_AGE_MS, log);
  const outbox = opts.onNotification ? new NotificationOutbox(store, opts.onNotification, log) : undefined;
  const handle = createHandler(
    { store, blobs, outbox, region: opts.region, accountId: opts.accountId, maxObjectSize: opts.maxObjectSize ?? DEFAULT_MAX_OBJECT_SIZE },
    log,
  );
  const server = createServer((req, res) => {
    if (admitHost(req, res, opts.allowedHosts)) void handle(req, res);
  });
  const host = opts.host ?? '127.0.0.1';
  try {
    await listen(server, opts.port, host);
  } catch (e) {
    sweeper.stop();
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
        sweeper.stop();
        await outbox?.close();
        store.close();
      })();
      return closing;
    },
  };
}
