import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

type RequestContext = APIGatewayProxyEvent['requestContext'];

/** An API Gateway REST proxy event (payload 1.0) as API Gateway sends it; `fields` say what differs. */
export function apiGatewayEvent(fields: Partial<Omit<APIGatewayProxyEvent, 'requestContext'>> & { requestContext?: Partial<RequestContext> } = {}): APIGatewayProxyEvent {
  const { requestContext, ...rest } = fields;
  const httpMethod = fields.httpMethod ?? 'GET';
  const path = fields.path ?? '/';
  return {
    resource: path,
    path,
    httpMethod,
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    ...rest,
    requestContext: {
      accountId: '111111111111',
      apiId: 'test',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod,
      identity: identity(),
      path: `/test${path}`,
      stage: 'test',
      requestId: 'test-request',
      requestTimeEpoch: 1_700_000_000_000,
      resourceId: 'test',
      resourcePath: path,
      ...requestContext,
    },
  };
}

function identity(): RequestContext['identity'] {
  return {
    accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null,
    cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null,
    principalOrgId: null, sourceIp: '127.0.0.1', user: null, userAgent: 'vitest', userArn: null,
  };
}

/** Lambda's context object for one invocation of `functionName`. */
export function lambdaContext(awsRequestId: string, functionName = 'test-function'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111111111111:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 6_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
