/**
 * The AWS target: Meridian's osls plugin (plugin/), packaging every service for every region offline
 * (`meridian package`), and ordered deploys and removals per region (`meridian dp|rm <region> --target aws`).
 * See README.md.
 */
export { packageServices, TEMPLATE_FILE, type PackageOptions, type PackageResult, type ServicePackage } from './package/packageServices.js';
export { deployServices, removeServices, type RegionDeployOptions } from './deploy/deployServices.js';
export { assertAwsCredentials, type CredentialCheck, type CredentialSource } from './deploy/awsCredentials.js';
export { deployOrder } from './deploy/deployOrder.js';
export { discoverServiceDirs } from './package/serviceDirs.js';
export {
  AwsTargetError,
  AwsCredentialsError,
  DeployOrderError,
  InsecureTemplateError,
  OslsRunError,
  PluginConfigError,
  ServiceSetupError,
} from './errors.js';
