import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { searchViewFromEnv } from '../../../../services/search/src/adapters/searchViewFromEnv.js';
import { lazily, requiredEnv } from '../../../../services/toolkit/environment.js';
import { serviceLogger, withLambdaContext } from '../../../../services/toolkit/logger.js';
import { bucketCheck, searchCheck, streamCheck, tableCheck } from '../dependencyChecks.js';
import { parseDrillSetting, ssmDrillSwitch, tableDrillSwitch } from '../drillSwitch.js';
import { healthEndpoint } from '../healthEndpoint.js';

/** GET /health: this region's table, bucket, stream and search engine, checked at once. */
const log = serviceLogger('health');
const setBy = 'regions/health/serverless.yml sets it';
/** Each check's limit: well under the front door's probe timeout (0.9 s at its 1 s default) and Route 53's (2 s after connecting), so a sick region answers 503 naming the check rather than not answering. */
const CHECK_TIMEOUT_MS = 700;
/** How long a warm function trusts the SSM drill parameter it read. */
const DRILL_CACHE_MS = 5_000;
// No SDK retries: a health check reports the first failure, the next probe tries again.
const fast = { maxAttempts: 1, requestHandler: { connectionTimeout: CHECK_TIMEOUT_MS, requestTimeout: CHECK_TIMEOUT_MS } };

const deps = lazily(() => {
  const region = requiredEnv('AWS_REGION', 'the Lambda runtime (and the local cloud) sets it');
  const table = requiredEnv('HEALTH_TABLE', setBy);
  const dynamodb = new DynamoDBClient({ region, ...fast });
  const drill = parseDrillSetting(requiredEnv('MERIDIAN_HEALTH_DRILL', `${setBy} (the local cloud sets "table")`));
  return {
    region,
    timeoutMs: CHECK_TIMEOUT_MS,
    checks: {
      table: tableCheck(dynamodb, table, region),
      bucket: bucketCheck(new S3Client({ region, forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined, ...fast }), requiredEnv('SEARCH_BUCKET', setBy), region),
      stream: streamCheck(new KinesisClient({ region, ...fast }), requiredEnv('EVENT_STREAM_ARN', setBy), region),
      search: searchCheck(searchViewFromEnv(process.env)),
    },
    drill: drill.kind === 'table' ? tableDrillSwitch(dynamodb, table, region) : ssmDrillSwitch(new SSMClient({ region, ...fast }), drill.name, DRILL_CACHE_MS),
    log,
  };
});

export const handler = withLambdaContext(log, (_event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => healthEndpoint(deps()));
