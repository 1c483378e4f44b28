import type { KinesisStreamRecordPayload } from 'aws-lambda';
import type { DestinationEvent } from '../domain/events.js';
import { parseEvent } from '../domain/eventShape.js';

/** What is read of a Kinesis record Lambda delivers (any `KinesisStreamRecord` fits). */
export type KinesisRecord = { kinesis: Pick<KinesisStreamRecordPayload, 'data' | 'sequenceNumber'> };

/** A delivered record: the event it carries, or why it carries none. sequenceNumber is the partial-batch identifier. */
export type Delivered = { sequenceNumber: string; event: DestinationEvent } | { sequenceNumber: string; problem: string };

export function decodeRecords(records: readonly KinesisRecord[]): Delivered[] {
  return records.map(decodeRecord);
}

export function decodeRecord(record: KinesisRecord): Delivered {
  const sequenceNumber = record.kinesis.sequenceNumber;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as unknown;
  } catch {
    return { sequenceNumber, problem: 'data is not JSON' };
  }
  const parsed = parseEvent(value);
  return parsed.ok ? { sequenceNumber, event: parsed.event } : { sequenceNumber, problem: parsed.reason };
}
