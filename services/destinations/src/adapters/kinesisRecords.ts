import type { DestinationEvent } from '../domain/events.js';
import { parseEvent } from '../domain/eventShape.js';

/** A Kinesis record as Lambda delivers it: the fields read here. */
export interface KinesisStreamRecord {
  kinesis: { data: string; partitionKey: string; sequenceNumber: string };
  eventID?: string;
  eventSourceARN?: string;
}

export interface KinesisStreamEvent {
  Records: KinesisStreamRecord[];
}

/** A delivered record: the event it carries, or why it carries none. sequenceNumber is the partial-batch identifier. */
export type Delivered = { sequenceNumber: string; event: DestinationEvent } | { sequenceNumber: string; problem: string };

export function decodeRecords(records: readonly KinesisStreamRecord[]): Delivered[] {
  return records.map((record) => {
    const sequenceNumber = record.kinesis.sequenceNumber;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as unknown;
    } catch {
      return { sequenceNumber, problem: 'data is not JSON' };
    }
    const parsed = parseEvent(value);
    return parsed.ok ? { sequenceNumber, event: parsed.event } : { sequenceNumber, problem: parsed.reason };
  });
}
