import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalTableDefinition } from '../global-tables/replicationState.js';
import type { EventSourceMapping, FunctionDefinition } from '../functions/index.js';
import type { ApiRoute } from '../region/apiRoutes.js';

export interface DeployedResource {
  logicalId: string;
  type: string;
  /** The physical name (table, stream, bucket) or ARN (topic). */
  physicalId: string;
  /** `Ref` and every `Fn::GetAtt` attribute the local cloud knows for it. */
  attributes: Record<string, string>;
  retain: boolean;
  global?: GlobalTableDefinition;
}

export interface DeployedSubscription {
  topicArn: string;
  functionName: string;
  subscriptionArn: string;
}

/** What one service put into one region: enough to re-apply its functions after a restart and to remove it. */
export interface DeploymentRecord {
  service: string;
  stage: string;
  dir: string;
  stackName: string;
  deployedAt: string;
  resources: DeployedResource[];
  /** Resources only AWS creates (IAM, policies, CDN, DNS, ...), by logical id and type. */
  awsOnly: { logicalId: string; type: string }[];
  functions: FunctionDefinition[];
  mappings: EventSourceMapping[];
  subscriptions: DeployedSubscription[];
  routes: ApiRoute[];
  outputs: Record<string, { value: string; exportName?: string }>;
  /** Export names it imports: the services exporting them cannot be removed while this one stands. */
  imports: string[];
  /**
   * What the deploy depended on (deployFingerprint): a deploy with the same fingerprint changes nothing and
   * is skipped. Absent in records written before there were fingerprints, and while a deploy is under way.
   */
  fingerprint?: string;
}

/** One JSON file per service under the region's state: written whole, then renamed, so a crash leaves the old or the new. */
export class DeploymentRecords {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  all(): DeploymentRecord[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as DeploymentRecord);
  }

  get(service: string): DeploymentRecord | undefined {
    return this.all().find((r) => r.service === service);
  }

  save(record: DeploymentRecord): void {
    const file = join(this.dir, `${record.service}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  delete(service: string): void {
    rmSync(join(this.dir, `${service}.json`), { force: true });
  }

  /** Every export of every deployed service but `except`, as CloudFormation's exports of a region. */
  exports(except?: string): Map<string, { value: string; service: string }> {
    const out = new Map<string, { value: string; service: string }>();
    for (const r of this.all()) {
      if (r.service === except) continue;
      for (const o of Object.values(r.outputs)) if (o.exportName) out.set(o.exportName, { value: o.value, service: r.service });
    }
    return out;
  }
}
