import { Fields } from '../../service-definition/fields.js';
import { isIntrinsic } from '../../service-definition/intrinsics.js';
import type { KeyPath } from '../../service-definition/errors.js';
import type { CfValue } from './cfTemplate.js';

/**
 * The 2018 plugins' configuration, read with their keys and defaults so an existing serverless.yml
 * migrates unchanged: `custom.dns` and `custom.cdn` (serverless-multi-regional-plugin), `custom.autoscaling`
 * (serverless-dynamodb-autoscaling-plugin, with `global: true` from serverless-dynamodb-global-table-plugin).
 */
export interface PluginConfig {
  dns?: DnsConfig;
  cdn?: CdnConfig;
  autoscaling: AutoscalingEntry[];
}

export type HostedZone = { HostedZoneId: CfValue } | { HostedZoneName: string };

export interface DnsConfig {
  hostedZone: HostedZone;
  /** The global name (CloudFront's alias), `service.example.com`. */
  domainName: string;
  /** The name every region's API answers to, the same in all regions: Route 53 picks the nearest healthy one. */
  regionalDomainName: string;
  /** `custom.dns.<region>` for the region being packaged. */
  acmCertificateArn?: CfValue;
  healthCheckId?: CfValue;
  /** Path of the generated HTTPS health check when no healthCheckId is given (serverless-multi-region-plugin's key). */
  healthCheckResourcePath?: string;
}

export interface CdnConfig {
  /** The one region whose stack holds the distribution. */
  region: string;
  aliases: string[];
  acmCertificateArn?: CfValue;
  priceClass: string;
  logging?: { bucket: string; prefix?: string };
  webACLId?: CfValue;
  /** Headers in the cache key and forwarded to the API. */
  headers: string[];
  /** Meridian's addition: buckets of this stack served under a path pattern, read through origin access control. */
  buckets: { pathPattern: string; bucket: string }[];
}

export interface AutoscalingEntry {
  /** Logical id of an AWS::DynamoDB::Table in resources. */
  table: string;
  global: boolean;
  read?: Capacity;
  write?: Capacity;
}

export interface Capacity {
  minimum: number;
  maximum: number;
  /** Target utilisation, 0-1 (the plugin's `usage`; CloudFormation wants a percentage). */
  usage: number;
  actions: ScheduledCapacity[];
}

export interface ScheduledCapacity {
  name: string;
  minimum: number;
  maximum: number;
  schedule: string;
}

export interface ConfigScope {
  /** The serverless.yml (for error messages). */
  file: string;
  region: string;
  stage: string;
}

const DEFAULT_HEADERS = ['Accept', 'Authorization'];
const DEFAULT_PRICE_CLASS = 'PriceClass_100';
const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;
const DEFAULT_USAGE = 0.7;

export function readPluginConfig(custom: Record<string, unknown>, scope: ConfigScope): PluginConfig {
  const f: Fields = new Fields(scope.file);
  const cdnRaw = f.record(custom.cdn, ['custom', 'cdn']);
  // The multi-regional plugin's switch: `cdn.disabled: true` turned off its whole front door.
  const frontDoorOff = f.optBoolean(cdnRaw.disabled, ['custom', 'cdn', 'disabled']) === true;
  const config: PluginConfig = { autoscaling: autoscaling(custom.autoscaling, f) };
  if (custom.dns !== undefined && !frontDoorOff) config.dns = dns(custom.dns, scope, f);
  if (custom.cdn !== undefined && !frontDoorOff && cdnEnabledForStage(cdnRaw, scope, f)) {
    if (!config.dns) f.fail(['custom', 'cdn'], 'needs custom.dns: the distribution sends requests to the regional domain name (custom.dns.regionalDomainName)');
    config.cdn = cdn(cdnRaw, config.dns, f);
  }
  return config;
}

