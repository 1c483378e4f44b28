import type { KinesisRecord } from '../../src/adapters/kinesisRecords.js';

let sequence = 0;

/** Kinesis records as Lambda delivers them, carrying `values` as JSON (or raw text for strings). */
export function kinesisRecords(...values: unknown[]): KinesisRecord[] {
  return values.map((value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const sequenceNumber = String(++sequence).padStart(20, '0');
    return { kinesis: { data: Buffer.from(text).toString('base64'), partitionKey: 'p', sequenceNumber }, eventID: `shardId-000000000000:${sequenceNumber}` };
  });
}
