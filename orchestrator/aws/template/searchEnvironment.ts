import { PluginConfigError } from '../errors.js';
import { isRecord, resourcesOfType, type CfTemplate } from './cfTemplate.js';

/** The engines a function can reach on AWS (the local engine exists only in the local cloud). */
const AWS_ENGINES = ['opensearch', 'elasticsearch'];

/**
 * A function given MERIDIAN_SEARCH_ENGINE or MERIDIAN_SEARCH_ENDPOINT must reach an engine on AWS: an
 * engine AWS can run and a non-empty endpoint. In the local cloud these values are set by the region, which
 * hid exactly this (every search call on AWS failing); packaging refuses it instead, saying what to set.
 */
export function requireSearchEndpoints(template: CfTemplate, scope: { region: string }): void {
  for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const env = isRecord(fn.Properties?.Environment) && isRecord(fn.Properties.Environment.Variables) ? fn.Properties.Environment.Variables : {};
    if (!('MERIDIAN_SEARCH_ENGINE' in env) && !('MERIDIAN_SEARCH_ENDPOINT' in env)) continue;
    const name = typeof fn.Properties?.FunctionName === 'string' ? fn.Properties.FunctionName : id;
    const engine = env.MERIDIAN_SEARCH_ENGINE;
    if (typeof engine !== 'string' || !AWS_ENGINES.includes(engine)) {
      throw new PluginConfigError(
        `function ${name}: MERIDIAN_SEARCH_ENGINE`,
        `is ${JSON.stringify(engine ?? null)}, which is no engine on AWS. Set aws.search.engine: opensearch in config/${scope.region}.yml ` +
          '(search.engine there is the local cloud\'s), and give the variable ${meridian:region.aws.search.engine}',
      );
    }
    const endpoint = env.MERIDIAN_SEARCH_ENDPOINT;
    if (endpoint === undefined || endpoint === null || (typeof endpoint === 'string' && endpoint.trim() === '')) {
      throw new PluginConfigError(
        `function ${name}: MERIDIAN_SEARCH_ENDPOINT`,
        `would be empty in ${scope.region}, so the function could reach no search engine. Give it the endpoint of the region's domain ` +
          '(MERIDIAN_SEARCH_ENDPOINT: !GetAtt SearchDomain.DomainEndpoint, as services/search/serverless.yml does), or the URL of an engine that exists',
      );
    }
  }
}
