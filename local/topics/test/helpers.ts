import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SnsEvent, Topics, TopicsOptions } from '../index.js';
import { startTopics } from '../index.js';

export const REGION = 'us-west-2';
export const ACCOUNT = '000000000000';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:indexer`;

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-topics-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Delivery {
  functionArn: string;
  event: SnsEvent;
}

/** A delivery target that records what it receives and fails while `failing(functionArn, event)` says so. */
export function recordingTarget(failing: (functionArn: string, event: SnsEvent) => boolean = () => false): {
  deliveries: Delivery[];
  attempts: Delivery[];
  deliver: TopicsOptions['deliver'];
} {
  const deliveries: Delivery[] = [];
  const attempts: Delivery[] = [];
  return {
    deliveries,
    attempts,
    deliver: async (functionArn, event) => {
      attempts.push({ functionArn, event });
      if (failing(functionArn, event)) throw new Error(`${functionArn} is failing`);
      deliveries.push({ functionArn, event });
    },
  };
}

export function start(dataDir: string, deliver: TopicsOptions['deliver'], extra: Partial<TopicsOptions> = {}): Promise<Topics> {
  return startTopics({ region: REGION, accountId: ACCOUNT, port: 0, dataDir, deliver, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra });
}

export function clientFor(topics: Topics): SNSClient {
  return new SNSClient({ endpoint: topics.url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}
