import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { REGION, recordingTarget, start, tempDir } from './helpers.js';

it('delivers every acknowledged Publish after the process is killed with SIGKILL', async () => {
  const tmp = tempDir();
  const fixture = fileURLToPath(new URL('./fixtures/serveTopics.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, tmp.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { url, topicArn } = JSON.parse(line) as { url: string; topicArn: string };
    const sns = new SNSClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await sns.send(new PublishCommand({ TopicArn: topicArn, Message: `m${i}` }))).MessageId ?? '');
    sns.destroy();
    child.kill('SIGKILL');
    await once(child, 'exit');

    const target = recordingTarget();
    const topics = await start(tmp.dir, target.deliver);
    await topics.whenIdle();
    await topics.close();
    expect(target.deliveries.map((d) => d.event.Records[0]?.Sns.MessageId).sort()).toEqual([...ids].sort());
  } finally {
    child.kill('SIGKILL');
    tmp.remove();
  }
});
