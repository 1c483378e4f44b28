/**
 * Amazon Resource Names, parsed and built in one place: `arn:<partition>:<service>:<region>:<account>:<resource>`.
 * The resource keeps its own colons and slashes (`function:name:alias`, `table/t/stream/label`, an SNS
 * subscription's `topic:uuid`); region and account are empty where a service has none (S3 buckets, IAM).
 * Here because the local cloud and the orchestrator both read ARNs, and what ships may too.
 */
export interface Arn {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ... */
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

// DynamoDB Local's stream ARNs name region `ddblocal`: any lowercase name is a region here.
const ARN = /^arn:(aws(?:-[a-z]+)*):([a-z0-9-]+):([a-z0-9-]*):(\d*):(.+)$/;

export function parseArn(text: string): Arn | undefined {
  const m = ARN.exec(text);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, accountId: m[4]!, resource: m[5]! };
}

/** Builds an ARN; the partition defaults to `aws`. */
export function formatArn(arn: Omit<Arn, 'partition'> & { partition?: string }): string {
  return `arn:${arn.partition ?? 'aws'}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;
}

/** A Lambda function's ARN, unqualified or with a version or alias (`:$LATEST`, `:7`, `:live`). */
export interface FunctionArn {
  partition: string;
  region: string;
  accountId: string;
  functionName: string;
  qualifier?: string;
}

const FUNCTION_RESOURCE = /^function:([A-Za-z0-9_-]+)(?::(\$LATEST|[A-Za-z0-9_-]+))?$/;

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`, or undefined for anything else. */
export function parseFunctionArn(text: string): FunctionArn | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'lambda' || arn.region === '' || arn.accountId === '') return undefined;
  const m = FUNCTION_RESOURCE.exec(arn.resource);
  if (!m) return undefined;
  const { partition, region, accountId } = arn;
  return { partition, region, accountId, functionName: m[1]!, ...(m[2] === undefined ? {} : { qualifier: m[2] }) };
}

/** The function a Lambda ARN names (its qualifier dropped): what topics and subscriptions deliver to. */
export function functionNameFromArn(text: string): string | undefined {
  return parseFunctionArn(text)?.functionName;
}

/** The unqualified ARN of a function in a region and account. */
export function functionArn(where: { region: string; accountId: string; partition?: string }, functionName: string): string {
  return formatArn({ partition: where.partition, service: 'lambda', region: where.region, accountId: where.accountId, resource: `function:${functionName}` });
}
