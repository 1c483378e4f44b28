import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ServiceDefinitionError } from './errors.js';
import { cloudFormationTags } from './intrinsics.js';

/** Parses serverless.yml and the files it includes: CloudFormation short tags, merge keys (`<<`), JSON too. */
export function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text, { customTags: cloudFormationTags, merge: true }) as unknown;
  } catch (e) {
    throw new ServiceDefinitionError(file, [], `is not valid YAML: ${(e as Error).message}`);
  }
}

/** Reads each file once per load: `${file(...)}` often points at the same region file many times. */
export class YamlFiles {
  private readonly cache = new Map<string, unknown>();

  /** The parsed document, or undefined when the file does not exist (a variable fallback may apply). */
  read(path: string): unknown {
    if (this.cache.has(path)) return this.cache.get(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ServiceDefinitionError(path, [], `cannot be read: ${(e as Error).message}`);
    }
    const doc = parseYaml(text, path) ?? null;
    this.cache.set(path, doc);
    return doc;
  }
}
