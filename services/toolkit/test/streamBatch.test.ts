import { describe, expect, it } from 'vitest';
import { failedFrom } from '../streamBatch.js';

describe('failedFrom', () => {
  it('reports the record to redeliver from, or nothing', () => {
    expect(failedFrom('49590338271490256608559692538361571095921575989136588898')).toEqual({ batchItemFailures: [{ itemIdentifier: '49590338271490256608559692538361571095921575989136588898' }] });
    expect(failedFrom(undefined)).toEqual({ batchItemFailures: [] });
  });
});
