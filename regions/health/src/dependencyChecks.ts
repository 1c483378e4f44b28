import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SearchView } from '../../../services/search/src/adapters/searchView.js';
import type { Check } from './healthCheck.js';

/**
 * The region's dependencies, each checked with the smallest real request that proves it works: one item,
 * one object, one record, one query. Nothing scans or lists, so a probe a second stays cheap.
 */

/** The table's key attribute: `id`, one item per region (`probe#<region>`); the drill switch is `drill#<region>`. */
export const probeKey = (region: string) => ({ id: { S: `probe#${region}` } });

/** A write, then a strongly consistent read of what was written: the table takes writes and answers reads. */
export function tableCheck(dynamodb: DynamoDBClient, table: string, region: string, now: () => Date = () => new Date()): Check {
  return async (abortSignal) => {
    const at = now().toISOString();
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { ...probeKey(region), at: { S: at } } }), { abortSignal });
    const read = await dynamodb.send(new GetItemCommand({ TableName: table, Key: probeKey(region), ConsistentRead: true }), { abortSignal });
    if (read.Item?.['at']?.S !== at) throw new Error(`read back ${read.Item?.['at']?.S ?? 'nothing'} after writing ${at}`);
  };
}

/**
 * A put and a get of one small object under `_health/` (outside the prefix the bucket notifies about, so
 * no indexer or replicator wakes up), then that version deleted: the bucket is versioned, and a probe a
 * second would otherwise keep 86,400 versions a day.
 */
export function bucketCheck(s3: S3Client, bucket: string, region: string, now: () => Date = () => new Date()): Check {
  const Key = `_health/${region}`;
  return async (abortSignal) => {
    const body = now().toISOString();
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body, ContentType: 'text/plain' }), { abortSignal });
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, ...(put.VersionId ? { VersionId: put.VersionId } : {}) }), { abortSignal });
    const text = await got.Body?.transformToString();
    if (text !== body) throw new Error(`read back ${JSON.stringify(text)} after writing ${JSON.stringify(body)}`);
    if (put.VersionId) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, VersionId: put.VersionId }), { abortSignal });
  };
}

/**
 * One record on the region's event stream. Its consumers skip records that are not destination events,
 * so it changes nothing downstream.
 */
export function streamCheck(kinesis: KinesisClient, streamArn: string, region: string, now: () => Date = () => new Date()): Check {
  return async (abortSignal) => {
    const Data = new TextEncoder().encode(JSON.stringify({ type: 'HealthProbe', region, at: now().toISOString() }));
    await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: `health#${region}`, Data }), { abortSignal });
  };
}

/** One query of one hit: the engine answers searches (an empty answer is fine). */
export function searchCheck(search: Pick<SearchView, 'search'>): Check {
  return async () => {
    await search.search('health', 1);
  };
}
