'use strict';
/*
 * Meridian's osls plugin, as osls loads it: `require()` of a CommonJS module exporting the plugin class.
 * The plugin itself is TypeScript (meridianPlugin.ts); tsx's loader is registered here, once, so the
 * plugin works however osls is started (through Meridian's packaging or `npx osls` in a service folder).
 */
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/** Meridian's errors that carry a message telling the user what to change (orchestrator/aws/errors.ts, service-definition, config). */
const USER_ERRORS = new Set([
  'AwsTargetError',
  'PluginConfigError',
  'InsecureTemplateError',
  'ServiceSetupError',
  'ServiceDefinitionError',
  'ConfigError',
]);

let implementation;
function plugin() {
  if (!implementation) {
    // tsx's ESM entry (its CommonJS build of esm/api cannot register from a CommonJS caller).
    implementation = import('tsx/esm/api').then(({ register }) => {
      register();
      return import(pathToFileURL(path.join(__dirname, 'meridianPlugin.ts')).href);
    });
  }
  return implementation;
}

class MeridianPlugin {
  constructor(serverless, options, utils) {
    const log = (utils && utils.log) || { notice: console.log, warning: console.warn, info: () => {} };
    // Errors the user can fix reach them as osls's own: the message alone, no stack. Others keep their stack.
    const asOslsError = (error) => (error && USER_ERRORS.has(error.name) ? new serverless.classes.Error(error.message) : error);
    const run = (work) => async () => {
      try {
        return await work(await plugin());
      } catch (error) {
        throw asOslsError(error);
      }
    };
    this.configurationVariablesSources = {
      meridian: {
        resolve: async (request) => {
          try {
            return await (await plugin()).resolveMeridianVariable({ ...request, options: { region: options.region } });
          } catch (error) {
            throw asOslsError(error);
          }
        },
      },
    };
    this.hooks = {
      'before:package:createDeploymentArtifacts': run((p) => p.bundleFunctions(serverless, log)),
      'before:aws:package:finalize:saveServiceState': run((p) => p.compileMeridianTemplate(serverless, log)),
    };
  }
}

module.exports = MeridianPlugin;
