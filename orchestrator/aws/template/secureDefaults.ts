import { InsecureTemplateError } from '../errors.js';
import { addResource, getAtt, isRecord, refTarget, sub, type CfTemplate } from './cfTemplate.js';
import { encryptTopics } from './topicEncryption.js';

/**
 * Secure by default, for everything in the template (osls's resources, the service's, the plugin's):
 * buckets block public access, are encrypted, take no ACLs and refuse requests below TLS 1.2; topics and
 * queues are encrypted; no public-read anywhere; IAM and resource policies name their actions and, on
 * Allow, their resources; CloudFront reads buckets through origin access control.
 * What can be filled in is; what contradicts the rules is refused with the fix.
 */
export function secureTemplate(template: CfTemplate): void {
  encryptTopics(template);
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::S3::Bucket') {
      hardenBucket(id, (resource.Properties ??= {}));
      requireTls(template, id);
    }
    if (resource.Type === 'AWS::SQS::Queue') encryptQueue(id, (resource.Properties ??= {}));
    if (resource.Type === 'AWS::CloudFront::Distribution') checkBucketOrigins(id, resource.Properties ?? {});
    if (resource.Type === 'AWS::ApiGateway::RestApi' && resource.Properties?.Policy === '') {
      // osls writes an empty resource policy; CloudFormation treats it as none, validators reject it.
      delete resource.Properties.Policy;
    }
    for (const [where, doc] of policyDocuments(id, resource.Type, resource.Properties ?? {})) checkStatements(where, doc);
  }
  const text = JSON.stringify(template);
  if (/public-read/i.test(text)) {
    throw new InsecureTemplateError('the template grants a public-read ACL; buckets created since April 2023 refuse ACLs. Serve objects through CloudFront (custom.cdn.buckets) instead');
  }
}

const PUBLIC_ACLS = new Set(['PublicRead', 'PublicReadWrite', 'AuthenticatedRead']);
const BLOCK_ALL = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

function hardenBucket(id: string, props: Record<string, unknown>): void {
  if (typeof props.AccessControl === 'string' && PUBLIC_ACLS.has(props.AccessControl)) {
    throw new InsecureTemplateError(`resources.${id}: AccessControl ${props.AccessControl} makes the bucket public; remove it and serve objects through CloudFront (custom.cdn.buckets)`);
  }
  const block = props.PublicAccessBlockConfiguration;
  if (block === undefined) props.PublicAccessBlockConfiguration = { ...BLOCK_ALL };
  else if (!isRecord(block) || Object.keys(BLOCK_ALL).some((k) => block[k] !== true && block[k] !== 'true')) {
    throw new InsecureTemplateError(`resources.${id}: PublicAccessBlockConfiguration must block all public access (all four settings true); remove it and Meridian sets it`);
  }
  props.BucketEncryption ??= { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
  // ACLs off (the S3 default since 2023) unless the bucket asks for a log-delivery ACL explicitly.
  if (props.AccessControl === undefined) props.OwnershipControls ??= { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };
}

/** SQS-managed encryption (SSE-SQS) unless the queue names a KMS key: SNS and Lambda can both send to it. */
function encryptQueue(id: string, props: Record<string, unknown>): void {
  if (props.KmsMasterKeyId !== undefined) return;
  if (props.SqsManagedSseEnabled === false || props.SqsManagedSseEnabled === 'false') {
    throw new InsecureTemplateError(`resources.${id}: SqsManagedSseEnabled false leaves the queue unencrypted; remove it (Meridian turns SSE-SQS on) or name a KmsMasterKeyId`);
  }
  props.SqsManagedSseEnabled = true;
}

/**
 * Every bucket's policy denies requests without TLS, or with TLS below 1.2, added to the policy the bucket
 * already has (a bucket has one policy) unless it says so itself, as osls's deployment bucket policy does.
 */
function requireTls(template: CfTemplate, bucketId: string): void {
  const bucketName = template.Resources[bucketId]?.Properties?.BucketName;
  const policy = Object.values(template.Resources).find((r) => {
    if (r.Type !== 'AWS::S3::BucketPolicy') return false;
    const bucket = r.Properties?.Bucket;
    return refTarget(bucket) === bucketId || (typeof bucket === 'string' && bucket === bucketName);
  });
  const resources = [getAtt(bucketId, 'Arn'), sub(`\${${bucketId}.Arn}/*`)];
  const statements = [
    { key: 'aws:SecureTransport', statement: { Sid: 'MeridianDenyPlainHttp', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': false } } } },
    { key: 's3:TlsVersion', statement: { Sid: 'MeridianDenyTlsBelow12', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } } },
  ];
  if (!policy) {
    addResource(template, `${bucketId}TlsOnlyPolicy`, {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: bucketId }, PolicyDocument: { Version: '2012-10-17', Statement: statements.map((s) => s.statement) } },
    });
    return;
  }
  const doc = policy.Properties?.PolicyDocument;
  if (!isRecord(doc)) return;
  const existing = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const text = JSON.stringify(existing);
  doc.Statement = [...existing, ...statements.filter((s) => !text.includes(s.key)).map((s) => s.statement)];
}

