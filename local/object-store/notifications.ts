/** Bucket notification configuration: parsed from and rendered to S3's XML, and matched against events. */
import { randomUUID } from 'node:crypto';
import { S3Error } from './s3Errors.js';
import { childNamed, childrenNamed, childText, document, el, node, parseXml, XmlParseError } from './xml.js';

export type DestinationKind = 'Topic' | 'Queue' | 'CloudFunction';

export interface NotificationRule {
  kind: DestinationKind;
  id: string;
  arn: string;
  events: string[];
  filter: Array<{ name: 'prefix' | 'suffix'; value: string }>;
}

export interface NotificationConfig {
  rules: NotificationRule[];
  eventBridge: boolean;
}

const KINDS: DestinationKind[] = ['Topic', 'Queue', 'CloudFunction'];
const ARN_SERVICE: Record<DestinationKind, string> = { Topic: 'sns', Queue: 'sqs', CloudFunction: 'lambda' };

const EVENT_NAMES = new Set([
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
]);

export function parseNotificationXml(body: string): NotificationConfig {
  let root;
  try {
    root = parseXml(body);
  } catch (e) {
    if (e instanceof XmlParseError) throw new S3Error('MalformedXML');
    throw e;
  }
  if (root.name !== 'NotificationConfiguration') throw new S3Error('MalformedXML');
  const rules: NotificationRule[] = [];
  for (const kind of KINDS) {
    for (const config of childrenNamed(root, `${kind}Configuration`)) {
      const arn = childText(config, kind)?.trim() ?? '';
      if (!new RegExp(`^arn:aws[a-z-]*:${ARN_SERVICE[kind]}:[a-z0-9-]+:\\d{12}:.+$`).test(arn)) {
        throw new S3Error('InvalidArgument', `Unable to validate the following destination configurations: ${arn || '(missing ARN)'}`, {
          ArgumentName: arn,
        });
      }
      const events = childrenNamed(config, 'Event').map((e) => e.text.trim());
      if (events.length === 0) throw new S3Error('MalformedXML');
      for (const event of events) {
        if (!EVENT_NAMES.has(event)) throw new S3Error('InvalidArgument', 'The event is not supported for notifications', { ArgumentName: event });
      }
      const filter: NotificationRule['filter'] = [];
      const s3Key = childNamed(childNamed(config, 'Filter') ?? { name: '', children: [], text: '' }, 'S3Key');
      for (const rule of s3Key ? childrenNamed(s3Key, 'FilterRule') : []) {
        const name = childText(rule, 'Name')?.trim().toLowerCase();
        if (name !== 'prefix' && name !== 'suffix') {
          throw new S3Error('InvalidArgument', 'filter rule name must be either prefix or suffix', { ArgumentName: 'FilterRule' });
        }
        if (filter.some((f) => f.name === name)) throw new S3Error('InvalidArgument', `Cannot specify more than one ${name} rule in a filter.`);
        filter.push({ name, value: childText(rule, 'Value') ?? '' });
      }
      const id = childText(config, 'Id')?.trim() || randomUUID();
      rules.push({ kind, id, arn, events, filter });
    }
  }
  return { rules, eventBridge: childNamed(root, 'EventBridgeConfiguration') !== undefined };
}

export function notificationXml(config: NotificationConfig | undefined): string {
  const parts = (config?.rules ?? []).map((r) =>
    node(
      `${r.kind}Configuration`,
      el('Id', r.id),
      el(r.kind, r.arn),
      ...r.events.map((e) => el('Event', e)),
      r.filter.length ? node('Filter', node('S3Key', ...r.filter.map((f) => node('FilterRule', el('Name', f.name), el('Value', f.value))))) : '',
    ),
  );
  if (config?.eventBridge) parts.push('<EventBridgeConfiguration></EventBridgeConfiguration>');
  return document('NotificationConfiguration', ...parts);
}

/** Topic rules this event fires (one message per matching rule, as S3 sends them). */
export function matchingTopicRules(config: NotificationConfig | undefined, eventName: string, key: string): NotificationRule[] {
  return (config?.rules ?? []).filter(
    (r) => r.kind === 'Topic' && r.events.some((e) => eventMatches(e, eventName)) && r.filter.every((f) => (f.name === 'prefix' ? key.startsWith(f.value) : key.endsWith(f.value))),
  );
}

/** `s3:ObjectCreated:*` matches `ObjectCreated:Put`; otherwise names must be equal. */
export function eventMatches(configured: string, eventName: string): boolean {
  const name = configured.replace(/^s3:/, '');
  return name.endsWith(':*') ? eventName.startsWith(name.slice(0, -1)) : name === eventName;
}

export function loadNotificationConfig(json: string | undefined): NotificationConfig | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as NotificationConfig);
}
