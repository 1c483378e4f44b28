import { PluginConfigError } from '../errors.js';
import { getAttTarget, isRecord, refTarget, resourcesOfType, type CfTemplate } from './cfTemplate.js';

/**
 * Nothing is dropped silently. On AWS a stream mapping without an on-failure destination discards a batch
 * once its retries or its maximum age run out, and Lambda discards an asynchronous (SNS) event after two
 * retries; SNS itself drops a message it cannot hand to Lambda unless the subscription has a redrive
 * policy. So every template must give:
 * - each stream event-source mapping: an on-failure destination and a maximum record age;
 * - each SNS subscription of a function: a redrive policy (a dead-letter queue);
 * - each function SNS invokes: an on-failure destination for its asynchronous invocations.
 * Refused otherwise, with the serverless.yml lines to add: the queues are the service's own resources, so
 * both targets (and `meridian redrive`) see the same dead letters.
 */
export function requireFailureDestinations(template: CfTemplate): void {
  const functions = functionNames(template);
  for (const [id, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const props = mapping.Properties ?? {};
    // Stream sources (DynamoDB, Kinesis, Kafka) have a starting position; SQS sources have their own redrive.
    if (props.StartingPosition === undefined) continue;
    const fn = functionOf(props.FunctionName, functions);
    const config = isRecord(props.DestinationConfig) ? props.DestinationConfig : {};
    const onFailure = isRecord(config.OnFailure) ? config.OnFailure.Destination : undefined;
    const age = props.MaximumRecordAgeInSeconds;
    if (onFailure === undefined || age === undefined || age === -1) {
      const missing = [onFailure === undefined ? 'no on-failure destination' : undefined, age === undefined || age === -1 ? 'no maximum record age' : undefined].filter(Boolean).join(' and ');
      throw new PluginConfigError(
        `functions.${fn} (stream mapping ${id})`,
        `has ${missing}, so a batch whose retries run out, or whose records outlive the stream, would be dropped without a trace. Add to the stream event:\n` +
          `      maximumRecordAgeInSeconds: 21600   # less than the stream's retention, so the dead letter still points at readable records\n` +
          `      destinations:\n        onFailure:\n          type: sqs\n          arn: !GetAtt <Function>DeadLetters.Arn\n` +
          'and declare that AWS::SQS::Queue under resources',
      );
    }
  }

  const snsInvoked = new Set<string>();
  for (const [id, subscription] of resourcesOfType(template, 'AWS::SNS::Subscription')) {
    const props = subscription.Properties ?? {};
    if (props.Protocol !== 'lambda') continue;
    const fn = functionOf(props.Endpoint, functions);
    snsInvoked.add(fn);
    if (props.RedrivePolicy === undefined) {
      throw new PluginConfigError(
        `functions.${fn} (SNS subscription ${id})`,
        'has no redrive policy, so a message SNS cannot deliver to the function is dropped. Add to the sns event:\n' +
          '      redrivePolicy:\n        deadLetterTargetRef: <Function>DeadLetters   # an AWS::SQS::Queue under resources',
      );
    }
  }
  for (const [id, topic] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    const inline = Array.isArray(topic.Properties?.Subscription) ? topic.Properties.Subscription.filter(isRecord) : [];
    for (const s of inline.filter((x) => x.Protocol === 'lambda')) {
      throw new PluginConfigError(
        `functions.${functionOf(s.Endpoint, functions)} (topic ${id})`,
        'is subscribed inline, where SNS allows no redrive policy, so a message it cannot deliver is dropped. Add to the sns event:\n' +
          '      redrivePolicy:\n        deadLetterTargetRef: <Function>DeadLetters   # an AWS::SQS::Queue under resources',
      );
    }
  }

  const asyncFailures = new Set<string>();
  for (const [, config] of resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')) {
    const props = config.Properties ?? {};
    const destination = isRecord(props.DestinationConfig) && isRecord(props.DestinationConfig.OnFailure) ? props.DestinationConfig.OnFailure.Destination : undefined;
    if (destination !== undefined) asyncFailures.add(functionOf(props.FunctionName, functions));
  }
  for (const [id, key] of functions) {
    const lambda = template.Resources[id]!;
    const dlq = isRecord(lambda.Properties?.DeadLetterConfig) ? lambda.Properties.DeadLetterConfig.TargetArn : undefined;
    if (snsInvoked.has(key) && !asyncFailures.has(key) && dlq === undefined) {
      throw new PluginConfigError(
        `functions.${key}`,
        'is invoked by SNS (asynchronously) and has no on-failure destination, so Lambda drops an event that still fails after its two retries. Add to the function:\n' +
          '    destinations:\n      onFailure:\n        type: sqs\n        arn: !GetAtt <Function>DeadLetters.Arn',
      );
    }
  }
}

/** Lambda function logical id → its key under `functions:` (osls names it `<Key>LambdaFunction`), else the logical id. */
function functionNames(template: CfTemplate): Map<string, string> {
  return new Map(resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => [id, functionKey(id)]));
}

function functionKey(logicalId: string): string {
  const m = /^(.+)LambdaFunction$/.exec(logicalId);
  if (!m) return logicalId;
  const key = m[1]!.replace(/Dash/g, '-').replace(/Underscore/g, '_');
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** The function a FunctionName/Endpoint value points at (`GetAtt X.Arn`, `Ref X`), by the name the user knows. */
function functionOf(value: unknown, functions: Map<string, string>): string {
  const id = getAttTarget(value)?.[0] ?? refTarget(value);
  if (id !== undefined) return functions.get(id) ?? id;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
