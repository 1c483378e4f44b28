import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { publishFromOrigin, type LedgerEntry, type OriginMessage } from '../publishFromOrigin.js';

type Stamp = Record<string, { S: string } | { N: string }>;
let seq = 0;
const record = (eventName: DynamoDBRecord['eventName'], newImage: Stamp, oldImage?: Stamp): DynamoDBRecord => ({
  eventID: `ev-${++seq}`,
  eventName,
  dynamodb: { NewImage: newImage, ...(oldImage ? { OldImage: oldImage } : {}), SequenceNumber: String(seq) },
});
const item = (id: string, origin: string) => ({ id: { S: id }, 'meridian:origin': { S: origin } });
const toMessage = (r: DynamoDBRecord): OriginMessage | undefined => {
  const id = r.dynamodb?.NewImage?.id?.S;
  return id === undefined ? undefined : { partitionKey: id, data: id };
};

function collector(failOn?: string) {
  const published: string[] = [];
  const waves: string[][] = [];
  return {
    published,
    waves,
    publish: async (messages: OriginMessage[]) => {
      waves.push(messages.map((m) => m.data));
      return messages.map((m) => {
        if (m.data === failOn) return new Error(`stream refused ${m.data}`);
        published.push(m.data);
        return undefined;
      });
    },
  };
}
/** A publisher from a function of one message (throwing = refused). */
const each = (f: (m: OriginMessage) => Promise<void>) => async (messages: OriginMessage[]) =>
  Promise.all(messages.map((m) => f(m).then(() => undefined, (e: unknown) => e)));

