import { EsError } from './esErrors.js';

// Elasticsearch's own rules for index names; enforcing them keeps names safe to echo and to store.
const FORBIDDEN = /[\\/*?"<>| ,#:A-Z\u0000-\u001f]/;

export function validateIndexName(name: string): void {
  const invalid = (why: string): EsError =>
    new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${why}`, { index_uuid: '_na_', index: name });
  if (name.length === 0) throw invalid('must not be empty');
  if (Buffer.byteLength(name) > 255) throw invalid('index name is too long');
  if (name !== name.toLowerCase()) throw invalid('must be lowercase');
  if (FORBIDDEN.test(name)) throw invalid('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?, #, :]');
  if (/^[-_+]/.test(name)) throw invalid('must not start with \'_\', \'-\', or \'+\'');
  if (name === '.' || name === '..') throw invalid('must not be \'.\' or \'..\'');
}
