import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { YamlFiles } from '../../service-definition/yamlFile.js';
import { ServiceSetupError } from '../errors.js';
import { isRecord } from '../template/cfTemplate.js';
import { serviceFile } from './serviceDirs.js';

/** orchestrator/aws/: the folder holding the plugin's directory `plugin/`. */
const PLUGIN_PARENT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN_DIR = join(PLUGIN_PARENT, 'plugin');
const RETIRED = ['serverless-multi-regional-plugin', 'serverless-dynamodb-autoscaling-plugin', 'serverless-dynamodb-global-table-plugin'];

/** The `plugins:` block a service in `dir` writes to load Meridian's plugin with osls. */
export function pluginsBlock(dir: string): string {
  return `plugins:\n  localPath: ${relative(resolve(dir), PLUGIN_PARENT).split(sep).join('/')}\n  modules:\n    - plugin`;
}

/**
 * Checks, before osls runs, that the service lists Meridian's plugin in a form osls 4 loads. osls accepts
 * only package names or `./` paths inside the service folder, so `../../orchestrator/aws/plugin` is refused
 * ("Invalid plugin name"); `localPath` (resolved from the service folder, where Meridian runs osls) works.
 */
export function checkPluginListing(dir: string): void {
  const file = serviceFile(dir);
  const doc = new YamlFiles().read(file);
  const plugins = isRecord(doc) ? doc.plugins : undefined;
  const modules = Array.isArray(plugins) ? plugins : isRecord(plugins) && Array.isArray(plugins.modules) ? plugins.modules : [];
  const localPath = isRecord(plugins) && typeof plugins.localPath === 'string' ? plugins.localPath : undefined;
  const fix = `Write it as:\n${pluginsBlock(dir)}`;
  const loadsMeridian = localPath !== undefined && modules.includes('plugin') && resolve(dir, localPath, 'plugin') === PLUGIN_DIR;
  if (loadsMeridian) {
    const retired = modules.filter((m) => typeof m === 'string' && RETIRED.includes(m));
    if (retired.length > 0) throw new ServiceSetupError(`${file}: ${retired.join(', ')} no longer work${retired.length > 1 ? '' : 's'} on osls (Meridian's plugin does their job); remove ${retired.length > 1 ? 'them' : 'it'} from plugins`);
    return;
  }
  const pathForm = modules.find((m) => typeof m === 'string' && m.includes('orchestrator/aws/plugin'));
  if (pathForm !== undefined) {
    throw new ServiceSetupError(`${file}: plugins lists "${pathForm}", which osls 4 cannot load (it takes package names, or ./ paths inside the service folder). ${fix}`);
  }
  if (modules.some((m) => typeof m === 'string' && RETIRED.includes(m))) {
    throw new ServiceSetupError(`${file}: the 2018 plugins (${RETIRED.join(', ')}) no longer work on osls; Meridian's plugin reads the same custom.dns, custom.cdn and custom.autoscaling. ${fix}`);
  }
  throw new ServiceSetupError(`${file}: Meridian's osls plugin is not listed, so handlers would not be bundled nor the template secured. ${fix}`);
}