describe('publishFromOrigin', () => {
  it('publishes the writes taken in this region, in stream order, and nothing replicated from elsewhere', async () => {
    const records = [record('INSERT', item('a', 'us-east-1')), record('INSERT', item('b', 'us-west-2')), record('MODIFY', item('c', 'us-east-1'))];
    const east = collector();
    const west = collector();
    expect(await publishFromOrigin(records, { region: 'us-east-1', toMessage, publish: east.publish })).toEqual({ batchItemFailures: [], published: 2, skipped: 1, republishAvoided: 0 });
    await publishFromOrigin(records, { region: 'us-west-2', toMessage, publish: west.publish });
    expect(east.published).toEqual(['a', 'c']);
    expect(west.published).toEqual(['b']);
  });

  it('on legacy tables publishes the write once: not the aws:rep:* stamping record, not the replica', async () => {
    const written = item('a', 'us-east-1');
    const stamped = { ...written, 'aws:rep:updateregion': { S: 'us-east-1' }, 'aws:rep:updatetime': { N: '1.5' } };
    const east = collector();
    const west = collector();
    await publishFromOrigin([record('INSERT', written), record('MODIFY', stamped, written)], { region: 'us-east-1', toMessage, publish: east.publish });
    await publishFromOrigin([record('INSERT', stamped)], { region: 'us-west-2', toMessage, publish: west.publish });
    expect([...east.published, ...west.published]).toEqual(['a']);
  });

  it('skips what toMessage declines', async () => {
    const c = collector();
    const out = await publishFromOrigin([record('INSERT', { 'meridian:origin': { S: 'us-east-1' } })], { region: 'us-east-1', toMessage, publish: c.publish });
    expect(out).toMatchObject({ published: 0, skipped: 1, batchItemFailures: [] });
  });

  it('reports the first record that failed, so Lambda redelivers from it', async () => {
    const records = ['a', 'b', 'c'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const c = collector('b');
    const out = await publishFromOrigin(records, { region: 'us-east-1', toMessage, publish: c.publish });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect((out.failure as Error).message).toBe('stream refused b');
  });

  it('publishes a batch in waves of distinct partition keys, keeping each key\'s order, and stops a key after its failure', async () => {
    const keyed = (id: string, key: string) => record('INSERT', { id: { S: id }, key: { S: key }, 'meridian:origin': { S: 'us-east-1' } });
    const byKey = (r: DynamoDBRecord) => ({ partitionKey: r.dynamodb!.NewImage!.key!.S!, data: r.dynamodb!.NewImage!.id!.S! });
    const records = [keyed('a1', 'a'), keyed('b1', 'b'), keyed('a2', 'a'), keyed('c1', 'c'), keyed('a3', 'a')];
    const c = collector();
    await publishFromOrigin(records, { region: 'us-east-1', toMessage: byKey, publish: c.publish });
    expect(c.waves).toEqual([['a1', 'b1'], ['a2', 'c1'], ['a3']]);
    const failing = collector('a2');
    const out = await publishFromOrigin(records, { region: 'us-east-1', toMessage: byKey, publish: failing.publish });
    expect(failing.waves).toEqual([['a1', 'b1'], ['a2', 'c1']]);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[2]!.dynamodb!.SequenceNumber }]);
  });

  it('fails the whole batch when the failing record has no sequence number to resume from', async () => {
    const bare: DynamoDBRecord = { eventName: 'INSERT', dynamodb: { NewImage: item('a', 'us-east-1') } };
    await expect(publishFromOrigin([bare], { region: 'us-east-1', toMessage, publish: collector('a').publish })).rejects.toThrow('stream refused a');
  });

  it('a publisher that throws fails every message of its wave', async () => {
    const records = ['a', 'b'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const out = await publishFromOrigin(records, { region: 'us-east-1', toMessage, publish: async () => Promise.reject(new Error('ECONNREFUSED')) });
    expect(out).toMatchObject({ published: 0, batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }] });
  });

  function memoryLedger(now = () => 1_000) {
    const entries = new Map<string, LedgerEntry>();
    const calls: string[] = [];
    return {
      entries,
      calls,
      async claim(ids: string[]) {
        calls.push('claim');
        const known = new Map(ids.flatMap((id) => (entries.has(id) ? [[id, entries.get(id)!] as const] : [])));
        for (const id of ids) if (!known.has(id)) entries.set(id, { state: 'claimed', claimedAt: now() });
        return known;
      },
      async confirm(ids: string[]) {
        calls.push('confirm');
        for (const id of ids) entries.set(id, { state: 'published' });
      },
    };
  }
  const withId = (r: DynamoDBRecord) => {
    const m = toMessage(r);
    return m && { ...m, id: m.data };
  };
  const nothingOnStream = async () => new Set<string>();

  it('with a ledger, a redelivered batch publishes nothing again; a failed put is retried', async () => {
    const ledger = memoryLedger();
    const records = ['a', 'b', 'c'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const failing = collector('c');
    const first = await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: failing.publish, ledger, wasPublished: nothingOnStream });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[2]!.dynamodb!.SequenceNumber }]);
    // Lambda redelivers the whole batch (e.g. the invocation was not checkpointed).
    const again = collector();
    expect(await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: again.publish, ledger, wasPublished: nothingOnStream })).toMatchObject({ published: 1, republishAvoided: 2 });
    expect([...failing.published, ...again.published]).toEqual(['a', 'b', 'c']);
  });

  it('costs two ledger calls per batch, whatever its size', async () => {
    const ledger = memoryLedger();
    const records = Array.from({ length: 50 }, (_, i) => record('INSERT', item(`r${i}`, 'us-east-1')));
    expect(await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: collector().publish, ledger })).toMatchObject({ published: 50 });
    expect(ledger.calls).toEqual(['claim', 'confirm']);
  });

  it('claims left unconfirmed (puts landed, confirmation lost) are looked up on the stream in one scan, not published again', async () => {
    const ledger = memoryLedger();
    const records = ['a', 'b', 'c'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const stream: string[] = [];
    // The puts land, then the region goes away before the ledger hears of them.
    const brokenLedger = { ...ledger, confirm: async () => Promise.reject(new Error('connection refused')) };
    const first = await publishFromOrigin(records.slice(0, 2), { region: 'us-east-1', toMessage: withId, publish: each(async (m) => void stream.push(m.data)), ledger: brokenLedger });
    expect(first.batchItemFailures).toHaveLength(1);
    const scans: [string[], number][] = [];
    const wasPublished = async (messages: OriginMessage[], since: number) => {
      scans.push([messages.map((m) => m.data), since]);
      return new Set(messages.filter((m) => stream.includes(m.data)).map((m) => m.id!));
    };
    const again = await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: each(async (m) => void stream.push(m.data)), ledger, wasPublished });
    expect(again).toMatchObject({ published: 1, republishAvoided: 2, batchItemFailures: [] });
    expect(stream).toEqual(['a', 'b', 'c']);
    expect(scans).toEqual([[['a', 'b'], 1_000]]);
    expect([...ledger.entries.values()]).toEqual([{ state: 'published' }, { state: 'published' }, { state: 'published' }]);
  });

  it('a claim whose put never landed is published on redelivery', async () => {
    const ledger = memoryLedger();
    const records = [record('INSERT', item('a', 'us-east-1'))];
    await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: collector('a').publish, ledger });
    const stream = collector();
    expect(await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: stream.publish, ledger, wasPublished: nothingOnStream })).toMatchObject({ published: 1 });
    expect(stream.published).toEqual(['a']);
  });

  it('a record toMessage cannot read is reported after the records before it are published', async () => {
    const records = ['a', 'bad', 'c'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const c = collector();
    const reading = (r: DynamoDBRecord) => {
      if (r.dynamodb?.NewImage?.id?.S === 'bad') throw new Error('unreadable');
      return toMessage(r);
    };
    const out = await publishFromOrigin(records, { region: 'us-east-1', toMessage: reading, publish: c.publish });
    expect(c.published).toEqual(['a']);
    expect(out.published).toBe(1);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
  });
});
