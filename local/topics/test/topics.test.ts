import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  InvalidParameterException,
} from '@aws-sdk/client-sns';
import { ACCOUNT, FUNCTION_ARN, REGION, clientFor, recordingTarget, start, tempDir } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(target = recordingTarget()) {
  const tmp = tempDir();
  const topics = await start(tmp.dir, target.deliver);
  const sns = clientFor(topics);
  cleanups.push(tmp.remove, () => topics.close(), () => sns.destroy());
  return { topics, sns, target, dir: tmp.dir };
}

describe('topics over the SNS Query protocol', () => {
  it('creates, lists, describes and deletes topics, idempotently', async () => {
    const { topics, sns } = await setup();
    const created = await sns.send(new CreateTopicCommand({ Name: 'search-views', Attributes: { DisplayName: 'Search' } }));
    expect(created.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:search-views`);
    expect(topics.createTopic('search-views')).toBe(created.TopicArn);
    expect((await sns.send(new CreateTopicCommand({ Name: 'search-views' }))).TopicArn).toBe(created.TopicArn);
    topics.createTopic('homepage');
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual([
      { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:homepage` },
      { TopicArn: created.TopicArn },
    ]);
    await sns.send(new SetTopicAttributesCommand({ TopicArn: created.TopicArn, AttributeName: 'DeliveryPolicy', AttributeValue: '{}' }));
    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn: created.TopicArn }));
    expect(attrs.Attributes).toMatchObject({ TopicArn: created.TopicArn, Owner: ACCOUNT, DisplayName: 'Search', DeliveryPolicy: '{}', SubscriptionsConfirmed: '0' });
    expect(JSON.parse(attrs.Attributes?.Policy ?? '{}')).toMatchObject({ Statement: [{ Resource: created.TopicArn }] });
    await sns.send(new DeleteTopicCommand({ TopicArn: created.TopicArn }));
    expect((await sns.send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn)).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:homepage`]);
  });

  it('pages ListTopics by 100 with NextToken', async () => {
    const { topics, sns } = await setup();
    for (let i = 0; i < 130; i++) topics.createTopic(`t${String(i).padStart(3, '0')}`);
    const first = await sns.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    const second = await sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.Topics).toHaveLength(30);
    expect(second.NextToken).toBeUndefined();
  });

  it('subscribes, lists and unsubscribes lambda endpoints', async () => {
    const { topics, sns } = await setup();
    const topicArn = topics.createTopic('t');
    const inProcess = topics.subscribe(topicArn, { protocol: 'lambda', functionArn: FUNCTION_ARN });
    expect(inProcess).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    expect(topics.subscribe(topicArn, { protocol: 'lambda', functionArn: FUNCTION_ARN })).toBe(inProcess);
    const other = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:replicator`;
    const viaSdk = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: other }));
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(listed.Subscriptions).toEqual([
      { TopicArn: topicArn, Protocol: 'lambda', SubscriptionArn: inProcess, Owner: ACCOUNT, Endpoint: FUNCTION_ARN },
      { TopicArn: topicArn, Protocol: 'lambda', SubscriptionArn: viaSdk.SubscriptionArn, Owner: ACCOUNT, Endpoint: other },
    ]);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: inProcess }));
    expect(topics.subscriptions(topicArn).map((s) => s.endpoint)).toEqual([other]);
    await expect(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:x' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('subscribes a function by its ARN, qualified or not, and refuses an endpoint that is no function ARN', async () => {
    const { topics, sns } = await setup();
    const topicArn = topics.createTopic('t');
    const alias = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:indexer:live`;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: alias }));
    expect(topics.subscriptions(topicArn).map((s) => s.endpoint)).toEqual([alias]);
    for (const endpoint of ['indexer', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:indexer:3`, `arn:aws:sns:${REGION}:${ACCOUNT}:function:indexer`]) {
      await expect(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: endpoint }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Lambda endpoint ARN',
      });
    }
    expect(topics.subscriptions(topicArn)).toHaveLength(1);
  });

  it('throws errors by name: NotFound for a missing topic, in SNS’s XML shape', async () => {
    const { topics, sns } = await setup();
    const missing = `arn:aws:sns:${REGION}:${ACCOUNT}:nope`;
    const publish = sns.send(new PublishCommand({ TopicArn: missing, Message: 'x' }));
    await expect(publish).rejects.toBeInstanceOf(NotFoundException);
    await expect(publish).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: missing }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(topics.publish(missing, 'x')).rejects.toMatchObject({ name: 'NotFound' });
    const raw = await fetch(topics.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=Publish&Version=2010-03-31&TopicArn=${encodeURIComponent(missing)}&Message=x`,
    });
    expect(raw.status).toBe(404);
    expect(await raw.text()).toMatch(
      /^<\?xml version="1.0"\?>\n<ErrorResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>NotFound<\/Code><Message>Topic does not exist<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/,
    );
  });
});

describe('fan-out to lambda subscribers', () => {
  it('delivers a published message to each subscriber in AWS’s SNS→Lambda event shape', async () => {
    const { topics, sns, target } = await setup();
    const topicArn = topics.createTopic('search-views');
    const a = topics.subscribe(topicArn, { protocol: 'lambda', functionArn: FUNCTION_ARN });
    const bArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:replicator`;
    const b = topics.subscribe(topicArn, { protocol: 'lambda', functionArn: bArn });
    const before = Date.now();
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: '{"id":"d1"}',
        Subject: 'view written',
        MessageAttributes: { origin: { DataType: 'String', StringValue: 'us-west-2' }, hops: { DataType: 'Number', StringValue: '1' } },
      }),
    );
    await topics.whenIdle();
    expect(target.deliveries.map((d) => d.functionArn).sort()).toEqual([FUNCTION_ARN, bArn].sort());
    const toA = target.deliveries.find((d) => d.functionArn === FUNCTION_ARN)?.event;
    expect(toA).toEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: a,
          Sns: {
            Type: 'Notification',
            MessageId,
            TopicArn: topicArn,
            Subject: 'view written',
            Message: '{"id":"d1"}',
            Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            SignatureVersion: '1',
            Signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
            SigningCertUrl: expect.stringMatching(/^https:\/\/sns\.us-west-2\.amazonaws\.com\/SimpleNotificationService-.+\.pem$/),
            UnsubscribeUrl: `${topics.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(a)}`,
            MessageAttributes: { origin: { Type: 'String', Value: 'us-west-2' }, hops: { Type: 'Number', Value: '1' } },
          },
        },
      ],
    });
    expect(Date.parse(toA?.Records[0]?.Sns.Timestamp ?? '')).toBeGreaterThanOrEqual(before - 1);
    const toB = target.deliveries.find((d) => d.functionArn === bArn)?.event.Records[0];
    expect(toB?.EventSubscriptionArn).toBe(b);
    expect(toB?.Sns.MessageId).toBe(MessageId);

    // Without a subject the event carries null, and no attributes an empty object, as AWS sends them.
    const plain = await topics.publish(topicArn, 'hello');
    await topics.whenIdle();
    const plainEvent = target.deliveries.find((d) => d.event.Records[0]?.Sns.MessageId === plain)?.event.Records[0]?.Sns;
    expect(plainEvent).toMatchObject({ Subject: null, MessageAttributes: {}, Message: 'hello' });

    // The Unsubscribe link works against the local endpoint.
    const res = await fetch(toA?.Records[0]?.Sns.UnsubscribeUrl ?? '');
    expect(res.status).toBe(200);
    expect(topics.subscriptions(topicArn).map((s) => s.subscriptionArn)).toEqual([b]);
  });

  it('retries a failing subscriber a bounded number of times, then records a fault while others still deliver', async () => {
    const broken = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:broken`;
    const { topics, target } = await setup(recordingTarget((fn) => fn === broken));
    const topicArn = topics.createTopic('t');
    const good = topics.subscribe(topicArn, { protocol: 'lambda', functionArn: FUNCTION_ARN });
    const bad = topics.subscribe(topicArn, { protocol: 'lambda', functionArn: broken });
    const ids = [await topics.publish(topicArn, 'one'), await topics.publish(topicArn, 'two')];
    await topics.whenIdle();
    expect(target.deliveries.map((d) => d.event.Records[0]?.Sns.Message).sort()).toEqual(['one', 'two']);
    expect(target.deliveries.every((d) => d.event.Records[0]?.EventSubscriptionArn === good)).toBe(true);
    expect(target.attempts.filter((a) => a.functionArn === broken)).toHaveLength(6);
    const faults = topics.faults();
    expect(faults.map((f) => [f.subscriptionArn, f.functionArn, f.message, f.attempts, f.error])).toEqual(
      expect.arrayContaining([
        [bad, broken, 'one', 3, `Error: ${broken} is failing`],
        [bad, broken, 'two', 3, `Error: ${broken} is failing`],
      ]),
    );
    expect(faults.map((f) => f.messageId).sort()).toEqual([...ids].sort());
    expect(faults[0]?.event.Records[0]?.Sns.TopicArn).toBe(topicArn);
    expect(topics.pendingCount()).toBe(0);
  });

  it('backs off between attempts', async () => {
    const times: number[] = [];
    const tmp = tempDir();
    const topics = await start(
      tmp.dir,
      async () => {
        times.push(Date.now());
        throw new Error('down');
      },
      { retry: { maximumRetryAttempts: 2, baseDelayMs: 50, maxDelayMs: 1000 } },
    );
    cleanups.push(tmp.remove, () => topics.close());
    const topicArn = topics.createTopic('t');
    topics.subscribe(topicArn, { protocol: 'lambda', functionArn: FUNCTION_ARN });
    await topics.publish(topicArn, 'm');
    await topics.whenIdle();
    expect(times).toHaveLength(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(45);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(95);
    expect(topics.faults()).toHaveLength(1);
  });
});

describe('durability', () => {
  it('keeps topics, subscriptions and faults, and resumes pending deliveries after close and restart', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    // First life: the runtime is down, so nothing gets delivered before the region stops.
    let release: () => void = () => undefined;
    const down = new Promise<void>((resolve) => (release = resolve));
    const first = await start(tmp.dir, () => down.then(() => Promise.reject(new Error('region stopped'))), { closeGraceMs: 50 });
    const topicArn = first.createTopic('t');
    const sub = first.subscribe(topicArn, { protocol: 'lambda', functionArn: FUNCTION_ARN });
    const sns = clientFor(first);
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'survives' }));
    sns.destroy();
    expect(first.pendingCount()).toBe(1);
    await first.close();
    release();

    const target = recordingTarget();
    const second = await start(tmp.dir, target.deliver);
    cleanups.push(() => second.close());
    await second.whenIdle();
    expect(target.deliveries.map((d) => [d.event.Records[0]?.Sns.MessageId, d.event.Records[0]?.EventSubscriptionArn])).toEqual([[MessageId, sub]]);
    expect(second.subscriptions(topicArn).map((s) => s.subscriptionArn)).toEqual([sub]);
    expect(second.createTopic('t')).toBe(topicArn);
    expect(second.faults()).toEqual([]);
  });
});
