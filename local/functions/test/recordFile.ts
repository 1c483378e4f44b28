import { existsSync, readFileSync } from 'node:fs';

export interface RecordedRecord {
  dynamodb?: { NewImage?: { id?: { S?: string } } };
  kinesis?: { data: string; partitionKey: string; sequenceNumber: string; approximateArrivalTimestamp: number };
  [field: string]: unknown;
}

export interface RecordedInvocation {
  threadId: number;
  records: RecordedRecord[];
}

/** The batches a streamRecorder fixture received, in the order it received them. */
export function invocations(file: string): RecordedInvocation[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedInvocation);
}

export function idsOf(invocation: RecordedInvocation): string[] {
  return invocation.records.map((r) =>
    r.dynamodb ? (r.dynamodb.NewImage?.id?.S ?? '') : Buffer.from(r.kinesis?.data ?? '', 'base64').toString('utf8'),
  );
}

/** Every id delivered, in delivery order (repeats included). */
export function deliveredIds(file: string): string[] {
  return invocations(file).flatMap(idsOf);
}

export async function eventually(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
