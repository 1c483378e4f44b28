import { resolve } from 'node:path';
import type { MeridianConfig } from '../../regions/config.js';
import type { TargetName } from '../deploy-target/index.js';
import { LOCAL_STAGE } from '../../local/deploy/localDeployer.js';
import { hasServiceFile, serviceDirs } from '../serviceCatalog.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface DeployArgs {
  region: string;
  target: TargetName;
  stage: string;
  serviceDirs: string[];
  /** `dp --force`: deploy locally even what is unchanged since its last deploy. */
  force: boolean;
}

/** `dp|rm <region> [service dirs] [--stage NAME] [--target local|aws] [--force]`; the stage is required on AWS. */
export function parseDeployArgs(command: string, args: string[], config: MeridianConfig): DeployArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--force' && command === 'dp') {
      force = true;
      continue;
    }
    const m = /^--(stage|target|region)(?:=(.*))?$/.exec(a);
    if (m) {
      const value = m[2] ?? args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${m[1]} needs a value`);
      flags[m[1]!] = value;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}; meridian ${command} <region> [service dirs] [--stage NAME] [--target local|aws]${command === 'dp' ? ' [--force]' : ''}`);
    } else positional.push(a);
  }
  const region = flags.region ?? positional.shift();
  const regions = config.regions.map((r) => r.region);
  if (!region || !regions.includes(region)) {
    throw new UsageError(`meridian ${command}: which region? ${region ? `"${region}" is not configured; ` : ''}configured: ${regions.join(', ')}`);
  }
  const target = flags.target ?? 'local';
  if (target !== 'local' && target !== 'aws') throw new UsageError(`--target must be local or aws, not "${target}"`);
  if (target === 'aws' && force) throw new UsageError(`--force is for the local target (which skips unchanged services); on AWS, CloudFormation decides what changed`);
  if (target === 'aws' && !flags.stage) throw new UsageError(`--target aws needs --stage NAME (for example --stage prod): it names every stack and resource`);
  const stage = flags.stage ?? LOCAL_STAGE;
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) throw new UsageError(`--stage "${stage}" must contain only letters, digits and -`);
  const dirs = positional.length ? positional.map((p) => resolve(p)) : serviceDirs();
  for (const d of dirs) {
    if (!hasServiceFile(d)) throw new UsageError(`${d} has no serverless.yml`);
  }
  return { region, target, stage, serviceDirs: dirs, force };
}

/** `package --stage NAME`. */
export function parsePackageArgs(args: string[]): { stage: string } {
  const i = args.findIndex((a) => a === '--stage' || a.startsWith('--stage='));
  const stage = i < 0 ? undefined : args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
  if (!stage) throw new UsageError('meridian package --stage NAME: the stage names every stack and resource (for example --stage prod)');
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) throw new UsageError(`--stage "${stage}" must contain only letters, digits and -`);
  return { stage };
}
