import { join, relative } from 'node:path';
import { functionArn, functionNameFromArn } from '../../regions/arn.js';
import { repoRoot, type MeridianConfig, type RegionConfig } from '../../regions/config.js';
import type { GlobalTableDefinition } from '../global-tables/replicationState.js';
import { loadService, type CfResource, type FunctionDef, type ServiceDefinition } from '../../orchestrator/service-definition/index.js';
import type { EventSourceMapping, FunctionDefinition, FunctionRuntime } from '../functions/index.js';
import type { ApiRoute, ApiRoutes } from '../region/apiRoutes.js';
import { applyBucket, deleteBucket } from './buckets.js';
import { missingResources } from './missingResources.js';
import { DeploymentRecords, type DeployedResource, type DeployedSubscription, type DeploymentRecord } from './deploymentRecords.js';
import { deployFingerprint, isInside, projectFingerprint, type DeployInputs } from './deployFingerprint.js';
import { DeployError } from './errors.js';
import { bundleFunctions, missingBundles, pruneBundles } from './functionBundles.js';
import { functionLogicalId } from './functionLogicalIds.js';
import { conditionTrue, resolveString, resolveValue, type ResolveScope } from './intrinsics.js';
import { applyKinesisStream, deleteKinesisStream, kinesisArn, streamFromArn } from './kinesisStreams.js';
import type { RegionClients } from './regionClients.js';
import { resourceOrder } from './resourceOrder.js';
import { applyTable, deleteTable, globalDefinition, tableArn, tableFromStreamArn } from './tables.js';
import { applyTopic, deleteTopic, subscribeFunction, topicNameFromArn, unsubscribe } from './topics.js';

/** The stage a local deploy uses unless told otherwise: resource names read `<service>-local-...`. */
export const LOCAL_STAGE = 'local';

const LOCAL_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::Kinesis::Stream', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::S3::Bucket']);

export interface LocalDeployerOptions {
  config: MeridianConfig;
  region: RegionConfig;
  clients: RegionClients;
  functions: FunctionRuntime;
  routes: ApiRoutes;
  /** Where deployment records live (`.meridian/regions/<region>/deployments`). */
  recordsDir: string;
  /** MERIDIAN_* values this region sets for every function, over what serverless.yml says. */
  regionEnvironment: Record<string, string>;
  /** The supervisor replicates the table to every region (creating replicas where missing). */
  registerGlobalTable(def: GlobalTableDefinition): Promise<void>;
  /**
   * This region no longer deploys the global table: true when no other region does either (replication
   * stops and the replica may go), false when another region still holds it (the replica stays).
   */
  releaseGlobalTable(tableName: string): Promise<boolean>;
  log(line: string): void;
}

export type Progress = (line: string) => void;

export interface DeployOptions {
  /** Deploy even when nothing changed since the recorded deployment (`meridian dp --force`). */
  force?: boolean;
}

/**
 * The local target: applies a service's serverless.yml to this region's components, the way
 * CloudFormation applies a stack: resources in dependency order, then functions, subscriptions, stream
 * mappings and routes; what the previous deploy had and this one does not is removed (unless Retain).
 */
export class LocalDeployer {
  readonly records: DeploymentRecords;
  /** Services whose restore() failed: their functions, mappings or routes may be missing, whatever the record says. */
  private readonly unrestored = new Set<string>();
  /** Where this region's function bundles are written (`.meridian/regions/<region>/bundles`). */
  private readonly bundlesDir: string;

  constructor(private readonly opts: LocalDeployerOptions) {
    this.records = new DeploymentRecords(opts.recordsDir);
    this.bundlesDir = bundlesDirFor(opts.config.stateDir, opts.region.region);
  }

