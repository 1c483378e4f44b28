/**
 * A deterministic corpus of destinations and a mix of queries for the search benchmarks. Text is
 * English-shaped: a Zipf-like draw over a vocabulary whose commonest words are real stopwords, so a
 * few words are in most descriptions (the costly case for bm25) and most are rare.
 */
const STOPWORDS = ['the', 'of', 'and', 'a', 'in', 'to', 'with', 'for', 'on', 'by', 'from', 'its', 'old', 'near', 'city', 'river', 'town', 'beach', 'views', 'home'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'pe', 'da', 'zu', 'ri', 'ho', 'an', 'el', 'or'];

export const VOCABULARY: string[] = [
  ...STOPWORDS,
  ...Array.from({ length: 5_000 }, (_, i) => {
    let w = '';
    for (let n = i + 17; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
    return w;
  }),
];

/** A seeded PRNG (runs are comparable). */
export function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

export interface BenchDestination {
  id: string;
  name: string;
  description: string;
}

export function corpus(count: number, seed = 42): BenchDestination[] {
  const random = prng(seed);
  const zipf = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]!;
  const words = (n: number) => Array.from({ length: n }, zipf).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-${i.toString(36)}`,
    name: `${capitalise(VOCABULARY[STOPWORDS.length + Math.floor(random() * (VOCABULARY.length - STOPWORDS.length))]!)} ${capitalise(words(1))}`,
    description: words(15 + Math.floor(random() * 20)),
  }));
}

export type QueryKind = 'content word' | 'destination name' | 'phrase with common words' | 'common word only';

/**
 * What users type, by share: a word they know (uniform over the vocabulary) 50%, a destination's
 * name 20%, a natural 2-3 word phrase drawn by text frequency (so with "the", "of") 20%, and a common
 * word alone ("beach", "city", "the") 10%: the worst case, kept in on purpose.
 */
export function queryMix(destinations: BenchDestination[], seed = 7): () => { kind: QueryKind; text: string } {
  const random = prng(seed);
  const zipf = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]!;
  return () => {
    const roll = random();
    if (roll < 0.5) return { kind: 'content word', text: VOCABULARY[STOPWORDS.length + Math.floor(random() * (VOCABULARY.length - STOPWORDS.length))]! };
    if (roll < 0.7) return { kind: 'destination name', text: destinations[Math.floor(random() * destinations.length)]!.name };
    if (roll < 0.9) return { kind: 'phrase with common words', text: Array.from({ length: 2 + Math.floor(random() * 2) }, zipf).join(' ') };
    return { kind: 'common word only', text: STOPWORDS[Math.floor(random() * STOPWORDS.length)]! };
  };
}

function capitalise(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}
