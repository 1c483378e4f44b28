import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type Sqlite } from '../../storage/sqlite.js';
import type { SourceRecord } from '../batchProcessor.js';
import { CheckpointStore } from '../checkpointStore.js';
import { EventSourcePoller } from '../eventSourcePoller.js';
import { mappingRetryPolicy } from '../retryPolicy.js';
import type { StreamDescription, StreamSource } from '../streamSource.js';
import { eventually } from './recordFile.js';

/*
 * The poller on a scripted one-shard stream (a stand-in for this unit only: the real sources have their
 * own suites). A mapping whose stream announces appends (nudge) may pause a quiet shard for minutes and
 * still hand each announced record over at once.
 */
const STREAM: StreamDescription = { streamId: 's', eventSourceArn: 'arn:aws:kinesis:us-east-1:1:stream/s', shards: [{ shardId: 'shard-0', closed: false }] };

/** A shard whose records the test appends; getRecords can be held to land a nudge mid-call. */
class ScriptedShard implements StreamSource {
  readonly waiting: SourceRecord[] = [];
  calls = 0;
  private seq = 0;
  private hold: Promise<void> | undefined;
  private release: (() => void) | undefined;
  heldCall: Promise<void> | undefined;
  private enterHeld: (() => void) | undefined;

  append(id: string): void {
    this.waiting.push({ sequenceNumber: String(++this.seq), record: { id } });
  }
  /** The next getRecords waits (after reading nothing) until release(); resolves once it is waiting. */
  holdNextCall(): Promise<void> {
    this.hold = new Promise((r) => (this.release = r));
    return (this.heldCall = new Promise((r) => (this.enterHeld = r)));
  }
  releaseHeld(): void {
    this.release?.();
  }

  async describe() {
    return STREAM;
  }
  async shardIterator() {
    return 'iterator';
  }
  async getRecords() {
    this.calls++;
    const hold = this.hold;
    if (hold) {
      this.hold = undefined;
      const page = this.waiting.splice(0); // read before the append the test makes while this call is held
      this.enterHeld?.();
      await hold;
      return { records: page, nextIterator: 'iterator' };
    }
    return { records: this.waiting.splice(0), nextIterator: 'iterator' };
  }
  close() {}
}

let dir: string;
let db: Sqlite;
let poller: EventSourcePoller | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meridian-poller-'));
  db = openSqlite(join(dir, 'checkpoints.sqlite'));
});

afterEach(async () => {
  await poller?.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function startPoller(source: ScriptedShard, maxIdlePollMs: number, delivered: string[]): EventSourcePoller {
  const p = new EventSourcePoller(
    { mappingId: 'm', batchSize: 10, startingPosition: 'TRIM_HORIZON', maxIdlePollMs },
    {
      source,
      checkpoints: new CheckpointStore(db),
      policy: mappingRetryPolicy(0),
      isDeployed: () => true,
      invoke: async (event) => void delivered.push(...event.Records.map((r) => (r as { id: string }).id)),
      onFault: () => {},
      log: () => {},
    },
  );
  p.start();
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event source poller on a stream that announces its appends', () => {
  it('polls a quiet shard ever more rarely, and reads an announced record at once', async () => {
    const source = new ScriptedShard();
    const delivered: string[] = [];
    poller = startPoller(source, 600_000, delivered);
    // Quiet for 3.2 s: pauses of 50, 100, 200, 400, 800, 1600 ms, a handful of polls (every 200 ms would be 16).
    await sleep(3_200);
    expect(source.calls).toBeLessThanOrEqual(8);
    // The next timed poll is over 3 s away: the announcement, not the timer, brings the record in.
    source.append('a');
    poller.nudge();
    await eventually(() => delivered.includes('a'), 2_000, 'the announced record');
  });

  it('does not pause after an empty read that an announcement overtook', async () => {
    const source = new ScriptedShard();
    const delivered: string[] = [];
    poller = startPoller(source, 600_000, delivered);
    await sleep(3_200); // quiet: the next pause would be over 3 s
    // The announcement lands while a read that saw nothing is still in flight.
    const held = source.holdNextCall();
    poller.nudge(); // wakes the idle shard into the held read
    await held;
    source.append('b');
    poller.nudge();
    source.releaseHeld();
    await eventually(() => delivered.includes('b'), 2_000, 'the record announced during the read');
  });
});