  /**
   * Applies the service, or does nothing when nothing it depends on changed since its recorded deployment
   * here (as CloudFormation answers "No changes to deploy"): same fingerprint, and everything the record
   * says is deployed is live in this process. `force` deploys anyway.
   */
  async deploy(serviceDir: string, stage: string, progress: Progress = () => {}, options: DeployOptions = {}): Promise<DeploymentRecord> {
    const { region } = this.opts.region;
    const def = loadService(serviceDir, { stage, region, configDir: this.opts.config.configDir });
    const previous = this.records.get(def.service);
    if (previous && previous.dir !== def.dir) {
      throw new DeployError(`service ${def.service} is already deployed in ${region} from ${previous.dir}; remove it there first or rename the service`);
    }
    const started = Date.now();
    const inputs = this.inputs(def, stage);
    if (previous && !options.force && this.unchanged(previous, inputs)) {
      const missing = [...missingBundles(previous.functions), ...(await missingResources(this.opts.clients, previous))];
      if (missing.length === 0) {
        progress(`${def.service} → ${region}: unchanged since ${previous.deployedAt}; nothing to deploy (checked in ${Date.now() - started} ms)`);
        return previous;
      }
      progress(`${def.service} → ${region}: unchanged, but ${missing.map((m) => `${m.type} ${m.name}`).join(', ')} no longer exist${missing.length === 1 ? 's' : ''} (deleted outside Meridian?); deploying again`);
    }
    progress(`${def.service} → ${region}: loaded ${def.functions.length} functions, ${def.resources.length} resources (stage ${stage})`);
    const plan = new StackScope(def, this.opts, this.records);

    // Routes first: a clash with another service fails the deploy before anything changes.
    const routes = httpRoutes(def);
    checkRoutes(this.opts.routes, def.service, routes);

    // The code Lambda would run, bundled before anything changes: a handler that cannot be bundled fails the
    // deploy here, leaving the region and the record as they were. A complete bundle of the same code (here,
    // after a deploy that failed later on; in the region deployed first) is taken as it is; --force bundles anew.
    const { stateDir } = this.opts.config;
    const key = join(def.service, inputs.code.slice(0, 16));
    const bundleDir = join(bundlesDirFor(stateDir, region), key);
    const reuse = options.force ? [] : [bundleDir, ...this.opts.config.regions.filter((r) => r.region !== region).map((r) => join(bundlesDirFor(stateDir, r.region), key))];
    const bundling = Date.now();
    const { modules: bundles, reusedFrom } = await bundleFunctions(def, bundleDir, reuse);
    progress(
      reusedFrom
        ? `${def.service} → ${region}: functions run the bundles of the same code in ${relative(stateDir, reusedFrom)}${reusedFrom === bundleDir ? '' : ` (copied in ${Date.now() - bundling} ms)`}`
        : `${def.service} → ${region}: bundled ${bundles.size} functions with esbuild in ${Date.now() - bundling} ms (${relative(stateDir, bundleDir)})`,
    );

    // A deploy that fails half way leaves the region matching neither the record nor the new definition:
    // the record loses its fingerprint first (on disk, so a crash counts too), and the next deploy is a full one.
    if (previous?.fingerprint !== undefined) {
      const { fingerprint: _, ...unfinished } = previous;
      this.records.save(unfinished);
    }

    let functions: FunctionDefinition[];
    try {
      for (const resource of plan.localResources) {
        await plan.applyResource(resource);
        progress(`${def.service} → ${region}: ${resource.Type} ${plan.deployed.get(resource.logicalId)!.physicalId}`);
      }
      functions = def.functions.map((fn) => plan.functionDefinition(fn, bundles.get(fn.key)!));
    } catch (e) {
      // Bundled just now, and no function runs from them yet (a forced deploy rewrites the directory the recorded one runs from): they go.
      if (!reusedFrom && !previous?.functions.some((f) => isInside(f.handlerFile, bundleDir))) pruneBundles(bundleDir);
      throw e;
    }
    for (const fn of functions) {
      await this.opts.functions.deploy(fn);
      progress(`${def.service} → ${region}: function ${fn.name}`);
    }
    for (const gone of previous?.functions ?? []) {
      if (!functions.some((f) => f.name === gone.name)) await this.opts.functions.remove(gone.name);
    }

    const subscriptions = await plan.subscriptions();
    for (const old of previous?.subscriptions ?? []) {
      if (!subscriptions.some((s) => s.subscriptionArn === old.subscriptionArn)) await unsubscribe(this.opts.clients, old.subscriptionArn);
    }

    const mappings = plan.eventSourceMappings();
    for (const old of previous?.mappings ?? []) {
      if (!mappings.some((m) => m.id === old.id)) await this.opts.functions.removeEventSource(old.id);
    }
    for (const m of mappings) await this.opts.functions.addEventSource(m);
    this.opts.routes.set(def.service, routes);

    const record: DeploymentRecord = {
      service: def.service,
      stage,
      dir: def.dir,
      stackName: def.stackName,
      deployedAt: new Date().toISOString(),
      resources: [...plan.deployed.values()],
      awsOnly: plan.awsOnly.map((r) => ({ logicalId: r.logicalId, type: r.Type })),
      functions,
      mappings,
      subscriptions,
      routes,
      outputs: plan.outputs(),
      imports: [...plan.imports.keys()],
      fingerprint: deployFingerprint({ ...inputs, imports: Object.fromEntries(plan.imports) }),
    };
    this.records.save(record);
    this.unrestored.delete(def.service);
    // Workers load their module when they start; none runs from an older bundle once the record is saved.
    pruneBundles(join(this.bundlesDir, def.service), bundleDir);

    for (const old of previous?.resources ?? []) {
      if (!plan.deployed.has(old.logicalId)) await this.deleteResource(old, progress);
    }
    progress(`${def.service} → ${region}: deployed in ${Date.now() - started} ms (${routes.length} routes, ${mappings.length} stream mappings, ${subscriptions.length} subscriptions)`);
    return record;
  }

