import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root: defaults (config/, .meridian/) are found from here, not from the caller's cwd. */
export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export type SearchEngineKind = 'local' | 'opensearch' | 'elasticsearch';
export type GlobalTableMode = 'current' | 'legacy';

export interface LocalPorts {
  api: number;
  dynamodb: number;
  objects: number;
  streams: number;
  topics: number;
  search: number;
}

export interface RegionConfig {
  region: string;
  /** The next region of the ring (round-robin replication). */
  next: string;
  accountId: string;
  /** 1 = nearest: the front door prefers lower ranks among healthy regions. */
  latencyRank: number;
  names: { searchBucket: string; siteBucket: string };
  /** The local cloud's search engine (the AWS target reads `aws.search`). */
  search: { engine: SearchEngineKind; endpoint?: string };
  globalTables: { mode: GlobalTableMode };
  local: { ports: LocalPorts };
  /** What the AWS target deploys in this region; the local cloud never reads it (as AWS never reads `local`). */
  aws?: AwsRegionSettings;
}

/** The search engine a region runs on AWS: only an Amazon OpenSearch Service domain today. */
export interface AwsSearchSettings {
  /** Unset: the AWS target refuses to package a function that would then have no search engine. */
  engine?: 'opensearch';
  instanceType: string;
  instanceCount: number;
}

export interface AwsRegionSettings {
  search: AwsSearchSettings;
}

export interface MeridianConfig {
  /** Regions sorted by latency rank, nearest first. */
  regions: RegionConfig[];
  /**
   * The local front door: its port, and how often it checks every region's GET /health (a region is
   * unhealthy after one failed check, so all traffic leaves it within two intervals; 1000 when absent).
   */
  frontDoor: { port: number; healthCheckIntervalMs?: number };
  /** The disaster-recovery account: its own object store, in a region no service runs in. */
  recovery: { account: string; accountId: string; region: string; ports: { objects: number } };
  /**
   * Who may reach the local cloud: the address every endpoint binds to (loopback unless the user says
   * otherwise) and the names besides localhost, 127.0.0.1 and [::1] a request's Host may carry.
   */
  network: { bind: string; allowedHosts: string[] };
  /**
   * The AWS front door (`aws.frontDoor` in meridian.yml): one CloudFront distribution for the whole system,
   * a latency-routed regional name per service, a health check per region. Absent: no front door on AWS.
   */
  awsFrontDoor?: AwsFrontDoorConfig;
  /** Where the local cloud keeps its state. */
  stateDir: string;
  configDir: string;
}

export interface AwsFrontDoorConfig {
  /** The public name CloudFront answers on (`meridian.example.com`); regional names live under `api.<domain>`. */
  domain: string;
  /** The Route 53 public hosted zone every record goes into. */
  hostedZoneId: string;
  /** Names CloudFront serves (A and AAAA records each); default `[domain]`. */
  aliases: string[];
  /** ACM certificate per configured region: covers `*.api.<domain>`; us-east-1's also every alias (CloudFront). */
  certificates: Record<string, string>;
  healthCheck: { path: string; requestInterval: 10 | 30; failureThreshold: number };
  /** TTL (s) of the latency records CloudFront resolves: part of the failover time. */
  regionalRecordTtl: number;
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const REGION_FILE = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)\.ya?ml$/;

export interface ConfigSources {
  configDir?: string;
  stateDir?: string;
  /** Added to every port: runs a second local cloud (tests) beside the default one. */
  portOffset?: number;
}

/** Sources from the environment: MERIDIAN_CONFIG_DIR, MERIDIAN_STATE_DIR, MERIDIAN_PORT_OFFSET. */
export function sourcesFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigSources {
  const offset = env.MERIDIAN_PORT_OFFSET;
  if (offset !== undefined && !/^\d+$/.test(offset)) {
    throw new ConfigError(`MERIDIAN_PORT_OFFSET must be a whole number, got "${offset}"`);
  }
  return {
    configDir: env.MERIDIAN_CONFIG_DIR,
    stateDir: env.MERIDIAN_STATE_DIR,
    portOffset: offset === undefined ? 0 : Number(offset),
  };
}

