import { describe, expect, it } from 'vitest';
import { publishFromOrigin, type Claim, type OriginMessage, type TableStreamRecord } from '../publishFromOrigin.js';

type Stamp = Record<string, { S: string } | { N: string }>;
let seq = 0;
const record = (eventName: string, newImage: Stamp, oldImage?: Stamp): TableStreamRecord => ({
  eventID: `ev-${++seq}`,
  eventName,
  dynamodb: { NewImage: newImage, ...(oldImage ? { OldImage: oldImage } : {}), SequenceNumber: String(seq) },
});
const item = (id: string, origin: string) => ({ id: { S: id }, 'meridian:origin': { S: origin } });
const toMessage = (r: TableStreamRecord): OriginMessage | undefined => {
  const id = r.dynamodb?.NewImage?.id?.S;
  return id === undefined ? undefined : { partitionKey: id, data: id };
};

function collector(failOn?: string) {
  const published: string[] = [];
  return {
    published,
    publish: async (m: OriginMessage) => {
      if (m.data === failOn) throw new Error(`stream refused ${m.data}`);
      published.push(m.data);
    },
  };
}

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

  it('stops at the first failure and reports it, so nothing before it is published twice', async () => {
    const records = ['a', 'b', 'c'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const c = collector('b');
    const out = await publishFromOrigin(records, { region: 'us-east-1', toMessage, publish: c.publish });
    expect(c.published).toEqual(['a']);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect((out.failure as Error).message).toBe('stream refused b');
  });

  it('fails the whole batch when the failing record has no sequence number to resume from', async () => {
    const bare: TableStreamRecord = { eventName: 'INSERT', dynamodb: { NewImage: item('a', 'us-east-1') } };
    await expect(publishFromOrigin([bare], { region: 'us-east-1', toMessage, publish: collector('a').publish })).rejects.toThrow('stream refused a');
  });

  function memoryLedger() {
    const entries = new Map<string, Claim>();
    return {
      entries,
      async claim(id: string): Promise<Claim> {
        const found = entries.get(id);
        if (found) return found;
        entries.set(id, { state: 'claimed', claimedAt: 1_000 });
        return { state: 'new' };
      },
      async confirm(id: string) {
        entries.set(id, { state: 'published' });
      },
    };
  }
  const withId = (r: TableStreamRecord) => {
    const m = toMessage(r);
    return m && { ...m, id: m.data };
  };

  it('with a ledger, a redelivered batch publishes nothing again; a failed put is retried', async () => {
    const ledger = memoryLedger();
    const records = ['a', 'b', 'c'].map((id) => record('INSERT', item(id, 'us-east-1')));
    const failing = collector('c');
    const first = await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: failing.publish, ledger, wasPublished: async () => false });
    expect(first.batchItemFailures).toHaveLength(1);
    // Lambda redelivers the whole batch (e.g. the invocation was not checkpointed).
    const again = collector();
    expect(await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: again.publish, ledger, wasPublished: async () => false })).toMatchObject({ published: 1, republishAvoided: 2 });
    expect([...failing.published, ...again.published]).toEqual(['a', 'b', 'c']);
  });

  it('a claim left unconfirmed (put landed, confirmation lost) is looked up on the stream, not published again', async () => {
    const ledger = memoryLedger();
    const records = [record('INSERT', item('a', 'us-east-1'))];
    const stream: string[] = [];
    // The put lands, then the region goes away before the ledger hears of it.
    const brokenLedger = { ...ledger, confirm: async () => Promise.reject(new Error('connection refused')) };
    const first = await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: async (m) => void stream.push(m.data), ledger: brokenLedger });
    expect(first.batchItemFailures).toHaveLength(1);
    const seenSince: number[] = [];
    const wasPublished = async (m: OriginMessage, since: number) => {
      seenSince.push(since);
      return stream.includes(m.data);
    };
    const again = await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: async (m) => void stream.push(m.data), ledger, wasPublished });
    expect(again).toMatchObject({ published: 0, republishAvoided: 1, batchItemFailures: [] });
    expect(stream).toEqual(['a']);
    expect(seenSince).toEqual([1_000]);
    expect(ledger.entries.get('a')).toEqual({ state: 'published' });
  });

  it('a claim whose put never landed is published on redelivery', async () => {
    const ledger = memoryLedger();
    const records = [record('INSERT', item('a', 'us-east-1'))];
    await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: collector('a').publish, ledger });
    const stream = collector();
    expect(await publishFromOrigin(records, { region: 'us-east-1', toMessage: withId, publish: stream.publish, ledger, wasPublished: async () => false })).toMatchObject({ published: 1 });
    expect(stream.published).toEqual(['a']);
  });
});