  /** Whether a service deployed here declares `tableName` global (the supervisor asks before ending replication). */
  holdsGlobalTable(tableName: string): boolean {
    return this.records.all().some((r) => r.resources.some((x) => x.global && x.physicalId === tableName));
  }

  async remove(service: string, progress: Progress = () => {}): Promise<boolean> {
    const record = this.records.get(service);
    if (!record) return false;
    const { region } = this.opts.region;
    const exported = new Set(Object.values(record.outputs).flatMap((o) => (o.exportName ? [o.exportName] : [])));
    const importer = this.records.all().find((r) => r.service !== service && r.imports.some((i) => exported.has(i)));
    if (importer) throw new DeployError(`${importer.service} imports exports of ${service} in ${region}; remove ${importer.service} first`);

    this.opts.routes.remove(service);
    for (const fn of record.functions) await this.opts.functions.remove(fn.name);
    for (const s of record.subscriptions) await unsubscribe(this.opts.clients, s.subscriptionArn);
    for (const r of [...record.resources].reverse()) await this.deleteResource(r, progress);
    this.records.delete(service);
    this.unrestored.delete(service);
    pruneBundles(join(this.bundlesDir, service));
    progress(`${service} removed from ${region}`);
    return true;
  }

  /** After a region restart: functions, mappings and routes live in memory; tables, topics and buckets kept their state. */
  async restore(): Promise<void> {
    for (const record of this.records.all()) {
      try {
        const missing = missingBundles(record.functions);
        if (missing.length > 0) throw new DeployError(`${missing.map((m) => `${m.type} (${m.name})`).join(', ')} missing`);
        for (const fn of record.functions) this.opts.functions.restore(fn);
        for (const m of record.mappings) await this.opts.functions.addEventSource(m);
        this.opts.routes.set(record.service, record.routes);
        this.opts.log(`restored ${record.service}: ${record.functions.length} functions, ${record.mappings.length} mappings, ${record.routes.length} routes`);
      } catch (e) {
        this.unrestored.add(record.service);
        this.opts.log(`could not restore ${record.service}: ${(e as Error).message}; deploy it again`);
      }
    }
  }

  /** What a deploy of `def` here depends on, but for the values it imports (see unchanged()). */
  private inputs(def: ServiceDefinition, stage: string): Omit<DeployInputs, 'imports'> {
    const { config, region, regionEnvironment } = this.opts;
    const outside = [def.dir, config.configDir].filter((d) => !isInside(d, repoRoot));
    const code = projectFingerprint({
      roots: [repoRoot, ...outside],
      files: [join(repoRoot, 'node_modules', '.package-lock.json'), ...def.functions.map((f) => f.handlerFile)],
      skip: [config.stateDir],
    });
    return { def, stage, region, regionEnvironment, code };
  }

  /**
   * Nothing to do: same inputs as the recorded deploy, and its functions are registered in the runtime.
   * Fn::ImportValue: the fingerprint holds the values of the exports the deploy imported. Which exports a
   * service imports follows from its definition, region and stage (all fingerprinted), so with those
   * unchanged it imports what the record lists, and their current values are compared. Not every export of
   * the region: a service deployed before its importers would then look changed once they are deployed.
   */
  private unchanged(previous: DeploymentRecord, inputs: Omit<DeployInputs, 'imports'>): boolean {
    if (previous.fingerprint === undefined) return false;
    const exports = this.records.exports(previous.service);
    const imports = Object.fromEntries(previous.imports.map((name) => [name, exports.get(name)?.value ?? null]));
    return (
      previous.fingerprint === deployFingerprint({ ...inputs, imports }) &&
      !this.unrestored.has(previous.service) &&
      previous.functions.every((fn) => this.opts.functions.has(fn.name))
    );
  }

