import type { KinesisStreamRecordPayload } from 'aws-lambda';
import type { DestinationEvent } from '../domain/events.js';
import { parseEvent } from '../domain/eventShape.js';

/** What is read of a Kinesis record Lambda delivers (any `KinesisStreamRecord` fits). */
export type KinesisRecord = { kinesis: Pick<KinesisStreamRecordPayload, 'data' | 'sequenceNumber'> };

/** A delivered record: the event it carries, or why it carries none. sequenceNumber is the partial-batch identifier. */
export type Delivered = { sequenceNumber: string; event: DestinationEvent } | { sequenceNumber: string; problem: string };

/**
 * The regional health check (regions/health) puts one record of this type on the stream per probe: not
 * an event, and not a problem either, so consumers skip it without an error line.
 */
export const HEALTH_PROBE = 'a health probe (regions/health), not an event';

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
  if ((value as { type?: unknown } | null)?.type === 'HealthProbe') return { sequenceNumber, problem: HEALTH_PROBE };
  const parsed = parseEvent(value);
  return parsed.ok ? { sequenceNumber, event: parsed.event } : { sequenceNumber, problem: parsed.reason };
}
