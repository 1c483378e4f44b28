/**
 * Errors a user can fix, each with an actionable message. The CLI catches `AwsTargetError` and prints
 * the message alone (no stack): the message says what went wrong and what to do.
 */
export class AwsTargetError extends Error {
  override name = 'AwsTargetError';
}

/** `custom.dns`, `custom.cdn` or `custom.autoscaling` (or a resource they name) cannot be turned into CloudFormation. */
export class PluginConfigError extends AwsTargetError {
  override name = 'PluginConfigError';

  constructor(
    readonly keyPath: string,
    readonly problem: string,
  ) {
    super(`${keyPath}: ${problem}`);
  }
}

/** A generated template would break one of Meridian's security rules (public buckets, wildcard actions, ...). */
export class InsecureTemplateError extends AwsTargetError {
  override name = 'InsecureTemplateError';
}

/** osls could not package (or deploy, or remove) a service; the message carries osls's own explanation. */
export class OslsRunError extends AwsTargetError {
  override name = 'OslsRunError';
}

/** Deploying needs AWS credentials and none were found. */
export class AwsCredentialsError extends AwsTargetError {
  override name = 'AwsCredentialsError';
}

/** A cycle of exports and imports; shared with the local target, so not an AwsTargetError. */
export { DeployOrderError } from '../deploy-target/dependencyOrder.js';

/** A services/<name>/ directory that cannot be packaged as it is (no serverless.yml, the plugin not listed, ...). */
export class ServiceSetupError extends AwsTargetError {
  override name = 'ServiceSetupError';
}
