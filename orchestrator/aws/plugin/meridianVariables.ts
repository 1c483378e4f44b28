import { meridianValues } from '../../service-definition/meridianSource.js';
import { PluginConfigError } from '../errors.js';
import { isRecord } from '../template/cfTemplate.js';
import type { OslsVariableRequest } from './oslsTypes.js';

/**
 * `${meridian:...}` for osls, from the same function the local target's loader uses: this region's
 * configuration, the next region of the ring (`${meridian:next.names.searchBucket}`: the round-robin
 * target bucket, known from config/ without deploying twice), the regions and the recovery account.
 */
export async function resolveMeridianVariable(request: OslsVariableRequest): Promise<{ value: unknown }> {
  const address = request.address ?? '';
  if (address === '') throw new PluginConfigError('${meridian:}', 'name a value, as in ${meridian:region.next} or ${meridian:next.names.searchBucket}');
  const region = request.options?.region ?? (await request.resolveConfigurationProperty?.(['provider', 'region'])) ?? 'us-east-1';
  if (typeof region !== 'string') throw new PluginConfigError('provider.region', 'must be text, such as us-east-1');
  let node: unknown = meridianValues(region, undefined);
  const keys = address.split('.');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const next = Array.isArray(node) && /^\d+$/.test(key) ? node[Number(key)] : isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
    // No value: osls then tries the variable's fallback (`${meridian:region.search.endpoint, ''}`) or reports it.
    if (next === undefined) return { value: null };
    node = next;
  }
  return { value: structuredClone(node) };
}
