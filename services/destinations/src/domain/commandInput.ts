import type { Location } from './events.js';

/**
 * What a command's JSON body may say, checked strictly: a typo in a field name or a wrong type is
 * a 400 with the reason, never silently ignored or coerced (a client that sent "nmae" must hear it).
 *
 * - name: a string, trimmed, 1-200 characters (Unicode code points), no control characters.
 * - description: a string, trimmed, 0-2000 characters; line breaks and tabs allowed, other control
 *   characters not.
 * - location: exactly {lat, lon}, each a JSON number of magnitude at most 1,000,000, rounded to
 *   9 decimal places (about 0.1 mm) so that every accepted value can be stored exactly in DynamoDB.
 *   Whether the point is on Earth is the location validator's call, not the API's: lat 95 is
 *   accepted here and the destination's status becomes `failed`.
 * - Unknown fields are rejected. Clearing a field (null) is not supported yet.
 * Messages name the field and the rule, never echo the value (input is bounded and may be hostile).
 */

export const LIMITS = { name: 200, description: 2000, coordinate: 1_000_000, coordinateDecimals: 9 } as const;

export interface ProposalInput {
  name: string;
  description?: string;
  location?: Location;
}

export interface UpdateInput {
  name?: string;
  description?: string;
  location?: Location;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const FIELDS = ['name', 'description', 'location'] as const;

export function checkProposal(body: unknown): Checked<ProposalInput> {
  const fields = checkFields(body);
  if (!fields.ok) return fields;
  if (fields.value.name === undefined) return fail('name is required: a string of 1 to 200 characters');
  return { ok: true, value: { ...fields.value, name: fields.value.name } };
}

export function checkUpdate(body: unknown): Checked<UpdateInput> {
  const fields = checkFields(body);
  if (!fields.ok) return fields;
  if (Object.keys(fields.value).length === 0) return fail(`an update needs at least one of ${FIELDS.join(', ')}`);
  return fields;
}

function checkFields(body: unknown): Checked<UpdateInput> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('the body must be a JSON object');
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) return fail(`unknown field ${quote(key)}; allowed: ${FIELDS.join(', ')}`);
  }
  const out: UpdateInput = {};
  if (record.name !== undefined) {
    const name = checkText(record.name, 'name', 1, LIMITS.name, false);
    if (!name.ok) return name;
    out.name = name.value;
  }
  if (record.description !== undefined) {
    const description = checkText(record.description, 'description', 0, LIMITS.description, true);
    if (!description.ok) return description;
    out.description = description.value;
  }
  if (record.location !== undefined) {
    const location = checkLocation(record.location);
    if (!location.ok) return location;
    out.location = location.value;
  }
  return { ok: true, value: out };
}

// Lone surrogates (JSON "\ud800") are not text; C0/C1 controls have no place in a name.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINES = /[^\P{Cc}\n\r\t]/u;

function checkText(value: unknown, field: string, min: number, max: number, multiline: boolean): Checked<string> {
  const rule = `${field} must be a string of ${min} to ${max} characters`;
  if (typeof value !== 'string') return fail(rule);
  if (LONE_SURROGATE.test(value)) return fail(`${field} must be valid Unicode text`);
  if ((multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) {
    return fail(multiline ? `${field} must not contain control characters other than line breaks and tabs` : `${field} must not contain control characters`);
  }
  const text = value.trim();
  const length = [...text].length;
  if (length < min || length > max) return fail(`${rule} (after trimming spaces), got ${length}`);
  return { ok: true, value: text };
}

function checkLocation(value: unknown): Checked<Location> {
  const rule = 'location must be {"lat": number, "lon": number}';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(rule);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'lat' && key !== 'lon') return fail(`${rule}; unknown field ${quote(key)}`);
  }
  const lat = checkCoordinate(record.lat, 'location.lat');
  if (!lat.ok) return lat;
  const lon = checkCoordinate(record.lon, 'location.lon');
  if (!lon.ok) return lon;
  return { ok: true, value: { lat: lat.value, lon: lon.value } };
}

function checkCoordinate(value: unknown, field: string): Checked<number> {
  if (typeof value !== 'number') return fail(`${field} must be a number`);
  if (!Number.isFinite(value) || Math.abs(value) > LIMITS.coordinate) {
    return fail(`${field} must be a finite number between -${LIMITS.coordinate} and ${LIMITS.coordinate} (latitude -90..90 and longitude -180..180 are valid places)`);
  }
  return { ok: true, value: roundCoordinate(value) };
}

/** Rounds to LIMITS.coordinateDecimals places; -0 becomes 0 (DynamoDB and JSON have no -0). */
export function roundCoordinate(value: number): number {
  const scale = 10 ** LIMITS.coordinateDecimals;
  return Math.round(value * scale) / scale + 0;
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** A field name from the request, quoted and cut to a length that keeps messages small. */
function quote(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
