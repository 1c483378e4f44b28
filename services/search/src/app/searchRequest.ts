/**
 * GET /search's query string → what to search, or why not (a 400 with that reason).
 * - q: required, 1 to 256 characters once trimmed; control characters count as spaces. Whatever else it
 *   holds is text to match, never query syntax (see searchBody in adapters/searchView.ts).
 * - size: a whole number from 1 to 100, default 10. Above 100 is refused rather than clamped: a client
 *   asking for 500 learns at once that it gets at most 100, instead of silently receiving fewer.
 */
export const MAX_QUERY_CHARS = 256;
export const DEFAULT_SIZE = 10;
export const MAX_SIZE = 100;

export type SearchRequest = { ok: true; text: string; size: number } | { ok: false; reason: string };

// C0 and C1 controls and DEL: never part of a word a user meant to type.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function parseSearchRequest(query: Record<string, string | undefined> | null | undefined): SearchRequest {
  const raw = query?.q;
  if (raw === undefined || raw.trim() === '') {
    return { ok: false, reason: 'q is required: the text to search for, as in /search?q=paris' };
  }
  // Counted in characters (code points), not UTF-16 units, so 256 accented or CJK letters are allowed.
  if ([...raw].length > MAX_QUERY_CHARS) {
    return { ok: false, reason: `q is longer than ${MAX_QUERY_CHARS} characters; search for fewer words` };
  }
  const text = raw.replace(CONTROL, ' ').trim();
  if (text === '') return { ok: false, reason: 'q holds only control characters; give the text to search for' };
  const sizeText = query?.size;
  let size = DEFAULT_SIZE;
  if (sizeText !== undefined) {
    if (!/^\d{1,4}$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > MAX_SIZE) {
      return { ok: false, reason: `size must be a whole number from 1 to ${MAX_SIZE} (default ${DEFAULT_SIZE})` };
    }
    size = Number(sizeText);
  }
  return { ok: true, text, size };
}
