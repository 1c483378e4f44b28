import { percentile } from '../../local/global-tables/lagWindow.js';

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles in ms, rounded to 0.1 ms. */
export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return sorted.length === 0
    ? { n: 0, p50: 0, p99: 0, max: 0 }
    : { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)!) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
