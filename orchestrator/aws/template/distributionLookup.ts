import { addResource, getAtt, sub, type CfTemplate } from './cfTemplate.js';
import { DISTRIBUTION_REGION } from './frontDoorNames.js';
import { lambdaName } from './replicaReferences.js';

/**
 * The distribution's id for a stack outside us-east-1: CloudFormation cannot read another region's stack
 * (Fn::ImportValue is same-region), and the id exists only once us-east-1's stack has created the
 * distribution. That stack writes it to an SSM parameter; this custom resource reads it there, so the site
 * bucket's policy names exactly that distribution. Deploying this region before us-east-1 fails with what to do.
 */
export function addDistributionLookup(template: CfTemplate, parameterName: string, stackName: string): void {
  const functionName = lambdaName(`${stackName}-distribution-lookup`);
  addResource(template, 'DistributionLookupLogGroup', {
    Type: 'AWS::Logs::LogGroup',
    Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: 14 },
  });
  addResource(template, 'DistributionLookupRole', {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'read-distribution-id',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: sub(`arn:\${AWS::Partition}:ssm:${DISTRIBUTION_REGION}:\${AWS::AccountId}:parameter${parameterName}`) },
              { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt('DistributionLookupLogGroup', 'Arn') },
            ],
          },
        },
      ],
    },
  });
  addResource(template, 'DistributionLookupFunction', {
    Type: 'AWS::Lambda::Function',
    DependsOn: ['DistributionLookupLogGroup'],
    Properties: {
      FunctionName: functionName,
      Description: `Meridian: reads the front door's distribution id from SSM in ${DISTRIBUTION_REGION}`,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: getAtt('DistributionLookupRole', 'Arn'),
      Timeout: 30,
      MemorySize: 128,
      Code: { ZipFile: DISTRIBUTION_LOOKUP_HANDLER },
    },
  });
  addResource(template, 'DistributionLookup', {
    Type: 'Custom::MeridianDistributionId',
    Properties: { ServiceToken: getAtt('DistributionLookupFunction', 'Arn'), ParameterName: parameterName },
  });
}

/** Inline (ZipFile): GetParameter in us-east-1, answered to CloudFormation as the attribute Id. */
const DISTRIBUTION_LOOKUP_HANDLER = `const https = require('node:https');
const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');
const ssm = new SSMClient({ region: '${DISTRIBUTION_REGION}' });

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

exports.handler = async (event) => {
  const name = event.ResourceProperties.ParameterName;
  if (event.RequestType === 'Delete') return respond(event, 'SUCCESS', 'nothing to delete', event.PhysicalResourceId, {});
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    await respond(event, 'SUCCESS', 'found', Parameter.Value, { Id: Parameter.Value });
  } catch (e) {
    console.error(e);
    const reason = e.name === 'ParameterNotFound' ? 'no ' + name + ' in ${DISTRIBUTION_REGION}: deploy the front door to ${DISTRIBUTION_REGION} first, then this region' : e.message;
    await respond(event, 'FAILED', reason, event.PhysicalResourceId || 'distribution-id', {});
  }
};
`;
