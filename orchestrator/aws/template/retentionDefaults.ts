import type { CfTemplate } from './cfTemplate.js';

/** Days a log group keeps its events when the service sets no `provider.logRetentionInDays`. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/**
 * What is kept, and for how long, over the whole template:
 * - every log group has a retention (CloudWatch Logs otherwise keeps, and bills, every event forever);
 * - a resource kept when its stack is deleted is also kept when an update replaces it: a DeletionPolicy
 *   without an UpdateReplacePolicy protects the data from `remove` but not from a replacing change.
 */
export function applyRetentionDefaults(template: CfTemplate): void {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::Logs::LogGroup') {
      const props = (resource.Properties ??= {});
      props.RetentionInDays ??= DEFAULT_LOG_RETENTION_DAYS;
    }
    if (resource.DeletionPolicy !== undefined && resource.UpdateReplacePolicy === undefined) {
      // UpdateReplacePolicy has no RetainExceptOnCreate: a replacement is never the first create.
      resource.UpdateReplacePolicy = resource.DeletionPolicy === 'RetainExceptOnCreate' ? 'Retain' : resource.DeletionPolicy;
    }
  }
}