  private async deleteResource(r: DeployedResource, progress: Progress): Promise<void> {
    if (r.retain) {
      progress(`kept ${r.type} ${r.physicalId} (DeletionPolicy Retain)`);
      return;
    }
    const { clients } = this.opts;
    switch (r.type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        if (r.global && !(await this.opts.releaseGlobalTable(r.physicalId))) {
          progress(`kept the replica of global table ${r.physicalId}: another region still deploys it`);
          return;
        }
        await deleteTable(clients, r.physicalId);
        break;
      case 'AWS::Kinesis::Stream':
        await deleteKinesisStream(clients, r.physicalId);
        break;
      case 'AWS::SNS::Topic':
        await deleteTopic(clients, r.physicalId);
        break;
      case 'AWS::S3::Bucket':
        await deleteBucket(clients, r.physicalId).catch((e: Error) => progress(e.message));
        break;
      default:
        return; // AWS::SNS::Subscription: removed with the record's subscriptions
    }
    progress(`deleted ${r.type} ${r.physicalId}`);
  }
}

/** Everything one deploy of one service resolves names against. */
class StackScope implements ResolveScope {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly conditions: Record<string, unknown>;
  readonly deployed = new Map<string, DeployedResource>();
  /** Exports read through Fn::ImportValue, with the values read. */
  readonly imports = new Map<string, string>();
  readonly localResources: CfResource[];
  readonly awsOnly: CfResource[];
  private readonly byId: Map<string, CfResource>;
  private readonly functionIds: Map<string, FunctionDef>;
  private readonly globalIds: Set<string>;

  constructor(
    private readonly def: ServiceDefinition,
    private readonly opts: LocalDeployerOptions,
    private readonly records: DeploymentRecords,
  ) {
    this.region = opts.region.region;
    this.accountId = opts.region.accountId;
    this.stackName = def.stackName;
    this.conditions = def.conditions;
    const present = def.resources.filter((r) => !r.Condition || conditionTrue(r.Condition, this, `resources.Resources.${r.logicalId}.Condition`));
    this.byId = new Map(present.map((r) => [r.logicalId, r]));
    this.functionIds = new Map(def.functions.map((f) => [functionLogicalId(f.key), f]));
    this.globalIds = globalTableIds(def);
    this.localResources = resourceOrder(present.filter((r) => LOCAL_TYPES.has(r.Type)));
    this.awsOnly = present.filter((r) => !LOCAL_TYPES.has(r.Type));
  }

  attribute(logicalId: string, attribute?: string): string | undefined {
    const fn = this.functionIds.get(logicalId);
    if (fn) {
      const name = fn.name;
      if (attribute === undefined) return name;
      if (attribute === 'Arn') return this.functionArn(name);
      return undefined;
    }
    const deployed = this.deployed.get(logicalId);
    if (deployed) return deployed.attributes[attribute ?? 'Ref'];
    const resource = this.byId.get(logicalId);
    if (resource && !LOCAL_TYPES.has(resource.Type)) {
      throw new DeployError(`${logicalId} is a ${resource.Type}, which exists only on AWS; the local cloud cannot give its ${attribute ?? 'Ref'}. Keep AWS-only values out of what functions and local resources read, or set them with \${meridian:...}`);
    }
    return undefined;
  }

  importValue(name: string): string | undefined {
    const found = this.records.exports(this.def.service).get(name);
    if (found) this.imports.set(name, found.value);
    return found?.value;
  }