export function loadConfig(sources: ConfigSources = sourcesFromEnv()): MeridianConfig {
  const configDir = resolve(sources.configDir ?? join(repoRoot, 'config'));
  const offset = sources.portOffset ?? 0;
  const files = readdirSync(configDir).filter((f) => REGION_FILE.test(f)).sort();
  if (files.length === 0) {
    throw new ConfigError(`no region files (like us-east-1.yml) in ${configDir}`);
  }
  const regions = files.map((file) => parseRegion(join(configDir, file), file.replace(/\.ya?ml$/, ''), offset));
  const global = readYaml(join(configDir, 'meridian.yml'));
  const config: MeridianConfig = {
    regions: regions.sort((a, b) => a.latencyRank - b.latencyRank || a.region.localeCompare(b.region)),
    frontDoor: {
      port: port(get(global, 'frontDoor.port'), 'meridian.yml frontDoor.port') + offset,
      healthCheckIntervalMs: interval(get(global, 'frontDoor.healthCheckIntervalMs') ?? 1_000, 'meridian.yml frontDoor.healthCheckIntervalMs'),
    },
    recovery: {
      account: str(get(global, 'recovery.account'), 'meridian.yml recovery.account'),
      accountId: str(get(global, 'recovery.accountId'), 'meridian.yml recovery.accountId'),
      region: str(get(global, 'recovery.region') ?? 'us-west-1', 'meridian.yml recovery.region'),
      ports: { objects: port(get(global, 'recovery.ports.objects'), 'meridian.yml recovery.ports.objects') + offset },
    },
    network: parseNetwork(get(global, 'network')),
    ...awsFrontDoor(get(global, 'aws.frontDoor'), regions.map((r) => r.region)),
    stateDir: resolve(sources.stateDir ?? join(repoRoot, '.meridian')),
    configDir,
  };
  checkRing(config.regions);
  checkPortsUnique(config);
  return config;
}

export function regionConfig(config: MeridianConfig, region: string): RegionConfig {
  const found = config.regions.find((r) => r.region === region);
  if (!found) {
    throw new ConfigError(`unknown region "${region}"; configured: ${config.regions.map((r) => r.region).join(', ')}`);
  }
  return found;
}

