/** A service cannot be deployed locally as written; the message says what to change. */
export class DeployError extends Error {
  override name = 'DeployError';
}