  async applyResource(r: CfResource): Promise<void> {
    const props = resolveValue(withoutSubscriptions(r), this, `resources.Resources.${r.logicalId}.Properties`) as Record<string, unknown>;
    const { clients } = this.opts;
    const retain = r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate';
    const base = { logicalId: r.logicalId, type: r.Type, retain };
    switch (r.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const name = String(props.TableName ?? `${this.stackName}-${r.logicalId}`);
        const global = r.Type === 'AWS::DynamoDB::GlobalTable' || this.globalIds.has(r.logicalId);
        const table = await applyTable(clients, name, props, global);
        const gt = global ? globalDefinition({ name, props }, this.opts.region.globalTables.mode) : undefined;
        if (gt) await this.opts.registerGlobalTable(gt);
        const arn = tableArn(this.region, this.accountId, name);
        this.deployed.set(r.logicalId, {
          ...base,
          physicalId: name,
          attributes: { Ref: name, Arn: arn, ...(table.LatestStreamArn ? { StreamArn: table.LatestStreamArn } : {}) },
          ...(gt ? { global: gt } : {}),
        });
        return;
      }
      case 'AWS::Kinesis::Stream': {
        const name = String(props.Name ?? `${this.stackName}-${r.logicalId}`);
        await applyKinesisStream(clients, name, props);
        this.deployed.set(r.logicalId, { ...base, physicalId: name, attributes: { Ref: name, Arn: kinesisArn(this.region, this.accountId, name) } });
        return;
      }
      case 'AWS::SNS::Topic': {
        const arn = await applyTopic(clients, String(props.TopicName ?? `${this.stackName}-${r.logicalId}`));
        this.deployed.set(r.logicalId, { ...base, physicalId: arn, attributes: { Ref: arn, TopicArn: arn, TopicName: topicNameFromArn(arn) } });
        return;
      }
      case 'AWS::S3::Bucket': {
        const name = String(props.BucketName ?? `${this.stackName}-${r.logicalId}`.toLowerCase());
        await applyBucket(clients, name, props);
        this.deployed.set(r.logicalId, {
          ...base,
          physicalId: name,
          attributes: { Ref: name, Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${this.region}.amazonaws.com` },
        });
        return;
      }
      case 'AWS::SNS::Subscription':
        return; // needs the functions: see subscriptions()
      default:
        throw new DeployError(`${r.logicalId}: ${r.Type} is not created locally`);
    }
  }

  /** `handlerFile`: the function's bundle (bundleFunctions), which the runtime imports. */
  functionDefinition(fn: FunctionDef, handlerFile: string): FunctionDefinition {
    for (const e of fn.events) {
      if (e.type === 's3' || e.type === 'schedule') {
        throw new DeployError(`functions.${fn.key}: ${e.type} events are not run by the local cloud yet; ${e.type === 's3' ? 'notify an SNS topic from the bucket and subscribe the function to it' : 'invoke the function from a test or a script meanwhile'}`);
      }
    }
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(fn.environment)) {
      // What the region sets itself (its own search engine, ...) is not read from serverless.yml, which may name AWS-only resources there.
      if (Object.hasOwn(this.opts.regionEnvironment, k)) continue;
      environment[k] = resolveString(v, this, `functions.${fn.key}.environment.${k}`);
    }
    return {
      name: fn.name,
      handlerFile,
      handlerExport: fn.handlerExport,
      environment: { ...environment, ...this.opts.regionEnvironment },
      timeoutSeconds: fn.timeout,
    };
  }

  async subscriptions(): Promise<DeployedSubscription[]> {
    const wanted: { topicArn: string; functionName: string }[] = [];
    for (const fn of this.def.functions) {
      for (const [i, e] of fn.events.entries()) {
        if (e.type !== 'sns') continue;
        const at = `functions.${fn.key}.events[${i}].sns`;
        const topicArn = e.topicArn !== undefined ? resolveString(e.topicArn, this, at) : await applyTopic(this.opts.clients, e.topicName!);
        if (!topicArn.startsWith(`arn:aws:sns:${this.region}:`)) throw new DeployError(`${at}: ${topicArn} is not a topic of ${this.region}; the local cloud subscribes functions to topics of their own region`);
        wanted.push({ topicArn, functionName: fn.name });
      }
    }
    for (const r of this.localResources) {
      const raw = r.Type === 'AWS::SNS::Topic' ? ((r.Properties.Subscription as unknown[] | undefined) ?? []).map((s) => ({ ...(s as object), TopicArn: { Ref: r.logicalId } })) : r.Type === 'AWS::SNS::Subscription' ? [r.Properties] : [];
      for (const [i, s] of raw.entries()) {
        const props = resolveValue(s, this, `resources.Resources.${r.logicalId}.Subscription[${i}]`) as Record<string, unknown>;
        if (props.Protocol !== 'lambda') {
          this.opts.log(`${r.logicalId}: ${String(props.Protocol)} subscriptions are not delivered locally (only lambda)`);
          continue;
        }
        wanted.push({ topicArn: String(props.TopicArn), functionName: functionNameFromArn(String(props.Endpoint)) ?? String(props.Endpoint) });
      }
    }
    const out: DeployedSubscription[] = [];
    for (const w of wanted) {
      out.push({ ...w, subscriptionArn: await subscribeFunction(this.opts.clients, w.topicArn, this.functionArn(w.functionName)) });
    }
    return out;
  }

  eventSourceMappings(): EventSourceMapping[] {
    const { ports } = this.opts.region.local;
    const out: EventSourceMapping[] = [];
    for (const fn of this.def.functions) {
      for (const [i, e] of fn.events.entries()) {
        if (e.type !== 'stream') continue;
        const at = `functions.${fn.key}.events[${i}].stream`;
        if (!e.enabled) continue;
        if (e.startingPosition === 'AT_TIMESTAMP') throw new DeployError(`${at}: startingPosition AT_TIMESTAMP is not supported locally; use TRIM_HORIZON or LATEST`);
        const arn = resolveString(e.arn, this, `${at}.arn`);
        const common = {
          functionName: fn.name,
          batchSize: e.batchSize,
          startingPosition: e.startingPosition,
          ...(e.maximumRetryAttempts !== undefined && e.maximumRetryAttempts >= 0 ? { maximumRetryAttempts: e.maximumRetryAttempts } : {}),
        };
        if (e.source === 'dynamodb') {
          const tableName = tableFromStreamArn(arn);
          if (!tableName) throw new DeployError(`${at}: ${arn} is not a DynamoDB stream ARN`);
          out.push({ ...common, id: `${fn.name}:dynamodb:${tableName}`, type: 'dynamodb', tableName, endpoint: `http://127.0.0.1:${ports.dynamodb}` });
        } else {
          const streamName = streamFromArn(arn);
          if (!streamName) throw new DeployError(`${at}: ${arn} is not a Kinesis stream ARN`);
          out.push({ ...common, id: `${fn.name}:kinesis:${streamName}`, type: 'kinesis', streamName, endpoint: `http://127.0.0.1:${ports.streams}` });
        }
      }
    }
    return out;
  }

  outputs(): DeploymentRecord['outputs'] {
    const out: DeploymentRecord['outputs'] = {};
    for (const [key, raw] of Object.entries(this.def.outputs)) {
      const o = (raw ?? {}) as { Value?: unknown; Export?: { Name?: unknown }; Condition?: string };
      if (o.Condition && !conditionTrue(o.Condition, this, `Outputs.${key}.Condition`)) continue;
      const value = resolveString(o.Value, this, `Outputs.${key}.Value`);
      const exportName = o.Export?.Name === undefined ? undefined : resolveString(o.Export.Name, this, `Outputs.${key}.Export.Name`);
      out[key] = { value, ...(exportName ? { exportName } : {}) };
    }
    return out;
  }

  private functionArn(name: string): string {
    return functionArn({ region: this.region, accountId: this.accountId }, name);
  }
}

/** `custom.autoscaling: [{table: LogicalId, global: true}]`, the key the 2018 plugins read. */
function globalTableIds(def: ServiceDefinition): Set<string> {
  const list = def.custom.autoscaling;
  const ids = new Set<string>();
  if (!Array.isArray(list)) return ids;
  for (const entry of list) {
    const e = entry as { table?: unknown; global?: unknown };
    if (typeof e?.table === 'string' && e.global === true) ids.add(e.table);
  }
  return ids;
}

function httpRoutes(def: ServiceDefinition): ApiRoute[] {
  return def.functions.flatMap((fn) => fn.events.flatMap((e) => (e.type === 'http' ? [{ service: def.service, functionName: fn.name, method: e.method, path: e.path }] : [])));
}

function checkRoutes(routes: ApiRoutes, service: string, wanted: ApiRoute[]): void {
  try {
    const current = routes.list().filter((r) => r.service === service);
    routes.set(service, wanted);
    routes.set(service, current);
  } catch (e) {
    throw new DeployError((e as Error).message);
  }
}

function withoutSubscriptions(r: CfResource): Record<string, unknown> {
  if (r.Type !== 'AWS::SNS::Topic' && r.Type !== 'AWS::SNS::Subscription') return r.Properties;
  if (r.Type === 'AWS::SNS::Subscription') return {};
  const { Subscription: _, ...rest } = r.Properties;
  return rest;
}

export const recordsDirFor = (stateDir: string, region: string) => join(stateDir, 'regions', region, 'deployments');
export const bundlesDirFor = (stateDir: string, region: string) => join(stateDir, 'regions', region, 'bundles');
