import { describe, expect, it } from 'vitest';
import { formatArn, functionArn, functionNameFromArn, parseArn, parseFunctionArn } from '../arn.js';

describe('parseArn', () => {
  it.each([
    // [arn, partition, service, region, account, resource]: shapes as AWS returns them
    ['arn:aws:lambda:us-east-1:123456789012:function:my-function', 'aws', 'lambda', 'us-east-1', '123456789012', 'function:my-function'],
    ['arn:aws:lambda:us-east-1:123456789012:function:my-function:live', 'aws', 'lambda', 'us-east-1', '123456789012', 'function:my-function:live'],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:f', 'aws-cn', 'lambda', 'cn-north-1', '123456789012', 'function:f'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:$LATEST', 'aws-us-gov', 'lambda', 'us-gov-west-1', '123456789012', 'function:f:$LATEST'],
    ['arn:aws-iso-b:sns:us-isob-east-1:123456789012:topic', 'aws-iso-b', 'sns', 'us-isob-east-1', '123456789012', 'topic'],
    ['arn:aws:sns:us-west-2:111111111111:things:7a1b2c3d-0000-4000-8000-000000000000', 'aws', 'sns', 'us-west-2', '111111111111', 'things:7a1b2c3d-0000-4000-8000-000000000000'],
    ['arn:aws:dynamodb:us-east-1:111111111111:table/things/stream/2024-01-01T00:00:00.000', 'aws', 'dynamodb', 'us-east-1', '111111111111', 'table/things/stream/2024-01-01T00:00:00.000'],
    ['arn:aws:dynamodb:ddblocal:000000000000:table/things/stream/2024-01-01T00:00:00.000', 'aws', 'dynamodb', 'ddblocal', '000000000000', 'table/things/stream/2024-01-01T00:00:00.000'],
    ['arn:aws:kinesis:us-east-1:111111111111:stream/events', 'aws', 'kinesis', 'us-east-1', '111111111111', 'stream/events'],
    ['arn:aws:s3:::my-bucket/views/*', 'aws', 's3', '', '', 'my-bucket/views/*'],
    ['arn:aws:iam::111111111111:role/service-role/trigger', 'aws', 'iam', '', '111111111111', 'role/service-role/trigger'],
    ['arn:aws:execute-api:us-east-1:111111111111:abc123/prod/GET/destinations', 'aws', 'execute-api', 'us-east-1', '111111111111', 'abc123/prod/GET/destinations'],
  ])('%s', (text, partition, service, region, accountId, resource) => {
    const arn = parseArn(text);
    expect(arn).toEqual({ partition, service, region, accountId, resource });
    expect(formatArn(arn!)).toBe(text);
  });

  it.each([
    'my-function',
    'arn:aws:lambda:us-east-1:123456789012',
    'arn:aws:lambda:us-east-1:123456789012:',
    'arn:azure:lambda:us-east-1:123456789012:function:f',
    'arn:aws:lambda:us-east-1:12345678901x:function:f',
    'arn:aws:Lambda:us-east-1:123456789012:function:f',
    'urn:aws:lambda:us-east-1:123456789012:function:f',
    '',
  ])('refuses %j', (text) => {
    expect(parseArn(text)).toBeUndefined();
  });

  it('builds in the aws partition unless told another', () => {
    expect(formatArn({ service: 'kinesis', region: 'us-west-2', accountId: '111111111111', resource: 'stream/s' })).toBe('arn:aws:kinesis:us-west-2:111111111111:stream/s');
    expect(formatArn({ partition: 'aws-cn', service: 's3', region: '', accountId: '', resource: 'b' })).toBe('arn:aws-cn:s3:::b');
  });
});

describe('function ARNs', () => {
  it('names the function with and without a qualifier, in every partition', () => {
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:destinations-dev-trigger')).toEqual({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      functionName: 'destinations-dev-trigger',
    });
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:f:live')).toMatchObject({ functionName: 'f', qualifier: 'live' });
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:f:42')).toMatchObject({ functionName: 'f', qualifier: '42' });
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST')).toMatchObject({ functionName: 'f', qualifier: '$LATEST' });
    expect(parseFunctionArn('arn:aws-cn:lambda:cn-northwest-1:123456789012:function:f')).toMatchObject({ partition: 'aws-cn', region: 'cn-northwest-1', functionName: 'f' });
    expect(parseFunctionArn('arn:aws-us-gov:lambda:us-gov-east-1:123456789012:function:f_2:blue')).toMatchObject({ partition: 'aws-us-gov', functionName: 'f_2', qualifier: 'blue' });
    expect(functionNameFromArn('arn:aws:lambda:us-west-2:111111111111:function:search-dev-indexer:live')).toBe('search-dev-indexer');
  });

  it.each([
    'arn:aws:lambda:us-east-1:123456789012:layer:my-layer:3', // a layer version, not a function
    'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:a1b2c3d4-5678-90ab-cdef-11111EXAMPLE',
    'arn:aws:sns:us-east-1:123456789012:function:f', // another service
    'arn:aws:lambda:us-east-1:123456789012:function:f:live:extra',
    'arn:aws:lambda:us-east-1:123456789012:function:',
    'arn:aws:lambda:us-east-1:123456789012:function:f.g',
    'arn:aws:lambda::123456789012:function:f', // no region
    'arn:aws:lambda:us-east-1::function:f', // no account
    'f',
  ])('is not a function ARN: %s', (text) => {
    expect(parseFunctionArn(text)).toBeUndefined();
    expect(functionNameFromArn(text)).toBeUndefined();
  });

  it('builds the unqualified ARN that parses back to the same function', () => {
    const arn = functionArn({ region: 'us-east-1', accountId: '111111111111' }, 'destinations-dev-api');
    expect(arn).toBe('arn:aws:lambda:us-east-1:111111111111:function:destinations-dev-api');
    expect(functionNameFromArn(arn)).toBe('destinations-dev-api');
    expect(functionArn({ partition: 'aws-us-gov', region: 'us-gov-west-1', accountId: '111111111111' }, 'f')).toBe('arn:aws-us-gov:lambda:us-gov-west-1:111111111111:function:f');
  });
});