function parseRegion(path: string, fileRegion: string, offset: number): RegionConfig {
  const doc = readYaml(path);
  const where = (key: string) => `${path}: ${key}`;
  const region = str(get(doc, 'region'), where('region'));
  if (region !== fileRegion) throw new ConfigError(`${where('region')} is "${region}" but the file is named for ${fileRegion}`);
  const engine = str(get(doc, 'search.engine') ?? 'local', where('search.engine'));
  if (engine !== 'local' && engine !== 'opensearch' && engine !== 'elasticsearch') {
    throw new ConfigError(`${where('search.engine')} must be local, opensearch or elasticsearch, got "${engine}"`);
  }
  const mode = str(get(doc, 'globalTables.mode') ?? 'current', where('globalTables.mode'));
  if (mode !== 'current' && mode !== 'legacy') {
    throw new ConfigError(`${where('globalTables.mode')} must be current or legacy, got "${mode}"`);
  }
  const endpoint = get(doc, 'search.endpoint');
  const portOf = (name: keyof LocalPorts) => port(get(doc, `local.ports.${name}`), where(`local.ports.${name}`)) + offset;
  return {
    region,
    next: str(get(doc, 'next'), where('next')),
    accountId: str(get(doc, 'accountId'), where('accountId')),
    latencyRank: Number(get(doc, 'latencyRank') ?? 100),
    names: {
      searchBucket: str(get(doc, 'names.searchBucket'), where('names.searchBucket')),
      siteBucket: str(get(doc, 'names.siteBucket'), where('names.siteBucket')),
    },
    search: endpoint === undefined ? { engine } : { engine, endpoint: str(endpoint, where('search.endpoint')) },
    globalTables: { mode },
    aws: awsSettings(doc, where),
    local: {
      ports: {
        api: portOf('api'),
        dynamodb: portOf('dynamodb'),
        objects: portOf('objects'),
        streams: portOf('streams'),
        topics: portOf('topics'),
        search: portOf('search'),
      },
    },
  };
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

/** `network` in meridian.yml: `bind` (default 127.0.0.1) and `allowedHosts` (names without a port). */
function parseNetwork(value: unknown): MeridianConfig['network'] {
  const where = 'meridian.yml network';
  if (value === undefined || value === null) return { bind: '127.0.0.1', allowedHosts: [] };
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where} must be a mapping with bind and allowedHosts`);
  const bind = get(value, 'bind') ?? '127.0.0.1';
  if (typeof bind !== 'string' || !/^[0-9a-fA-F:.]+$/.test(bind)) throw new ConfigError(`${where}.bind must be an IP address such as 127.0.0.1, got ${JSON.stringify(bind)}`);
  const hosts = get(value, 'allowedHosts') ?? [];
  if (!Array.isArray(hosts)) throw new ConfigError(`${where}.allowedHosts must be a list of host names, such as [devbox.local]`);
  const allowedHosts = hosts.map((h: unknown) => {
    const name = typeof h === 'string' ? h.trim().toLowerCase() : '';
    if (!HOST_NAME.test(name)) throw new ConfigError(`${where}.allowedHosts: ${JSON.stringify(h)} is not a host name (give the name alone, without scheme or port)`);
    return name;
  });
  return { bind, allowedHosts };
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:certificate\/[A-Za-z0-9-]+$/;

/**
 * `aws.frontDoor` in meridian.yml. CloudFront takes certificates only from ACM in us-east-1, and API Gateway
 * only from ACM in its own region: a certificate from anywhere else would fail at deploy, so it fails here.
 */
function awsFrontDoor(value: unknown, regions: string[]): { awsFrontDoor?: AwsFrontDoorConfig } {
  const where = 'meridian.yml aws.frontDoor';
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where} must be a mapping with domain, hostedZoneId and certificates`);
  const domain = str(get(value, 'domain'), `${where}.domain`).toLowerCase().replace(/\.$/, '');
  if (!HOST_NAME.test(domain) || !domain.includes('.')) throw new ConfigError(`${where}.domain must be a DNS name such as meridian.example.com, got "${domain}"`);
  const hostedZoneId = str(get(value, 'hostedZoneId'), `${where}.hostedZoneId`);
  if (!/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId)) throw new ConfigError(`${where}.hostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (Route 53 console, or aws route53 list-hosted-zones), got "${hostedZoneId}"`);
  const rawAliases = get(value, 'aliases') ?? [domain];
  if (!Array.isArray(rawAliases) || rawAliases.length === 0) throw new ConfigError(`${where}.aliases must be a list of names CloudFront serves, such as [${domain}]`);
  const aliases = rawAliases.map((a: unknown) => {
    const name = typeof a === 'string' ? a.toLowerCase().replace(/\.$/, '') : '';
    if (!HOST_NAME.test(name) || !(name === domain || name.endsWith(`.${domain}`))) throw new ConfigError(`${where}.aliases: ${JSON.stringify(a)} must be ${domain} or a name under it (its records go into the hosted zone of ${domain})`);
    return name;
  });
  const certs = get(value, 'certificates');
  if (certs === null || typeof certs !== 'object' || Array.isArray(certs)) {
    throw new ConfigError(`${where}.certificates must map each region to an ACM certificate ARN in that region (${regions.join(', ')}), us-east-1's also serving CloudFront`);
  }
  if (!regions.includes('us-east-1') || (certs as Record<string, unknown>)['us-east-1'] === undefined) {
    throw new ConfigError(
      `${where}.certificates.us-east-1 is missing: CloudFront serves ${aliases.join(', ')} only with a certificate from ACM in us-east-1, and its distribution is packaged with us-east-1 (configure that region). ` +
        `Request one there for ${aliases.join(', ')} and *.api.${domain}, then set its ARN`,
    );
  }
  const certificates: Record<string, string> = {};
  for (const region of regions) {
    const arn = (certs as Record<string, unknown>)[region];
    if (typeof arn !== 'string') throw new ConfigError(`${where}.certificates.${region} is missing: the APIs of ${region} answer on *.api.${domain} with a certificate from ACM in ${region}; request one there and set its ARN`);
    const match = ACM_ARN.exec(arn);
    if (!match) throw new ConfigError(`${where}.certificates.${region} must be an ACM certificate ARN (arn:aws:acm:${region}:<account>:certificate/<id>), got "${arn}"`);
    if (match[1] !== region) throw new ConfigError(`${where}.certificates.${region} is a certificate of ${match[1]}, but ${region === 'us-east-1' ? 'CloudFront and ' : ''}API Gateway in ${region} accept only certificates from ACM in ${region}`);
    certificates[region] = arn;
  }
  const path = str(get(value, 'healthCheck.path') ?? '/health', `${where}.healthCheck.path`);
  if (!/^\/[A-Za-z0-9/_-]*$/.test(path)) throw new ConfigError(`${where}.healthCheck.path must be a path such as /health, got "${path}"`);
  const requestInterval = get(value, 'healthCheck.requestInterval') ?? 10;
  if (requestInterval !== 10 && requestInterval !== 30) throw new ConfigError(`${where}.healthCheck.requestInterval must be 10 (fast) or 30 seconds: Route 53 offers nothing else`);
  const failureThreshold = get(value, 'healthCheck.failureThreshold') ?? 2;
  if (typeof failureThreshold !== 'number' || !Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) {
    throw new ConfigError(`${where}.healthCheck.failureThreshold must be a whole number of consecutive failed probes, 1 to 10`);
  }
  const ttl = get(value, 'regionalRecordTtl') ?? 10;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 300) throw new ConfigError(`${where}.regionalRecordTtl must be seconds, 0 to 300 (it adds to the failover time)`);
  const priceClass = get(value, 'priceClass') ?? 'PriceClass_100';
  if (priceClass !== 'PriceClass_100' && priceClass !== 'PriceClass_200' && priceClass !== 'PriceClass_All') throw new ConfigError(`${where}.priceClass must be PriceClass_100, PriceClass_200 or PriceClass_All`);
  return { awsFrontDoor: { domain, hostedZoneId, aliases, certificates, healthCheck: { path, requestInterval, failureThreshold }, regionalRecordTtl: ttl, priceClass } };
}

