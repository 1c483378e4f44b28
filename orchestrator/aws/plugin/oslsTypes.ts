import type { CfTemplate } from '../template/cfTemplate.js';

/**
 * The parts of osls's (Serverless Framework v3's) plugin API Meridian's plugin uses. osls ships no
 * types for them; these are written from its lib/classes and lib/plugins/aws sources (osls 4.3.1).
 */
export interface OslsServerless {
  serviceDir: string;
  configurationFilename?: string;
  service: {
    service: string;
    custom?: Record<string, unknown>;
    provider: { runtime?: string; compiledCloudFormationTemplate: CfTemplate };
    functions?: Record<string, OslsFunction>;
  };
  getProvider(name: 'aws'): OslsAwsProvider;
  classes: { Error: new (message: string) => Error };
}

export interface OslsAwsProvider {
  getStage(): string;
  getRegion(): string;
  naming: { getStackName(): string };
}

export interface OslsFunction {
  handler?: string;
  runtime?: string;
  image?: unknown;
  events?: unknown[];
  package?: { artifact?: string; individually?: boolean; patterns?: string[]; disable?: boolean };
}

/** The third constructor argument: osls's writers for this plugin. */
export interface OslsLog {
  notice(message: string): void;
  warning(message: string): void;
  info(message: string): void;
}

/** What a variable source's resolve() receives. */
export interface OslsVariableRequest {
  address?: string;
  options?: { region?: string };
  resolveConfigurationProperty?(path: string[]): Promise<unknown>;
}
