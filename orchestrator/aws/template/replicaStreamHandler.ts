/**
 * The replica lookup's code, inline in the template (CloudFormation's ZipFile, at most 4096 characters):
 * DescribeTable in the stack's own region until the replica is ACTIVE with a stream, then answers
 * CloudFormation with its StreamArn, Arn and TableId. The SDK is the one the nodejs22.x runtime ships.
 */
export const REPLICA_STREAM_HANDLER = `const https = require('node:https');
const { DynamoDBClient, DescribeTableCommand } = require('@aws-sdk/client-dynamodb');
const dynamodb = new DynamoDBClient({});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function replica(tableName, deadline) {
  for (;;) {
    try {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table.TableStatus === 'ACTIVE' && Table.LatestStreamArn) return Table;
    } catch (e) {
      if (e.name !== 'ResourceNotFoundException') throw e;
    }
    if (Date.now() > deadline) {
      throw new Error('Global table ' + tableName + ' has no active replica with a stream in ' + process.env.AWS_REGION +
        ': deploy the home region (latency rank 1) first, then this region');
    }
    await sleep(10000);
  }
}

function respond(event, status, reason, physicalId, data) {
  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: physicalId, StackId: event.StackId,
    RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: data });
  return new Promise((resolve, reject) => {
    const request = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (response) => { response.resume(); response.on('end', resolve); });
    request.on('error', reject);
    request.end(body);
  });
}

exports.handler = async (event, context) => {
  const tableName = event.ResourceProperties.TableName;
  if (event.RequestType === 'Delete') return respond(event, 'SUCCESS', 'nothing to delete: the home stack owns the table', event.PhysicalResourceId, {});
  try {
    const table = await replica(tableName, Date.now() + context.getRemainingTimeInMillis() - 20000);
    await respond(event, 'SUCCESS', 'found', table.LatestStreamArn, { StreamArn: table.LatestStreamArn, Arn: table.TableArn, TableId: table.TableId });
  } catch (e) {
    console.error(e);
    await respond(event, 'FAILED', e.message, event.PhysicalResourceId || 'replica-of-' + tableName, {});
  }
};
`;