function checkBucketOrigins(id: string, props: Record<string, unknown>): void {
  const config = isRecord(props.DistributionConfig) ? props.DistributionConfig : {};
  const origins = Array.isArray(config.Origins) ? config.Origins.filter(isRecord) : [];
  for (const origin of origins) {
    const s3 = origin.S3OriginConfig;
    const identity = isRecord(s3) ? s3.OriginAccessIdentity : undefined;
    if (s3 !== undefined && origin.OriginAccessControlId === undefined && (identity === undefined || identity === '')) {
      throw new InsecureTemplateError(
        `resources.${id}: origin ${String(origin.Id)} reads a bucket without origin access control; add OriginAccessControlId (or serve the bucket with custom.cdn.buckets, which does)`,
      );
    }
  }
}

/** Policy documents of the resource types that carry them, with where they are (for messages). */
function policyDocuments(id: string, type: string, props: Record<string, unknown>): [string, unknown][] {
  switch (type) {
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return (Array.isArray(props.Policies) ? props.Policies : []).filter(isRecord).map((p, i) => [`resources.${id}.Properties.Policies[${i}]`, p.PolicyDocument]);
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::S3::BucketPolicy':
    case 'AWS::SNS::TopicPolicy':
    case 'AWS::SQS::QueuePolicy':
      return [[`resources.${id}.Properties.PolicyDocument`, props.PolicyDocument]];
    case 'AWS::KMS::Key':
      return [[`resources.${id}.Properties.KeyPolicy`, props.KeyPolicy]];
    case 'AWS::OpenSearchService::Domain':
      return [[`resources.${id}.Properties.AccessPolicies`, props.AccessPolicies]];
    default:
      return [];
  }
}

/**
 * Where an Allow statement may say `Resource: "*"`, and why. Nothing else may: every other statement
 * names its resources by ARN. Actions that have no resource-level permissions at all (xray:PutTraceSegments,
 * cloudwatch:PutMetricData, ...) would be listed here with their reason the day a template needs one;
 * none does today (logs go to CloudWatch Logs by log-group ARN, metrics are written as log lines).
 */
const RESOURCE_WILDCARD_ALLOWED: { where: RegExp; why: string }[] = [
  // A key policy is attached to one key; AWS requires Resource "*" there, and it means "this key".
  { where: /\.Properties\.KeyPolicy$/, why: 'a KMS key policy, where "*" means the key itself' },
];

function checkStatements(where: string, doc: unknown): void {
  if (!isRecord(doc)) return;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  statements.filter(isRecord).forEach((s, i) => {
    // Deny statements may be broad (e.g. deny s3:* without TLS); only what is allowed must be named.
    if (s.Effect !== 'Allow') return;
    const actions = Array.isArray(s.Action) ? s.Action : s.Action === undefined ? [] : [s.Action];
    const wildcard = actions.find((a) => typeof a === 'string' && a.includes('*'));
    if (wildcard !== undefined || s.NotAction !== undefined) {
      throw new InsecureTemplateError(
        `${where}: statement ${i} allows ${wildcard !== undefined ? `"${String(wildcard)}"` : 'every action but NotAction'}; name the actions it needs (e.g. dynamodb:GetItem, dynamodb:PutItem)`,
      );
    }
    const resources = Array.isArray(s.Resource) ? s.Resource : s.Resource === undefined ? [] : [s.Resource];
    const everything = s.NotResource !== undefined || resources.some((r) => r === '*');
    if (everything && !RESOURCE_WILDCARD_ALLOWED.some((e) => e.where.test(where))) {
      throw new InsecureTemplateError(
        `${where}: statement ${i} allows ${actions.map(String).join(', ')} on ${s.NotResource !== undefined ? 'every resource but NotResource' : 'every resource ("*")'}; ` +
          `name the resources by ARN (e.g. !GetAtt Table.Arn, arn:\${AWS::Partition}:s3:::bucket/prefix*); "*" is allowed only in ${RESOURCE_WILDCARD_ALLOWED.map((e) => e.why).join(', ')}`,
      );
    }
    const principal = s.Principal;
    const isPublic = principal === '*' || (isRecord(principal) && (principal.AWS === '*' || (Array.isArray(principal.AWS) && principal.AWS.includes('*'))));
    if (isPublic && s.Condition === undefined) {
      throw new InsecureTemplateError(`${where}: statement ${i} allows anyone (Principal "*"); name the principal or add a Condition that narrows it (aws:SourceArn, aws:SourceAccount)`);
    }
  });
}
