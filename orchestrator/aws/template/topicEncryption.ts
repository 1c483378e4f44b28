import { addResource, isRecord, ref, refTarget, resourcesOfType, sub, type CfTemplate } from './cfTemplate.js';

/**
 * Every SNS topic is encrypted at rest. A topic only Meridian's own code publishes to uses the AWS managed
 * key `alias/aws/sns`. A topic an AWS service publishes to (S3 event notifications, CloudWatch alarms: a
 * topic policy lets a service principal `sns:Publish`) cannot: the managed key's policy cannot be changed to
 * let that service use it, and its messages would be refused. Those topics share one customer managed key
 * per stack whose policy lets exactly those services (under the topic policy's own conditions) use it.
 */
export const TOPIC_KEY_ID = 'MeridianTopicKey';

/** What the account's administrators may do with the key: manage it (and delete it with the stack), not read with it. */
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** A publishing service needs these on the topic's key (AWS SNS developer guide, "encrypted topics"). */
const PUBLISHER_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

export function encryptTopics(template: CfTemplate): void {
  const publishers = servicePublishers(template);
  const keyStatements: Record<string, unknown>[] = [];
  for (const [id, topic] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    const props = (topic.Properties ??= {});
    if (props.KmsMasterKeyId !== undefined) continue;
    const services = publishers.get(id) ?? [];
    if (services.length === 0) {
      props.KmsMasterKeyId = 'alias/aws/sns';
      continue;
    }
    props.KmsMasterKeyId = ref(TOPIC_KEY_ID);
    for (const s of services) {
      keyStatements.push({
        Sid: `${s.service.split('.')[0]}Publishes${id}`.replace(/[^A-Za-z0-9]/g, ''),
        Effect: 'Allow',
        Principal: { Service: s.service },
        Action: PUBLISHER_ACTIONS,
        Resource: '*',
        ...(s.condition !== undefined ? { Condition: s.condition } : {}),
      });
    }
  }
  if (keyStatements.length === 0) return;
  addResource(template, TOPIC_KEY_ID, {
    Type: 'AWS::KMS::Key',
    Properties: {
      Description: 'Meridian: encrypts this stack\'s SNS topics that AWS services publish to',
      EnableKeyRotation: true,
      KeyPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministers',
            Effect: 'Allow',
            Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
            Action: KEY_ADMIN_ACTIONS,
            Resource: '*',
          },
          ...dedupe(keyStatements),
        ],
      },
    },
  });
}

interface Publisher {
  service: string;
  condition: unknown;
}

/** Topic logical id → the AWS services its topic policy lets publish, each with the statement's condition. */
function servicePublishers(template: CfTemplate): Map<string, Publisher[]> {
  const out = new Map<string, Publisher[]>();
  for (const [, policy] of resourcesOfType(template, 'AWS::SNS::TopicPolicy')) {
    const topics = Array.isArray(policy.Properties?.Topics) ? policy.Properties.Topics : [];
    const doc = policy.Properties?.PolicyDocument;
    const statements = isRecord(doc) ? (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) : [];
    for (const s of statements.filter(isRecord)) {
      const actions = ([] as unknown[]).concat(s.Action ?? []);
      if (s.Effect !== 'Allow' || !actions.includes('sns:Publish') || !isRecord(s.Principal)) continue;
      const services = ([] as unknown[]).concat(s.Principal.Service ?? []).filter((x): x is string => typeof x === 'string');
      for (const topic of topics) {
        const id = refTarget(topic);
        if (id === undefined) continue;
        const list = out.get(id) ?? [];
        for (const service of services) list.push({ service, condition: s.Condition });
        out.set(id, list);
      }
    }
  }
  return out;
}

function dedupe(statements: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return statements.filter((s) => {
    const key = JSON.stringify({ ...s, Sid: undefined });
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