function dns(raw: unknown, scope: ConfigScope, f: Fields): DnsConfig {
  const at = ['custom', 'dns'];
  const d = f.record(raw, at);
  const domainName = hostName(d.domainName, [...at, 'domainName'], f);
  const labels = domainName.split('.');
  if (labels.length < 3) f.fail([...at, 'domainName'], `"${domainName}" must be a name inside your hosted zone, such as service.example.com`);
  const hostedZone: HostedZone =
    d.hostedZoneId !== undefined && d.hostedZoneId !== null
      ? { HostedZoneId: value(d.hostedZoneId, [...at, 'hostedZoneId'], f) }
      : // The plugin's fallback: the zone named after the last two labels of the domain name.
        { HostedZoneName: `${labels.slice(-2).join('.')}.` };
  const regionalDomainName =
    d.regionalDomainName === undefined || d.regionalDomainName === null
      ? [...labels.slice(0, -3), `${labels[labels.length - 3]}-region`, ...labels.slice(-2)].join('.')
      : hostName(d.regionalDomainName, [...at, 'regionalDomainName'], f);
  const here = f.record(d[scope.region], [...at, scope.region]);
  const config: DnsConfig = { hostedZone, domainName, regionalDomainName };
  const cert = optValue(here.acmCertificateArn, [...at, scope.region, 'acmCertificateArn'], f);
  if (cert !== undefined) config.acmCertificateArn = cert;
  const healthCheckId = optValue(here.healthCheckId, [...at, scope.region, 'healthCheckId'], f);
  if (healthCheckId !== undefined) config.healthCheckId = healthCheckId;
  const path = f.optString(d.healthCheckResourcePath, [...at, 'healthCheckResourcePath']);
  if (path !== undefined) config.healthCheckResourcePath = path.startsWith('/') ? path : `/${path}`;
  return config;
}

function cdnEnabledForStage(c: Record<string, unknown>, scope: ConfigScope, f: Fields): boolean {
  // `cdn.enabled: [prod]` limited the distribution to those stages.
  if (c.enabled === undefined || c.enabled === null) return true;
  const stages = f.list(c.enabled, ['custom', 'cdn', 'enabled']).map((s, i) => f.string(s, ['custom', 'cdn', 'enabled', i]));
  return stages.includes(scope.stage);
}

function cdn(c: Record<string, unknown>, dnsConfig: DnsConfig, f: Fields): CdnConfig {
  const at = ['custom', 'cdn'];
  const region = f.string(c.region, [...at, 'region']);
  // Without `aliases` the plugin served the global domain name; an empty list means no alias at all.
  const aliases = c.aliases === undefined || c.aliases === null ? [dnsConfig.domainName] : f.list(c.aliases, [...at, 'aliases']).map((a, i) => hostName(a, [...at, 'aliases', i], f));
  const config: CdnConfig = {
    region,
    aliases,
    priceClass: c.priceClass === undefined || c.priceClass === null ? DEFAULT_PRICE_CLASS : f.oneOf(c.priceClass, [...at, 'priceClass'], PRICE_CLASSES),
    headers: c.headers === undefined || c.headers === null ? DEFAULT_HEADERS : f.list(c.headers, [...at, 'headers']).map((h, i) => f.string(h, [...at, 'headers', i])),
    buckets: f.list(c.buckets, [...at, 'buckets']).map((b, i) => {
      const entry = f.record(b, [...at, 'buckets', i]);
      return { pathPattern: f.string(entry.pathPattern, [...at, 'buckets', i, 'pathPattern']), bucket: f.string(entry.bucket, [...at, 'buckets', i, 'bucket']) };
    }),
  };
  const cert = optValue(c.acmCertificateArn, [...at, 'acmCertificateArn'], f);
  if (cert !== undefined) config.acmCertificateArn = cert;
  const waf = optValue(c.webACLId, [...at, 'webACLId'], f);
  if (waf !== undefined) config.webACLId = waf;
  if (c.logging !== undefined && c.logging !== null) config.logging = logging(c.logging, [...at, 'logging'], f);
  return config;
}

