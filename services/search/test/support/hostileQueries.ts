/** Query text an attacker or a clumsy client sends: each must be a 400 or a plain text match, never a 5xx. */
export const HOSTILE_QUERIES: string[] = [
  'name:*',
  '*',
  '" OR 1=1',
  "' OR '1'='1",
  '"',
  '{"query":{"match_all":{}}}',
  '{"bool":{"must":[{"script":{"script":"1"}}]}}',
  'NEAR(paris lyon)',
  'paris OR lyon AND NOT kyoto',
  '(((paris',
  'paris^10 name:paris~2 /regex.*/ [a TO z]',
  '\\" \\\\ \' `',
  '\u0000\u0001\u0002\u001f\u007f paris \u0000',
  '%00%27%22',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '🙂 é ü 東京',
  Array.from({ length: 120 }, (_, i) => `w${i}`).join(' '),
];

/** Longer than the 256 characters GET /search accepts: a 400 before any engine sees it. */
export const OVERSIZED_QUERIES: string[] = ['x'.repeat(10 * 1024), 'é'.repeat(257), Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ')];
