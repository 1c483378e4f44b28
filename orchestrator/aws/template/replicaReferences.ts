import { createHash } from 'node:crypto';
import { addResource, dependsOnList, getAtt, sub, type CfTemplate } from './cfTemplate.js';
import { ensureTableName } from './globalTables.js';
import { referencesTo, rewriteReferences, type Replacement } from './referenceRewrite.js';
import { REPLICA_STREAM_HANDLER } from './replicaStreamHandler.js';

/**
 * In every region but the home one, a global table is a replica the home stack created. This stack
 * creates no table; its references to the table are rewritten so functions find their own region's replica:
 *   Ref X            → the table name (the same in every region)
 *   GetAtt X.Arn     → arn:<partition>:dynamodb:<this region>:<account>:table/<name>
 *   GetAtt X.StreamArn / TableId → attributes of a small custom resource that looks the replica up.
 * The stream ARN carries a creation timestamp nobody can know in advance, and CloudFormation has no
 * lookup of a resource another stack owns; DescribeTable in this region is the one source of truth.
 */
export function referenceReplicas(template: CfTemplate, tableIds: string[], stackName: string): void {
  if (tableIds.length === 0) return;
  const replacements = new Map<string, Replacement>();
  const lookups: { tableId: string; lookupId: string; name: unknown }[] = [];
  for (const id of tableIds) {
    const table = template.Resources[id]!;
    const name = ensureTableName(table, id, stackName);
    delete template.Resources[id];
    const needsLookup = ['StreamArn', 'TableId'].some((attribute) => referencesTo(template, id, attribute));
    const lookupId = `${id}Replica`;
    if (needsLookup) lookups.push({ tableId: id, lookupId, name });
    replacements.set(id, {
      ref: name,
      attribute: (attribute) => {
        if (attribute === 'Arn') return tableArn(name);
        if (needsLookup && (attribute === 'StreamArn' || attribute === 'TableId')) return getAtt(lookupId, attribute);
        return undefined;
      },
    });
    // Whatever waited for the table now waits for its replica's lookup (or for nothing: the replica exists).
    for (const resource of Object.values(template.Resources)) {
      const deps = dependsOnList(resource);
      if (!deps.includes(id)) continue;
      const next = deps.map((d) => (d === id ? (needsLookup ? lookupId : undefined) : d)).filter((d): d is string => d !== undefined);
      if (next.length === 0) delete resource.DependsOn;
      else resource.DependsOn = [...new Set(next)];
    }
  }
  rewriteReferences(template, replacements);
  if (lookups.length > 0) addReplicaLookup(template, lookups, stackName);
}

function tableArn(name: unknown): unknown {
  if (typeof name === 'string') return sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${name}`);
  return { 'Fn::Join': ['', [sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/'), name]] };
}

/** One function per stack answers every replica lookup; one custom resource per table asks it. */
function addReplicaLookup(template: CfTemplate, lookups: { tableId: string; lookupId: string; name: unknown }[], stackName: string): void {
  const functionName = lambdaName(`${stackName}-replica-lookup`);
  addResource(template, 'MeridianReplicaLookupLogGroup', {
    Type: 'AWS::Logs::LogGroup',
    Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: 14 },
  });
  addResource(template, 'MeridianReplicaLookupRole', {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'describe-replicas',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['dynamodb:DescribeTable'], Resource: lookups.map((l) => tableArn(l.name)) },
              { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt('MeridianReplicaLookupLogGroup', 'Arn') },
            ],
          },
        },
      ],
    },
  });
  addResource(template, 'MeridianReplicaLookupFunction', {
    Type: 'AWS::Lambda::Function',
    DependsOn: ['MeridianReplicaLookupLogGroup'],
    Properties: {
      FunctionName: functionName,
      Description: 'Meridian: finds this region\'s replica of a global table (stream ARN, table id) for the stack',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: getAtt('MeridianReplicaLookupRole', 'Arn'),
      // Waits for a replica that is still being created; the home region's deploy normally finished long before.
      Timeout: 300,
      MemorySize: 128,
      Code: { ZipFile: REPLICA_STREAM_HANDLER },
    },
  });
  for (const l of lookups) {
    addResource(template, l.lookupId, {
      Type: 'Custom::MeridianTableReplica',
      Properties: { ServiceToken: getAtt('MeridianReplicaLookupFunction', 'Arn'), TableName: l.name },
    });
  }
}

/** Lambda function names are at most 64 characters: a longer one is cut and made unique again with a hash. */
export function lambdaName(name: string): string {
  if (name.length <= 64) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 55)}-${hash}`;
}