/**
 * The plugin's README documents `logging.bucket: example-auditing.s3.amazonaws.com` while its code read
 * `logging.bucketName` and appended `.s3.amazonaws.com`: both spellings work here, with or without the suffix.
 */
function logging(raw: unknown, at: KeyPath, f: Fields): { bucket: string; prefix?: string } {
  const l = f.record(raw, at);
  const given = l.bucket ?? l.bucketName;
  const name = f.string(given, [...at, l.bucket !== undefined ? 'bucket' : 'bucketName']);
  const bucket = /\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(name) ? name : `${name}.s3.amazonaws.com`;
  const prefix = f.optString(l.prefix, [...at, 'prefix']);
  return prefix === undefined ? { bucket } : { bucket, prefix };
}

function autoscaling(raw: unknown, f: Fields): AutoscalingEntry[] {
  const at = ['custom', 'autoscaling'];
  return f.list(raw, at).map((item, i) => {
    const e = f.record(item, [...at, i]);
    const entry: AutoscalingEntry = {
      table: f.string(e.table, [...at, i, 'table']),
      global: f.optBoolean(e.global, [...at, i, 'global']) ?? false,
    };
    if (e.read !== undefined && e.read !== null) entry.read = capacity(e.read, [...at, i, 'read'], f);
    if (e.write !== undefined && e.write !== null) entry.write = capacity(e.write, [...at, i, 'write'], f);
    return entry;
  });
}

function capacity(raw: unknown, at: KeyPath, f: Fields): Capacity {
  const c = f.record(raw, at);
  const minimum = f.optNumber(c.minimum, [...at, 'minimum'], 1, 40000) ?? f.fail([...at, 'minimum'], 'is required (capacity units)');
  const maximum = f.optNumber(c.maximum, [...at, 'maximum'], 1, 40000) ?? f.fail([...at, 'maximum'], 'is required (capacity units)');
  if (maximum < minimum) f.fail(at, `maximum (${maximum}) must not be below minimum (${minimum})`);
  const usage = f.optNumber(c.usage, [...at, 'usage'], 0.2, 0.9) ?? DEFAULT_USAGE;
  const actions = f.list(c.actions, [...at, 'actions']).map((a, i): ScheduledCapacity => {
    const x = f.record(a, [...at, 'actions', i]);
    return {
      name: f.string(x.name, [...at, 'actions', i, 'name']),
      minimum: f.optNumber(x.minimum, [...at, 'actions', i, 'minimum'], 1, 40000) ?? f.fail([...at, 'actions', i, 'minimum'], 'is required'),
      maximum: f.optNumber(x.maximum, [...at, 'actions', i, 'maximum'], 1, 40000) ?? f.fail([...at, 'actions', i, 'maximum'], 'is required'),
      schedule: f.string(x.schedule, [...at, 'actions', i, 'schedule']),
    };
  });
  return { minimum, maximum, usage, actions };
}

function hostName(raw: unknown, at: KeyPath, f: Fields): string {
  const name = f.string(raw, at).replace(/\.$/, '').toLowerCase();
  if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(name)) f.fail(at, `"${name}" is not a DNS name such as service.example.com`);
  return name;
}

/** Text, or an intrinsic such as `!Ref ApiHealthCheck` (resolved by CloudFormation in the same stack). */
function value(raw: unknown, at: KeyPath, f: Fields): CfValue {
  if (typeof raw === 'string' && raw !== '') return raw;
  if (isIntrinsic(raw)) return raw as Record<string, unknown>;
  return f.fail(at, 'must be text or an intrinsic such as !Ref');
}

function optValue(raw: unknown, at: KeyPath, f: Fields): CfValue | undefined {
  return raw === undefined || raw === null ? undefined : value(raw, at, f);
}