/** True when the cloud binds to loopback only: nothing but this machine can reach it. */
export function bindsLoopbackOnly(config: MeridianConfig): boolean {
  return config.network.bind === '127.0.0.1' || config.network.bind === '::1' || config.network.bind.startsWith('127.');
}

/**
 * `aws:` in a region file. Defaults suit a small deployment (one t3.small.search node; see
 * services/search/README.md); the engine has none, so a region file says what AWS runs.
 */
function awsSettings(doc: unknown, where: (key: string) => string): AwsRegionSettings {
  const engine = get(doc, 'aws.search.engine');
  if (engine !== undefined && engine !== 'opensearch') {
    throw new ConfigError(
      `${where('aws.search.engine')} must be opensearch (an Amazon OpenSearch Service domain, signed with SigV4 by the functions' role), got "${String(engine)}"; the local engine exists only in the local cloud (search.engine)`,
    );
  }
  const instanceType = str(get(doc, 'aws.search.instanceType') ?? 't3.small.search', where('aws.search.instanceType'));
  if (!instanceType.endsWith('.search')) throw new ConfigError(`${where('aws.search.instanceType')} must be an OpenSearch Service instance type such as t3.small.search or r7g.large.search, got "${instanceType}"`);
  const instanceCount = get(doc, 'aws.search.instanceCount') ?? 1;
  if (typeof instanceCount !== 'number' || !Number.isInteger(instanceCount) || instanceCount < 1) {
    throw new ConfigError(`${where('aws.search.instanceCount')} must be a whole number of data nodes, at least 1`);
  }
  return { search: { ...(engine === undefined ? {} : { engine }), instanceType, instanceCount } };
}

/** Every region's `next` must lead round all regions and back: one ring, no dead ends, no sub-rings. */
function checkRing(regions: RegionConfig[]): void {
  const byName = new Map(regions.map((r) => [r.region, r]));
  for (const r of regions) {
    if (!byName.has(r.next)) throw new ConfigError(`${r.region}: next "${r.next}" is not a configured region`);
  }
  const start = regions[0];
  if (!start) return;
  const seen = new Set<string>();
  let at = start;
  while (!seen.has(at.region)) {
    seen.add(at.region);
    at = byName.get(at.next)!;
  }
  if (at.region !== start.region || seen.size !== regions.length) {
    throw new ConfigError(`the region ring must visit every region once: following "next" from ${start.region} visits ${[...seen].join(' → ')}`);
  }
}

/**
 * Ports the Fetch standard blocks: Node's fetch (and every browser) refuses them with "bad port", so an
 * endpoint there would be unreachable from the SDKs' and tests' fetch calls. Non-privileged ones only.
 */
export const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function checkPortsUnique(config: MeridianConfig): void {
  const owners = new Map<number, string>();
  const claim = (p: number, who: string) => {
    const other = owners.get(p);
    if (other) throw new ConfigError(`port ${p} is used by both ${other} and ${who}`);
    if (FETCH_BLOCKED_PORTS.has(p)) throw new ConfigError(`port ${p} (${who}) is one that fetch refuses to connect to ("bad port"); choose another port or MERIDIAN_PORT_OFFSET`);
    owners.set(p, who);
  };
  claim(config.frontDoor.port, 'the front door');
  claim(config.recovery.ports.objects, 'the recovery account');
  for (const r of config.regions) {
    for (const [name, p] of Object.entries(r.local.ports)) claim(p, `${r.region} ${name}`);
  }
}

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`cannot read ${path}`);
  }
  try {
    return parse(text) as unknown;
  } catch (e) {
    throw new ConfigError(`${path} is not valid YAML: ${(e as Error).message}`);
  }
}

function get(doc: unknown, path: string): unknown {
  let at: unknown = doc;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${where} must be a non-empty string`);
  return value;
}

/** A health-check interval: 100 ms (below that the probes cost more than they tell) to 60 s. */
function interval(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 60_000) {
    throw new ConfigError(`${where} must be a whole number of milliseconds from 100 to 60000 (got ${JSON.stringify(value)})`);
  }
  return value;
}

function port(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${where} must be a port number (1-65535)`);
  }
  return value;
}
