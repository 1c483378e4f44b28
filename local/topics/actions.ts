import { SnsError, invalidParameter } from './errors.js';
import type { QueryParams } from './form.js';
import type { TopicService } from './topicService.js';
import type { Subscription } from './types.js';
import { el, entries, members } from './xml.js';

/** An action returns the inner XML of its `<ActionResult>`, or undefined when SNS sends none. */
export type Action = (service: TopicService, params: QueryParams) => string | undefined;

/** SNS pages ListTopics and ListSubscriptions* by 100. */
const PAGE = 100;

function page<T>(items: readonly T[], key: (t: T) => string, params: QueryParams): { items: T[]; next: string | undefined } {
  const token = params.optional('NextToken');
  const after = token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8');
  const rest = after === undefined ? [...items] : items.slice(items.findIndex((t) => key(t) === after) + 1);
  const slice = rest.slice(0, PAGE);
  const last = slice[slice.length - 1];
  return { items: slice, next: rest.length > PAGE && last ? Buffer.from(key(last)).toString('base64url') : undefined };
}

const nextToken = (next: string | undefined): string => (next === undefined ? '' : el('NextToken', next));

const subscriptionXml = (s: Subscription, accountId: string): string =>
  el('TopicArn', s.topicArn) + el('Protocol', s.protocol) + el('SubscriptionArn', s.subscriptionArn) + el('Owner', accountId) + el('Endpoint', s.endpoint);

function subscriptionsResult(service: TopicService, params: QueryParams, topicArn: string | undefined): string {
  const all = service.subscriptions(topicArn);
  const { items, next } = page(all, (s) => s.subscriptionArn, params);
  return members('Subscriptions', items.map((s) => subscriptionXml(s, service.accountId))) + nextToken(next);
}

/** Publish's message: with MessageStructure=json, the `lambda` entry or else the required `default`. */
function messageFor(params: QueryParams): string {
  const message = params.required('Message');
  if (params.optional('MessageStructure') !== 'json') return message;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const byProtocol = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const chosen = byProtocol['lambda'] ?? byProtocol['default'];
  if (typeof chosen !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
  return chosen;
}

export const ACTIONS: Readonly<Record<string, Action>> = {
  CreateTopic: (s, p) => el('TopicArn', s.createTopic(p.required('Name'), p.stringMap('Attributes'))),
  DeleteTopic: (s, p) => {
    s.deleteTopic(p.required('TopicArn'));
    return undefined;
  },
  ListTopics: (s, p) => {
    const { items, next } = page(s.listTopics(), (arn) => arn, p);
    return members('Topics', items.map((arn) => el('TopicArn', arn))) + nextToken(next);
  },
  GetTopicAttributes: (s, p) => entries('Attributes', s.topicAttributes(p.required('TopicArn'))),
  SetTopicAttributes: (s, p) => {
    s.setTopicAttribute(p.required('TopicArn'), p.required('AttributeName'), p.optional('AttributeValue') ?? '');
    return undefined;
  },
  Subscribe: (s, p) => {
    const protocol = p.required('Protocol');
    if (protocol !== 'lambda') throw invalidParameter(`Protocol ${protocol}: the local cloud delivers to lambda only`);
    const endpoint = p.optional('Endpoint');
    if (endpoint === undefined) throw invalidParameter('Endpoint');
    return el('SubscriptionArn', s.subscribe(p.required('TopicArn'), { protocol, functionArn: endpoint }));
  },
  Unsubscribe: (s, p) => {
    s.unsubscribe(p.required('SubscriptionArn'));
    return undefined;
  },
  ListSubscriptionsByTopic: (s, p) => subscriptionsResult(s, p, p.required('TopicArn')),
  ListSubscriptions: (s, p) => subscriptionsResult(s, p, undefined),
  Publish: (s, p) => {
    const topicArn = p.optional('TopicArn') ?? p.optional('TargetArn');
    if (topicArn === undefined) {
      throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    }
    const messageId = s.publish({ topicArn, message: messageFor(p), subject: p.optional('Subject'), attributes: p.messageAttributes() });
    return el('MessageId', messageId);
  },
};
